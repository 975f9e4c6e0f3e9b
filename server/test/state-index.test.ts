/** The canister's state index (groups of alike accesses instead of one conflict per pair) and backward reachability. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyze,
  type Access,
  type CommitPointInfo,
  type Conflict,
  type EntryAnalysis,
  type Interleaver,
} from '../src/model/analysis';
import { buildCfg, Reachability } from '../src/model/cfg';
import type { Node } from '../src/model/ir';
import { accessGroups, buildStateIndex, sameState, type ConflictGroup } from '../src/model/state-index';
import { readersOf } from '../src/rules/intermediate-state-visible';
import { b } from './helpers/ir-builder';

/** The conflicts as they were built before the index: every pair of accesses, theirs in access order. */
function crossProduct(
  cp: CommitPointInfo,
  other: EntryAnalysis,
  ignored: (root: string) => boolean,
): Conflict[] {
  const carried = cp.carriedReads.filter((a) => !ignored(a.state.root));
  const inFlight = cp.inFlightWrites.filter((a) => !ignored(a.state.root));
  const roots = new Set([...carried, ...inFlight].map((a) => a.state.root));
  const isQuery = other.ir.kind === 'query';
  const out: Conflict[] = [];
  const add = (how: Conflict['how'], mine: Access, theirs: Access) =>
    out.push({ how, mine, theirs, sameCallerOnly: mine.keyIsCaller && theirs.keyIsCaller });
  for (const root of roots)
    for (const acc of other.accesses) {
      if (acc.state.root !== root || (acc.kind === 'write' && isQuery) || ignored(acc.state.root)) continue;
      if (acc.kind === 'write')
        for (const m of carried) if (sameState(m.state, acc.state)) add('writes-carried-read', m, acc);
      for (const m of inFlight)
        if (sameState(m.state, acc.state))
          add(acc.kind === 'read' ? 'reads-in-flight-write' : 'writes-in-flight-write', m, acc);
    }
  return out;
}

function canister() {
  b.reset();
  const bal = b.read('bal', 'caller');
  const cfg = b.read('cfg.limit');
  const pay = b.entry('pay', [
    bal,
    cfg,
    b.write('log'),
    b.write('bal', { reads: [bal.id] }, { key: 'caller' }),
    b.branch({ reads: [bal.id, cfg.id] }, [[b.await('commit')]]),
    b.write('bal', { reads: [bal.id] }, { key: 'caller' }),
  ]);
  const r1 = b.read('log');
  const other = b.entry('settle', [
    b.write('bal'),
    r1,
    b.write('cfg'),
    b.write('bal', {}, { key: 'caller' }),
    b.read('bal', 'caller'),
    b.write('bal'),
    b.write('metrics'),
  ]);
  const query = b.entry('peek', [b.write('bal'), b.read('log')], 'query');
  const init = b.entry('init', [b.write('bal')], 'init');
  const quiet = b.entry('version', [b.read('name')]);
  return [pay, other, query, init, quiet];
}

test('accesses alike for conflicts form one group with a count, segments and the first access', () => {
  const ignored = (s: { root: string }) => s.root === 'metrics';
  const analysis = analyze([b.file(canister())], { ignoredState: ignored });
  const settle = analysis.entryPoints.find((e) => e.ir.name === 'settle')!;
  const groups = accessGroups(settle);
  const summary = groups.map(
    (g) => `${g.kind} ${g.state.root}${g.keyIsCaller ? '[caller]' : ''} ×${g.accesses.length}`,
  );
  assert.deepEqual(summary, [
    'write bal ×2',
    'read log ×1',
    'write cfg ×1',
    'write bal[caller] ×1',
    'read bal[caller] ×1',
    'write metrics ×1',
  ]);
  assert.deepEqual(
    groups.map((g) => g.first),
    [0, 1, 2, 3, 4, 6],
  );
  assert.deepEqual(groups[0].segments, [0]);

  // The index leaves out what cannot conflict: a query's writes, ignored state, entry kinds that cannot run.
  const index = buildStateIndex(
    analysis.entryPoints.filter((e) => e.ir.kind !== 'init'),
    ignored,
  );
  assert.equal(index.get('metrics'), undefined);
  assert.deepEqual(
    index.get('bal')!.map((g) => `${g.entry.ir.name} ${g.kind}`),
    ['pay read', 'pay write', 'settle write', 'settle write', 'settle read'],
  );
  assert.deepEqual(
    index.get('log')!.map((g) => `${g.entry.ir.name} ${g.kind}`),
    ['pay write', 'settle read', 'peek read'],
  );
});

test('interleavers from the index: the same conflicts, in the same order, as the cross product of accesses', () => {
  const ignoredRoot = (root: string) => root === 'metrics';
  const analysis = analyze([b.file(canister())], { ignoredState: (s) => ignoredRoot(s.root) });
  const pay = analysis.entryPoints.find((e) => e.ir.name === 'pay')!;
  const cp = pay.commitPoints[0];
  assert.deepEqual(
    cp.touching.map((i) => i.entry.ir.name),
    ['pay', 'settle', 'peek'],
  );
  // Harmless ones only in the whole list (built when asked), in the canister's order; `init` cannot run here.
  assert.deepEqual(
    cp.interleavers.map((i) => `${i.entry.ir.name}${i.harmless ? ' (harmless)' : ''}`),
    ['pay', 'settle', 'peek', 'version (harmless)'],
  );
  const settle = cp.touching[1];
  // Two writes of `bal` are one group: counted, not multiplied by the method's accesses they conflict with.
  const balWrites = settle.groups.find((g) => g.theirs.kind === 'write' && !g.theirs.keyIsCaller)!;
  assert.equal(balWrites.theirs.accesses.length, 2);
  assert.equal(balWrites.mine.length, 2);
  assert.deepEqual(settle.segments, [0]);
  for (const i of cp.touching) {
    const expected = crossProduct(cp, i.entry, ignoredRoot);
    assert.ok(expected.length > 0);
    assert.deepEqual(
      i.conflicts.map((c) => [c.how, c.mine, c.theirs, c.sameCallerOnly]),
      expected.map((c) => [c.how, c.mine, c.theirs, c.sameCallerOnly]),
      i.entry.ir.name,
    );
  }
  assert.equal(cp.interleavers[3].conflicts.length, 0);
});

test('one backward search answers "before the commit point" as a forward search from every node does', () => {
  b.reset();
  const body: Node[] = [
    b.read('a'),
    b.loop([b.read('b'), b.branch({}, [[b.await('commit'), b.write('c')], [b.ret()]]), b.write('d')]),
    b.await('maybe'),
    b.write('e'),
  ];
  const cfg = buildCfg(b.entry('f', body));
  const reach = new Reachability(cfg);
  for (const target of cfg.nodes) {
    const reaching = reach.reaching([target.idx]);
    for (const n of cfg.nodes)
      assert.equal(reaching.has(n.idx), reach.before([n.idx], [target.idx]), `${n.idx} before ${target.idx}`);
  }
});

test('one backward search within an iteration answers as `beforeInOrder` does from every node', () => {
  b.reset();
  const body: Node[] = [
    b.read('a'),
    b.loop([
      b.read('b'),
      b.branch({}, [[b.await('commit'), b.write('c')], [b.ret()]]),
      b.write('d'),
      b.loop([b.read('e'), b.await('commit')]),
    ]),
    b.await('maybe'),
    b.write('f'),
  ];
  const cfg = buildCfg(b.entry('f', body));
  const reach = new Reachability(cfg);
  const targets = cfg.nodes.map((n) => [n.idx]);
  // Several nodes at once, as an await lowered twice (in a `finally`) has.
  targets.push([1, cfg.nodes.length - 1], [2, 4]);
  for (const target of targets) {
    const reaching = reach.reachingInOrder(target);
    for (const n of cfg.nodes)
      assert.equal(
        reaching.has(n.idx),
        reach.beforeInOrder([n.idx], target),
        `${n.idx} before ${target.join(',')}`,
      );
  }
  // The loop's back edge is not followed: what comes after the first await in the loop is not before it.
  const firstAwait = cfg.nodes.find((n) => n.node.kind === 'await')!.idx;
  const writeC = cfg.nodes.find((n) => n.node.kind === 'write' && n.node.state.root === 'c')!.idx;
  assert.ok(!reach.reachingInOrder([firstAwait]).has(writeC));
  assert.ok(reach.reaching([firstAwait]).has(writeC));
});

test('the readers of in-flight writes and the writes they see, each shared list walked once, in first-seen order', () => {
  const analysis = analyze([b.file(canister())]);
  const [pay, settle, peek] = analysis.entryPoints;
  const [w1, w2, w3, w4] = pay.accesses;
  const [reads, writes] = ['read', 'write'].map((kind) => accessGroups(settle).find((g) => g.kind === kind)!);
  const shared = [w2, w1];
  const reader = (entry: EntryAnalysis, groups: ConflictGroup[], excludedByLock = false) =>
    ({ entry, groups, excludedByLock }) as unknown as Interleaver;
  const touching = [
    reader(pay, [{ theirs: reads, mine: [w4] }]),
    reader(settle, [
      { theirs: writes, mine: [w3] },
      { theirs: reads, mine: shared },
    ]),
    reader(peek, [{ theirs: writes, mine: [w4] }]),
    reader(settle, [{ theirs: reads, mine: [w4] }], true),
    reader(peek, [
      { theirs: reads, mine: [w3, w2] },
      { theirs: reads, mine: shared },
      { theirs: reads, mine: [w4, w1] },
    ]),
  ];
  const { readers, written } = readersOf(touching, 'pay');
  // Not the method itself, not one a lock holds off, not one that only writes.
  assert.deepEqual(
    readers.map((r) => [r.interleaver, r.firstRead]),
    [
      [touching[1], touching[1].groups[1]],
      [touching[4], touching[4].groups[0]],
    ],
  );
  assert.deepEqual([...written], [w2, w1, w3, w4]);
});
