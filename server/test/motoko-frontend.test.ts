import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeMotokoFiles } from '../src/languages/motoko/index';
import type { AwaitNode, EntryPointIR, FileModel, Node, ReadNode, WriteNode } from '../src/model/ir';
import { analyze } from '../src/model/analysis';
import { runRules } from '../src/rules/registry';
import { typeErrors } from './helpers/motoko-typecheck';
import { fixturesDir } from './helpers/paths';

const dir = join(fixturesDir, 'motoko-frontend');
/** A fixture cut off on purpose (error tolerance): the only one the official compiler does not accept. */
const BROKEN = 'cut-off.mo';

/** The official compiler's errors for `main`, with every other fixture of the folder (imports) beside it. */
function fixtureTypeErrors(name: string): string[] {
  const names = ['async-star.mo', 'core-map.mo', 'lib/helpers.mo', 'lock-flag.mo', 's1-counter.mo'];
  names.push('s3-withdraw.mo', 's4-withdraw.mo', 's5-withdraw.mo', 's6-withdraw.mo', 's7-funds.mo');
  names.push('timers.mo', 'unicode.mo', 'withdraw.mo');
  const files = Object.fromEntries(
    names.map((n) => [`/fixtures/motoko-frontend/${n}`, readFileSync(join(dir, n), 'utf8')]),
  );
  return typeErrors(files, `/fixtures/motoko-frontend/${name}`);
}

/** A fixture, type-checked by the official compiler first (so it is real Motoko), unless it is `BROKEN`. */
function fixture(name: string): { path: string; text: string } {
  if (name !== BROKEN) assert.deepEqual(fixtureTypeErrors(name), [], `${name} type-checks`);
  const path = join(dir, name);
  return { path, text: readFileSync(path, 'utf8') };
}

function one(name: string): FileModel {
  const [model] = analyzeMotokoFiles([fixture(name)], {});
  assert.ok(model);
  return model;
}

/** Analyses `text`, type-checked by the official compiler first unless `typeCheck` is false (broken on purpose). */
function source(text: string, typeCheck = true): FileModel {
  const path = join(dir, 'inline.mo');
  if (typeCheck) assert.deepEqual(typeErrors({ '/inline/inline.mo': text }, '/inline/inline.mo'), []);
  const [model] = analyzeMotokoFiles([{ path, text }], {});
  assert.ok(model);
  return model;
}

function entry(m: FileModel, name: string): EntryPointIR {
  const e = m.entryPoints.find((x) => x.name === name);
  assert.ok(e, `entry point ${name} in ${m.entryPoints.map((x) => x.name).join(', ')}`);
  return e;
}

/** Every node in evaluation order, nested ones included. */
function flat(nodes: Node[]): Node[] {
  const out: Node[] = [];
  const go = (list: Node[]) => {
    for (const n of list) {
      out.push(n);
      if (n.kind === 'branch') n.arms.forEach(go);
      else if (n.kind === 'loop' || n.kind === 'block') go(n.body);
      else if (n.kind === 'try') {
        go(n.body);
        if (n.catchBody) go(n.catchBody);
        if (n.finallyBody) go(n.finallyBody);
      }
    }
  };
  go(nodes);
  return out;
}

const awaitsOf = (e: EntryPointIR) => flat(e.body).filter((n): n is AwaitNode => n.kind === 'await');
const writesOf = (e: EntryPointIR) => flat(e.body).filter((n): n is WriteNode => n.kind === 'write');
const readsOf = (e: EntryPointIR) => flat(e.body).filter((n): n is ReadNode => n.kind === 'read');

test('S1 counter: test (update) awaits the self-call foo twice, foo writes i', () => {
  const m = one('s1-counter.mo');
  assert.equal(m.language, 'motoko');
  assert.equal(m.canister, m.file);
  assert.deepEqual(m.parseErrors, []);
  assert.deepEqual(
    m.entryPoints.map((e) => [e.name, e.kind]),
    [
      ['foo', 'self-call'],
      ['test', 'update'],
    ],
  );
  assert.deepEqual(
    m.stateDecls.map((s) => s.root),
    ['i'],
  );
  const t = entry(m, 'test');
  const awaits = awaitsOf(t);
  assert.equal(awaits.length, 2);
  for (const a of awaits) {
    assert.equal(a.commit, 'commit');
    assert.equal(a.keyword, 'await');
    assert.equal(a.reason, 'self-call to `foo`: it runs as its own message and this one resumes after it');
    assert.deepEqual(a.call, { callee: 'foo', wait: 'unknown', selfCall: true, selfCallee: 'foo' });
    assert.equal(a.handling, 'unit');
  }
  // i0, i1, i2 are each bound to a read of i, in order around the awaits.
  const seq = t.body.map((n) => (n.kind === 'local' ? `local:${n.name}` : n.kind));
  assert.deepEqual(seq.slice(0, 8), [
    'read',
    'local:i0',
    'await',
    'read',
    'local:i1',
    'await',
    'read',
    'local:i2',
  ]);
  const i1 = t.body.find((n) => n.kind === 'local' && n.name === 'i1');
  assert.ok(i1 && i1.kind === 'local');
  const readBefore = t.body[3] as ReadNode;
  assert.deepEqual(readBefore.state, { root: 'i' });
  assert.deepEqual(i1.value.reads, [readBefore.id]);
  // The await keyword's position (line 12, `    await foo();`).
  assert.deepEqual(awaits[0].range, { start: { line: 11, character: 4 }, end: { line: 11, character: 9 } });
  assert.deepEqual(awaits[0].exprRange, {
    start: { line: 11, character: 10 },
    end: { line: 11, character: 15 },
  });

  const foo = entry(m, 'foo');
  const fooWrites = writesOf(foo);
  assert.equal(fooWrites.length, 1);
  assert.deepEqual(fooWrites[0].state, { root: 'i' });
  // `i += 1`: the read of i comes first and flows into the write.
  const fooRead = foo.body[0] as ReadNode;
  assert.equal(fooRead.kind, 'read');
  assert.deepEqual(fooWrites[0].value.reads, [fooRead.id]);

  assert.deepEqual(
    m.awaits.map((a) => [a.functionName, a.commit, a.range.start.line]),
    [
      ['test', 'commit', 11],
      ['test', 'commit', 13],
    ],
  );
  // The lead's analysis sees 3 segments in test and foo as an interleaver of both commit points.
  const a = analyze([m]);
  const ta = a.entryPoints.find((e) => e.ir.name === 'test');
  assert.ok(ta);
  assert.equal(ta.segments.length, 3);
  for (const cp of ta.commitPoints) {
    const foo = cp.interleavers.find((i) => i.entry.ir.name === 'foo');
    assert.ok(foo && !foo.harmless);
  }
});

test('withdraw: the debit is written before the unbounded await; a timeout makes it bounded', () => {
  const m = one('withdraw.mo');
  const w = entry(m, 'withdraw');
  assert.equal(w.kind, 'update');
  assert.deepEqual(w.params, ['amount']);
  const events = flat(w.body);
  const writeIdx = events.findIndex((n) => n.kind === 'write');
  const awaitIdx = events.findIndex((n) => n.kind === 'await');
  assert.ok(writeIdx >= 0 && awaitIdx > writeIdx);
  const debit = events[writeIdx] as WriteNode;
  assert.deepEqual(debit.state, { root: 'balance' });
  assert.deepEqual(debit.value.locals, ['amount']);
  assert.equal(debit.value.reads.length, 1);
  // `balance -= amount` on a Nat may underflow, right after the write.
  const trap = events[writeIdx + 1];
  assert.ok(trap && trap.kind === 'trap');
  assert.equal(trap.cause, 'underflow');
  const aw = events[awaitIdx] as AwaitNode;
  assert.equal(aw.commit, 'commit');
  assert.equal(aw.reason, 'inter-canister call to `ledger.transfer`: a commit point');
  assert.deepEqual(aw.call, { callee: 'ledger.transfer', wait: 'unbounded', selfCall: false });
  assert.equal(aw.handling, 'bound');
  const result = events.find((n) => n.kind === 'local' && n.name === 'result');
  assert.ok(result && result.kind === 'local');
  assert.deepEqual(result.value.awaits, [aw.id]);
  // The switch on the result: exhaustive, `#err` is the failure arm, its write is the rollback.
  const sw = events.find((n) => n.kind === 'branch' && n.failureArms !== undefined);
  assert.ok(sw && sw.kind === 'branch');
  assert.equal(sw.exhaustive, true);
  assert.deepEqual(sw.failureArms, [false, true]);
  assert.deepEqual(sw.cond.locals, ['result']);
  assert.equal(sw.arms[1].filter((n) => n.kind === 'write').length, 1);

  const b = awaitsOf(entry(m, 'withdrawBounded'));
  assert.equal(b.length, 1);
  assert.equal(b[0].call?.wait, 'bounded');
  assert.equal(b[0].handling, 'ignored');
});

test('await*: none / commit / maybe from the async* body, imported modules resolved, await? is maybe', () => {
  const files = [fixture('async-star.mo'), fixture('lib/helpers.mo')];
  const [m, lib] = analyzeMotokoFiles(files, {});
  assert.ok(m && lib);
  // The editor's view: every `await*` classified by what its body does.
  const run = m.awaits.filter((a) => a.functionName === 'run');
  const kinds = run.map((a) => [a.keyword, a.commit]);
  assert.deepEqual(kinds, [
    ['await*', 'none'],
    ['await*', 'commit'],
    ['await*', 'maybe'],
    ['await*', 'commit'],
    ['await*', 'none'],
    ['await*', 'commit'],
    ['await?', 'maybe'],
  ]);
  assert.equal(
    run[0].reason,
    '`await*` of `async*` `noAwait` (async-star.mo:7), which never awaits: it runs inline, not a commit point',
  );
  assert.match(run[4].reason, /`pure` \(helpers\.mo:2\), which never awaits/);
  assert.match(run[5].reason, /`remote` \(helpers\.mo:6\), which awaits on every path/);
  assert.match(run[6].reason, /commits only if the future is still pending/);
  // The analysis' view: `async*` bodies run inline, so their awaits are run's commit points (`always`, the one
  // in `sometimes`' branch, `always` again through `nested`, and `remote`'s of the imported module).
  assert.deepEqual(
    awaitsOf(entry(m, 'run')).map((a) => [a.keyword, a.commit]),
    [
      ['await', 'commit'],
      ['await', 'commit'],
      ['await', 'commit'],
      ['await', 'commit'],
      ['await?', 'maybe'],
    ],
  );
  // The imported module's body says which file its nodes are in (the parameter is bound at the call, in this
  // file); the file's own bodies need not.
  const remote = flat(entry(m, 'run').body).find((n) => n.kind === 'block' && n.inlined === 'remote');
  assert.ok(remote && remote.kind === 'block');
  assert.equal(remote.file, undefined);
  assert.deepEqual(
    remote.body.map((n) => [n.kind, n.file, n.range.start.line]),
    [
      ['local', undefined, 30],
      ['await', lib.file, 6],
    ],
  );
  const own = flat(entry(m, 'run').body).find((n) => n.kind === 'block' && n.inlined === 'always');
  assert.ok(own && own.kind === 'block' && own.body.every((n) => n.file === undefined));
  // `await* noAwait()` runs its body inline: the write of n happens in run's own message.
  const inlined = flat(entry(m, 'run').body).find((n) => n.kind === 'block' && n.inlined === 'noAwait');
  assert.ok(
    inlined &&
      inlined.kind === 'block' &&
      inlined.body.some((n) => n.kind === 'write' && n.state.root === 'n'),
  );
  // `noAwait();` as a statement: an async* computation that is never awaited.
  const unawaited = flat(entry(m, 'run').body).filter((n) => n.kind === 'unawaited-async-star');
  assert.equal(unawaited.length, 1);
  assert.equal(unawaited[0].kind === 'unawaited-async-star' && unawaited[0].callee, 'noAwait');
  // Every await of the file is annotated, also inside the private async* helpers.
  assert.deepEqual(
    m.awaits.map((a) => a.functionName),
    ['always', 'sometimes', 'nested', 'run', 'run', 'run', 'run', 'run', 'run', 'run'],
  );
  // The module file: its own path as canister, no entry points, its await annotated.
  assert.equal(lib.canister, lib.file);
  assert.deepEqual(lib.entryPoints, []);
  assert.deepEqual(
    lib.awaits.map((a) => [a.functionName, a.commit]),
    [['remote', 'commit']],
  );
});

test('await* of an import that cannot be resolved is maybe, and says why', () => {
  // The import is missing on purpose: the compiler would refuse the file, the analysis still gives an answer.
  const m = source(
    'import Lib "./missing";\npersistent actor {\n  public func f() : async () {\n    await* Lib.go();\n  };\n};\n',
    false,
  );
  const [aw] = awaitsOf(entry(m, 'f'));
  assert.ok(aw);
  assert.equal(aw.commit, 'maybe');
  assert.match(aw.reason, /callee is unknown \(`\.\/missing` could not be read\)/);
});

test('imports through options.readFile and mo: packages', () => {
  const root = '/virtual/project';
  const lib = 'module {\n  public func local() : async* () { };\n};\n';
  const pkg =
    'module {\n  public func remote(a : actor { f : () -> async () }) : async* () { await a.f() };\n};\n';
  const fsMap: Record<string, string> = { [`${root}/src/util.mo`]: lib, ['/pkgs/tools/src/Remote.mo']: pkg };
  const main =
    'import U "util";\nimport R "mo:tools/Remote";\nactor {\n  public func f(a : actor { f : () -> async () }) : async () {\n    await* U.local();\n    await* R.remote(a);\n  };\n};\n';
  const [m] = analyzeMotokoFiles([{ path: `${root}/src/main.mo`, text: main }], {
    readFile: (p) => fsMap[p],
    packages: { tools: '/pkgs/tools/src' },
  });
  assert.ok(m);
  // Both bodies run inline: `local` has no await, `remote`'s await is `f`'s commit point.
  assert.deepEqual(
    awaitsOf(entry(m, 'f')).map((a) => [a.keyword, a.commit, a.file]),
    [['await', 'commit', '/pkgs/tools/src/Remote.mo']],
  );
});

test('mo:core Map/Set: writes and reads keyed by the caller; try/finally lock markers', () => {
  const m = one('core-map.mo');
  assert.deepEqual(
    m.stateDecls.map((s) => s.root),
    ['balances', 'inFlight'],
  );
  const dep = entry(m, 'deposit');
  assert.deepEqual(dep.callerNames, ['caller']);
  const [w] = writesOf(dep);
  assert.ok(w);
  assert.deepEqual(w.state, { root: 'balances' });
  assert.equal(w.key, 'caller');
  assert.equal(w.mark, undefined);

  const q = entry(m, 'balanceOf');
  assert.equal(q.kind, 'query');
  assert.deepEqual(q.callerNames, ['msg.caller']);
  const [r] = readsOf(q);
  assert.equal(r?.key, 'msg.caller');
  assert.equal(writesOf(q).length, 0);

  const pay = entry(m, 'pay');
  assert.deepEqual(pay.callerNames, ['msg.caller', 'who']);
  const marks = writesOf(pay).map((x) => [x.state.root, x.key, x.mark]);
  assert.deepEqual(marks, [
    ['inFlight', 'who', 'set'],
    ['inFlight', 'who', 'clear'],
  ]);
  const tryNode = pay.body.find((n) => n.kind === 'try');
  assert.ok(tryNode && tryNode.kind === 'try');
  assert.equal(tryNode.body[0]?.kind, 'await');
  assert.equal(tryNode.finallyBody?.[0]?.kind, 'write');
  const a = analyze([m]).entryPoints.find((e) => e.ir.name === 'pay');
  assert.deepEqual(
    a?.commitPoints[0]?.locksHeld.map((l) => [l.state.root, l.how]),
    [['inFlight', 'finally']],
  );
});

test('lock flag set before the await and cleared in finally; assert; object field precision', () => {
  const m = one('lock-flag.mo');
  const w = entry(m, 'work');
  const events = flat(w.body);
  const assertTrap = events[1];
  assert.ok(assertTrap && assertTrap.kind === 'trap');
  assert.equal(assertTrap.cause, 'assert');
  assert.deepEqual(assertTrap.cond?.reads, [(events[0] as ReadNode).id]);
  assert.deepEqual(
    writesOf(w).map((x) => [x.state.root, x.state.field, x.mark]),
    [
      ['busy', undefined, 'set'],
      ['pending', 'count', undefined],
      ['busy', undefined, 'clear'],
    ],
  );
  assert.deepEqual(
    m.stateDecls.map((s) => s.root),
    ['busy', 'calls', 'pending'],
  );
});

test('a file cut off in the middle of a function still yields its other entry points', () => {
  const m = one('cut-off.mo');
  assert.ok(m.parseErrors.length > 0);
  assert.equal(m.parseErrors[0].range.start.line, 6);
  assert.deepEqual(
    m.entryPoints.map((e) => e.name),
    ['ok', 'broken'],
  );
  assert.deepEqual(writesOf(entry(m, 'ok'))[0]?.state, { root: 'x' });
});

test('non-ASCII text before an await: UTF-16 columns', () => {
  const m = one('unicode.mo');
  const [aw] = m.awaits;
  assert.ok(aw);
  // `    let s = "héllo 🎉"; await a.f();` — the emoji is two UTF-16 units.
  assert.deepEqual(aw.range, { start: { line: 2, character: 24 }, end: { line: 2, character: 29 } });
  const line = m.file && readFileSync(m.file, 'utf8').split('\n')[2];
  assert.equal(line.slice(aw.range.start.character, aw.range.end.character), 'await');
});

test('timers, system functions, composite queries, actor classes, helpers, traps', () => {
  const m = one('timers.mo');
  const kinds = Object.fromEntries(m.entryPoints.map((e) => [e.name, e.kind]));
  assert.deepEqual(kinds, {
    tick: 'timer',
    start: 'update',
    peek: 'composite-query',
    preupgrade: 'pre-upgrade',
    heartbeat: 'heartbeat',
    'start::timer@18': 'timer',
  });
  const inline = entry(m, 'start::timer@18');
  assert.deepEqual(
    writesOf(inline).map((w) => w.state.root),
    ['ticks', 'arr'],
  );
  const start = entry(m, 'start');
  // `debit(msg.caller, 5)`: the helper's map accesses are applied at the call, keyed by the argument.
  const viaDebit = flat(start.body).filter(
    (n) => (n.kind === 'read' || n.kind === 'write') && n.via === 'debit',
  );
  assert.deepEqual(
    viaDebit.map((n) => [n.kind, (n as ReadNode | WriteNode).key]),
    [
      ['read', 'msg.caller'],
      ['write', 'msg.caller'],
    ],
  );
  const traps = flat(start.body).filter((n) => n.kind === 'trap');
  assert.deepEqual(
    // `do ? { … ! }`: a `null` makes the block `null`, it does not trap.
    traps.map((t) => t.kind === 'trap' && t.cause),
    ['index'],
  );
});

test('let-else, switch on await, ignore await, throw, loops, Debug.trap', () => {
  const m = source(`import Debug "mo:base/Debug";
import Error "mo:base/Error";
persistent actor {
  var total : Nat = 0;
  let items : [var Nat] = [var 1, 2, 3];
  public func f(a : actor { g : () -> async ?Nat; h : () -> async { #ok : Nat; #err : Text } }) : async Nat {
    let ?v = await a.g() else { throw Debug.trap("none") };
    switch (await a.h()) {
      case (#ok(n)) { total := n };
      case (#err(_)) { throw Error.reject("failed") };
    };
    ignore await a.g();
    for (x in items.vals()) { total += x };
    while (total > 10) { total -= 1 };
    v
  };
};
`);
  const f = entry(m, 'f');
  const aws = awaitsOf(f);
  assert.deepEqual(
    aws.map((a) => a.handling),
    ['bound', 'matched', 'ignored'],
  );
  const letElse = f.body.find((n) => n.kind === 'branch');
  assert.ok(letElse && letElse.kind === 'branch');
  assert.deepEqual(letElse.cond.awaits, [aws[0].id]);
  assert.equal(letElse.arms[0].length, 0);
  assert.ok(letElse.arms[1].some((n) => n.kind === 'trap' && n.always === true));
  const sw = f.body.filter((n) => n.kind === 'branch')[1];
  assert.ok(sw && sw.kind === 'branch');
  assert.deepEqual(sw.cond.awaits, [aws[1].id]);
  assert.deepEqual(sw.failureArms, [false, true]);
  assert.ok(sw.arms[1].some((n) => n.kind === 'exit' && n.how === 'throw'));
  const loops = f.body.filter((n) => n.kind === 'loop');
  assert.equal(loops.length, 2);
  assert.ok(loops[1].kind === 'loop' && loops[1].cond !== undefined);
  const underflow = flat(f.body).filter((n) => n.kind === 'trap' && n.cause === 'underflow');
  assert.equal(underflow.length, 1);
  const last = f.body[f.body.length - 1];
  assert.ok(last && last.kind === 'exit' && last.how === 'return');
  assert.deepEqual(last.value?.locals, ['v']);
});

test('unknown outcome checks, await on a future, async blocks', () => {
  const m = source(`import Error "mo:base/Error";
persistent actor {
  var pending = 0;
  public func f(a : actor { g : () -> async () }) : async () {
    pending += 1;
    let fut = a.g();
    try {
      await fut;
    } catch (e) {
      if (Error.code(e) == #system_unknown) { return };
      pending -= 1;
    };
    await async { pending += 2 };
  };
};
`);
  const f = entry(m, 'f');
  const [futAwait, blockAwait] = awaitsOf(f);
  assert.equal(futAwait?.commit, 'commit');
  assert.match(futAwait.reason, /future `fut` made earlier: still a commit point/);
  assert.equal(blockAwait?.call?.selfCall, true);
  const t = f.body.find((n) => n.kind === 'try');
  assert.ok(t && t.kind === 'try' && t.catchBody);
  const check = t.catchBody.find((n) => n.kind === 'branch');
  assert.ok(check && check.kind === 'branch');
  assert.equal(check.unknownOutcomeCheck, true);
});

test('S3–S6 withdraw variants drive the rules as the spec says', () => {
  const rulesOf = (name: string) => runRules(analyze([one(name)])).map((f) => f.rule);
  const reentrancy = ['check-then-act', 'stale-write-back', 'no-rollback-on-failure'];
  assert.deepEqual(
    rulesOf('s3-withdraw.mo').filter((r) => reentrancy.includes(r)),
    [],
  );
  assert.ok(rulesOf('s4-withdraw.mo').includes('no-rollback-on-failure'));
  assert.ok(rulesOf('s5-withdraw.mo').includes('check-then-act'));
  assert.ok(rulesOf('s6-withdraw.mo').includes('stale-write-back'));
});

test('S7 funds: lockFunds interleaves withdrawFunds, appendText is harmless, per-caller map conflicts', () => {
  const a = analyze([one('s7-funds.mo')]);
  const cpOf = (name: string) => {
    const e = a.entryPoints.find((x) => x.ir.name === name);
    assert.ok(e);
    assert.equal(e.commitPoints.length, 1);
    return e.commitPoints[0];
  };
  const wf = cpOf('withdrawFunds');
  // `await ledger.transfer(…);` where `Ledger = actor { transfer : Nat -> async () }`.
  assert.equal(wf.await.handling, 'unit');
  assert.equal(wf.await.call?.callee, 'ledger.transfer');
  const inter = (cp: typeof wf, n: string) => cp.interleavers.find((i) => i.entry.ir.name === n);
  assert.equal(inter(wf, 'lockFunds')?.harmless, false);
  assert.equal(inter(wf, 'peekFunds')?.harmless, false);
  assert.equal(inter(wf, 'appendText')?.harmless, true);
  const mine = cpOf('withdrawMine');
  const self = inter(mine, 'withdrawMine');
  assert.ok(self && !self.harmless);
  assert.ok(self.conflicts.length > 0 && self.conflicts.every((c) => c.sameCallerOnly));
});

test('actor class self-calls through `self` and by name', () => {
  const m = source(
    'persistent actor class C() = self {\n  public func a() : async () {};\n  public func b() : async () { await self.a(); await a() };\n};\n',
  );
  const aws = awaitsOf(entry(m, 'b'));
  assert.deepEqual(
    aws.map((a) => a.call),
    [
      { callee: 'a', wait: 'unknown', selfCall: true, selfCallee: 'a' },
      { callee: 'a', wait: 'unknown', selfCall: true, selfCallee: 'a' },
    ],
  );
});

test('never throws on broken input', () => {
  const inputs = [
    '',
    'actor {',
    '}}}',
    'actor { public func f() : async () { await* ',
    'module { func',
    '\u0000\uD800',
  ];
  for (const text of inputs) {
    const m = source(text, false);
    assert.equal(m.skipped, undefined);
    assert.equal(m.language, 'motoko');
  }
});

test('an instance the actor holds: its methods read and write its fields as state; collection calls stay keyed', () => {
  const root = '/virtual/held';
  const files: Record<string, string> = {
    [`${root}/Store.mo`]: `module {
  public class Store() {
    var data : [(Text, Nat)] = [];
    public func get(k : Text) : ?Nat { for ((x, v) in data.vals()) if (x == k) return ?v; null };
    public func put(k : Text, v : Nat) { data := [(k, v)] };
  };
  public class Counter(store : Store) {
    var runs = 0;
    public func bump(k : Text) { runs += 1; store.put(k, 1) };
  };
};
`,
  };
  const main = `import S "Store";
persistent actor {
  transient let store = S.Store();
  transient let counter = S.Counter(store);
  public func set(k : Text) : async () { store.put(k, 2) };
  public func bump(k : Text) : async () { counter.bump(k) };
};
`;
  assert.deepEqual(typeErrors({ ...files, [`${root}/main.mo`]: main }, `${root}/main.mo`), []);
  const [m] = analyzeMotokoFiles([{ path: `${root}/main.mo`, text: main }], { readFile: (p) => files[p] });
  assert.ok(m);
  // `store.put(k, 2)` on the actor's own field: a write of `store`, not of the class's `data`.
  assert.deepEqual(
    writesOf(entry(m, 'set')).map((w) => w.state.root),
    ['store'],
  );
  // `counter.bump(k)`: the method's body runs here; its own field and the store it was given are state.
  assert.deepEqual(
    writesOf(entry(m, 'bump')).map((w) => [w.state.root, w.via]),
    [
      ['runs', 'bump'],
      ['data', 'bump'],
    ],
  );
});
