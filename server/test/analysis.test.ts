/** The message model and exposure on hand-built models, independent of any frontend. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../src/model/analysis';
import { runRules } from '../src/rules/registry';
import { b } from './helpers/ir-builder';
import { analyzeSources } from '../src/workspace/analyze';

test('S1 shape: two commit points make three segments; the self-call writer interleaves both', () => {
  b.reset();
  const r0 = b.read('i');
  const a1 = b.await('commit', {
    call: { callee: 'foo', wait: 'unknown', selfCall: true, selfCallee: 'foo' },
  });
  const r1 = b.read('i');
  const a2 = b.await('commit', {
    call: { callee: 'foo', wait: 'unknown', selfCall: true, selfCallee: 'foo' },
  });
  const r2 = b.read('i');
  const testEp = b.entry('test', [
    r0,
    b.local('i0', { reads: [r0.id] }),
    a1,
    r1,
    b.local('i1', { reads: [r1.id] }),
    a2,
    r2,
    b.local('i2', { reads: [r2.id] }),
    {
      kind: 'exit',
      how: 'return',
      value: { reads: [], locals: ['i0', 'i1', 'i2'], awaits: [] },
      range: r2.range,
    },
  ]);
  const fr = b.read('i');
  const foo = b.entry('foo', [fr, b.write('i', { reads: [fr.id] })], 'self-call');
  const other = b.entry('appendText', [b.write('text')]);
  const { entryPoints } = analyze([b.file([testEp, foo, other], 'motoko')]);
  const t = entryPoints.find((e) => e.ir.name === 'test')!;
  assert.equal(t.segments.length, 3);
  assert.deepEqual(
    t.commitPoints.map((c) => c.index),
    [1, 2],
  );
  assert.deepEqual(
    t.segments.map((s) => s.reads.length),
    [1, 1, 1],
  );
  const cp1 = t.commitPoints[0];
  assert.deepEqual(
    cp1.carriedReads.map((a) => a.node),
    [r0],
  );
  const fooI = cp1.interleavers.find((i) => i.entry.ir.name === 'foo')!;
  assert.equal(fooI.harmless, false);
  assert.equal(fooI.conflicts[0].how, 'writes-carried-read');
  assert.equal(cp1.interleavers.find((i) => i.entry.ir.name === 'appendText')!.harmless, true);
  const cp2 = t.commitPoints[1];
  assert.ok(cp2.carriedReads.some((a) => a.node === r1));
  assert.ok(cp2.interleavers.find((i) => i.entry.ir.name === 'foo')!.conflicts.length > 0);
});

test('a none await does not split; a maybe await splits and also continues its segment', () => {
  b.reset();
  const ep = b.entry('m', [b.read('x'), b.await('none'), b.write('x'), b.await('maybe'), b.write('y')]);
  const [e] = analyze([b.file([ep])]).entryPoints;
  assert.equal(e.segments.length, 2);
  assert.equal(e.commitPoints[0].index, undefined);
  assert.equal(e.commitPoints[1].index, 1);
  const y = e.accesses.find((a) => a.state.root === 'y')!;
  assert.deepEqual(y.segments, [0, 1]);
});

test('an await in a loop is one commit point whose segment reaches it again', () => {
  b.reset();
  const rd = b.read('queue');
  const ep = b.entry('drain', [
    b.loop([rd, b.local('item', { reads: [rd.id] }), b.await('commit'), b.write('queue')]),
  ]);
  const [e] = analyze([b.file([ep])]).entryPoints;
  const cp = e.commitPoints[0];
  assert.equal(cp.inLoop, true);
  assert.equal(e.segments.length, 2);
  const read = e.accesses.find((a) => a.kind === 'read')!;
  assert.deepEqual(read.segments, [0, 1]);
});

test('check-then-act: checked before, written after; debit-first is the fix', () => {
  b.reset();
  const chk = b.read('balance');
  const bad = b.entry('withdraw', [
    chk,
    b.branch({ reads: [chk.id] }, [[b.await('commit'), b.write('balance')]]),
  ]);
  const bad2 = analyze([b.file([bad])]);
  const found = runRules(bad2).filter((f) => f.rule === 'check-then-act');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].state, ['balance']);
  assert.match(found[0].message, /another call of `withdraw`/);

  b.reset();
  const chk2 = b.read('balance');
  const good = b.entry('withdraw', [
    chk2,
    b.branch({ reads: [chk2.id] }, [[b.write('balance'), b.await('commit'), b.write('balance')]]),
  ]);
  assert.equal(runRules(analyze([b.file([good])])).filter((f) => f.rule === 'check-then-act').length, 0);
});

test('stale-write-back: a value read before the commit point is written back after it', () => {
  b.reset();
  const rd = b.read('balance');
  const ep = b.entry('withdraw', [
    rd,
    b.local('original', { reads: [rd.id] }),
    b.write('balance'),
    b.await('commit'),
    b.write('balance', { locals: ['original'] }),
  ]);
  const found = runRules(analyze([b.file([ep])])).filter((f) => f.rule === 'stale-write-back');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /read at line 1/);
});

test('no-rollback-on-failure depends on a compensating write on the failure path', () => {
  // The debit sends what it takes (`amount` flows into the call's arguments): it belongs to the call.
  const sends = { args: { reads: [], locals: ['amount'], awaits: [] } };
  b.reset();
  const ignored = b.entry('withdraw', [
    b.write('balance', { locals: ['amount'] }),
    b.await('commit', { handling: 'ignored', ...sends }),
  ]);
  assert.equal(
    runRules(analyze([b.file([ignored])])).filter((f) => f.rule === 'no-rollback-on-failure').length,
    1,
  );

  // A counter bumped before the call is nobody's to roll back.
  b.reset();
  const counter = b.entry('withdraw', [
    b.write('calls'),
    b.await('commit', { handling: 'ignored', ...sends }),
  ]);
  assert.equal(
    runRules(analyze([b.file([counter])])).filter((f) => f.rule === 'no-rollback-on-failure').length,
    0,
  );

  b.reset();
  const a = b.await('commit', sends);
  const handled = b.entry('withdraw', [
    b.write('balance', { locals: ['amount'] }),
    a,
    b.local('r', { awaits: [a.id] }),
    b.branch({ locals: ['r'] }, [[], [b.write('balance')]], { exhaustive: true, failureArms: [false, true] }),
  ]);
  assert.equal(
    runRules(analyze([b.file([handled])])).filter((f) => f.rule === 'no-rollback-on-failure').length,
    0,
  );
});

test('interleavers keyed by the caller conflict only for the same caller; a shared guard excludes them', () => {
  b.reset();
  const chk = b.read('balances', 'caller');
  const guard = {
    kind: 'guard' as const,
    typeName: 'CallerGuard',
    binding: '_guard',
    droppedImmediately: false,
    lock: { root: 'PENDING' },
    key: 'caller',
    range: chk.range,
  };
  const ep = b.entry('withdraw', [
    guard,
    chk,
    b.branch({ reads: [chk.id] }, [[b.await('commit'), b.write('balances', {}, { key: 'caller' })]]),
  ]);
  const analysis = analyze([b.file([ep])]);
  const cp = analysis.entryPoints[0].commitPoints[0];
  const self = cp.interleavers[0];
  assert.equal(self.conflicts[0].sameCallerOnly, true);
  assert.equal(self.excludedByLock, true);
  assert.equal(runRules(analysis).filter((f) => f.rule === 'check-then-act').length, 0);
});

test('state keyed by a parameter named `caller` is keyed by what the client passed, not by the message caller', async () => {
  const text = `use std::cell::RefCell;
use std::collections::HashMap;
use candid::Principal;
thread_local! { static BALANCES: RefCell<HashMap<Principal, u64>> = RefCell::new(HashMap::new()); }
async fn notify() { ic_cdk::call::Call::unbounded_wait(Principal::anonymous(), "n").await.unwrap(); }
#[ic_cdk::update]
async fn credit_for(caller: Principal, amount: u64) {
    let bal = BALANCES.with(|b| b.borrow().get(&caller).copied().unwrap_or(0));
    notify().await;
    BALANCES.with(|b| b.borrow_mut().insert(caller, bal + amount));
}
#[ic_cdk::update]
async fn credit_me(amount: u64) {
    let caller = ic_cdk::api::msg_caller();
    let bal = BALANCES.with(|b| b.borrow().get(&caller).copied().unwrap_or(0));
    notify().await;
    BALANCES.with(|b| b.borrow_mut().insert(caller, bal + amount));
}
`;
  const r = await analyzeSources([{ path: '/virtual/caller-param/src/lib.rs', text }]);
  const keyed = (name: string) =>
    r.analysis.entryPoints
      .find((e) => e.ir.name === name)
      ?.accesses.map((a) => `${a.kind}:${a.key ?? '-'}:${a.keyIsCaller}`);
  assert.deepEqual(keyed('credit_for'), ['read:caller:false', 'write:caller:false']);
  assert.deepEqual(keyed('credit_me'), ['read:caller:true', 'write:caller:true']);
});

test('carried reads: a read is carried when some event after the commit point uses it, also in a later iteration', () => {
  b.reset();
  const usedBefore = b.read('a');
  const usedAfter = b.read('b');
  const usedThroughLocal = b.read('c');
  const inLoop = b.read('d');
  const ep = b.entry('f', [
    usedBefore,
    usedAfter,
    usedThroughLocal,
    b.local('x', { reads: [usedThroughLocal.id] }),
    b.write('e', { reads: [usedBefore.id] }),
    b.loop([inLoop, b.write('g', { reads: [inLoop.id] }), b.await('commit')]),
    b.write('h', { reads: [usedAfter.id], locals: ['x'] }),
  ]);
  const [e] = analyze([b.file([ep])]).entryPoints;
  const [cp] = e.commitPoints;
  // `d` is read again in the next iteration, but the read before the await is used after it there too.
  assert.deepEqual(
    cp.carriedReads.map((a) => a.node),
    [usedAfter, usedThroughLocal, inLoop],
  );
});
