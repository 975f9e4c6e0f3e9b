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
import { buildCfg, reachableFrom, Reachability } from '../src/model/cfg';
import { stateName, type Node } from '../src/model/ir';
import { accessGroups, buildStateIndex, sameState, type ConflictGroup } from '../src/model/state-index';
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
    index.get('bal')!.groups.map((g) => `${g.entry.ir.name} ${g.kind}`),
    ['pay read', 'pay write', 'settle write', 'settle write', 'settle read'],
  );
  assert.deepEqual(
    index.get('log')!.groups.map((g) => `${g.entry.ir.name} ${g.kind}`),
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

/** Nested loops and branches, `size` times over: a CFG with back edges and joins. */
function loopyBody(size: number): Node[] {
  const body: Node[] = [];
  for (let i = 0; i < size; i++)
    body.push(
      b.read('a'),
      b.loop([b.read('b'), b.branch({}, [[b.await('commit'), b.write('c')], [b.ret()]]), b.write('d')]),
      b.branch({}, [[b.read('e')], [b.loop([b.write('f'), b.await('maybe')])]]),
    );
  return body;
}

test('"before within an iteration" from the forward sets of every node, as a search from each node finds it', () => {
  b.reset();
  for (const size of [3, 500]) {
    const cfg = buildCfg(b.entry('f', loopyBody(size)));
    const reach = new Reachability(cfg);
    // 3: every node's sets worked out together; 500 (over 4,096 nodes): searched from each node asked about.
    assert.equal(cfg.nodes.length > 4096, size === 500);
    const step = size === 3 ? 1 : 97;
    for (let n = 0; n < cfg.nodes.length; n += step) {
      const expected = reachableFrom(cfg, [n], true);
      for (let m = 0; m < cfg.nodes.length; m += size === 3 ? 1 : 7)
        assert.equal(reach.beforeInOrder([n], [m]), expected.has(m), `${n} before ${m}`);
    }
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

/** The readers as the rule found them from every interleaver's groups, before the exposure answered it. */
function readersFromTouching(cp: CommitPointInfo, method: string) {
  const readers: { interleaver: Interleaver; firstRead: ConflictGroup }[] = [];
  const written = new Set<Access>();
  const walked = new Set<readonly Access[]>();
  for (const i of cp.touching) {
    if (i.entry.ir.name === method || i.excludedByLock) continue;
    let firstRead: ConflictGroup | undefined;
    for (const g of i.groups) {
      if (g.theirs.kind !== 'read') continue;
      firstRead ??= g;
      if (walked.has(g.mine)) continue;
      walked.add(g.mine);
      for (const w of g.mine) written.add(w);
    }
    if (firstRead) readers.push({ interleaver: i, firstRead });
  }
  return { readers, written };
}

/** Readers of several roots and locations, in an order other than their keys' (so the walk's order shows). */
function readersCanister() {
  b.reset();
  const pay = b.entry('pay', [
    b.write('bal'),
    b.write('log'),
    b.write('cfg.limit'),
    b.write('cfg.fee'),
    b.await('commit'),
  ]);
  const audit = b.entry('audit', [b.read('log'), b.read('cfg.fee'), b.read('bal')]);
  const quote = b.entry('quote', [b.read('cfg.limit'), b.write('bal'), b.read('bal')]);
  const writer = b.entry('writer', [b.write('log')]);
  const self = b.entry('pay2', [b.read('cfg')]);
  // Reads `bal` before writing it, where the index met the write of `bal` first (in `pay`).
  const mixed = b.entry('mixed', [b.read('bal'), b.write('bal')]);
  return [pay, audit, quote, writer, self, mixed];
}

test('the readers of in-flight writes and the writes they see, from the keys: as from every interleaver, in order', () => {
  for (const entries of [canister(), readersCanister()]) {
    const analysis = analyze([b.file(entries)]);
    for (const e of analysis.entryPoints)
      for (const cp of e.commitPoints) {
        if (cp.index === undefined) continue;
        const expected = readersFromTouching(cp, e.ir.name);
        const got = cp.exposure.readers(e.ir.name, 2);
        assert.equal(got.count, expected.readers.length);
        assert.deepEqual(
          got.first.map((r) => [r.interleaver, r.firstRead]),
          expected.readers.slice(0, 2).map((r) => [r.interleaver, r.firstRead]),
        );
        assert.deepEqual([...got.written], [...expected.written]);
      }
  }
  // The second canister: `audit` sees `log`, `cfg.fee` and `bal` in its own access order, then `quote` adds
  // `cfg.limit`; `writer` only writes, and `pay` itself is left out.
  const analysis = analyze([b.file(readersCanister())]);
  const pay = analysis.entryPoints[0];
  const { count, first: readers, written } = pay.commitPoints[0].exposure.readers('pay', 10);
  assert.equal(count, 4);
  assert.deepEqual(
    readers.map((r) => r.interleaver.entry.ir.name),
    ['audit', 'quote', 'pay2', 'mixed'],
  );
  assert.deepEqual(
    [...written].map((w) => stateName(w.state)),
    ['bal', 'log', 'cfg.fee', 'cfg.limit'],
  );
  // An interleaver's groups are in its own access order, not in the order the index met their keys.
  const mixed = pay.commitPoints[0].touching.find((i) => i.entry.ir.name === 'mixed')!;
  assert.deepEqual(
    mixed.groups.map((g) => g.theirs.kind),
    ['read', 'write'],
  );
});

/** Entry points that hold a guard keyed by the caller across their commit points, and one that holds none. */
function guardedCanister() {
  b.reset();
  const guard = () => ({
    kind: 'guard' as const,
    typeName: 'CallerGuard',
    binding: '_guard',
    droppedImmediately: false,
    lock: { root: 'PENDING' },
    key: 'caller',
    range: b.read('x').range,
  });
  const chk = b.read('balances', 'caller');
  const withdraw = b.entry('withdraw', [
    guard(),
    chk,
    b.branch({ reads: [chk.id] }, [[b.await('commit'), b.write('balances', {}, { key: 'caller' })]]),
  ]);
  const deposit = b.entry('deposit', [guard(), b.write('balances'), b.await('commit')]);
  const refund = b.entry('refund', [b.write('balances', {}, { key: 'caller' })]);
  return [withdraw, deposit, refund];
}

test('writers and the groups about one access, from the keys: as filtered from every interleaver', () => {
  for (const entries of [canister(), readersCanister(), guardedCanister()]) {
    const analysis = analyze([b.file(entries)]);
    for (const e of analysis.entryPoints)
      for (const cp of e.commitPoints) {
        for (const mine of [...cp.carriedReads, ...cp.inFlightWrites]) {
          const expected = cp.touching.filter(
            (i) =>
              !i.excludedByLock && i.groups.some((g) => g.theirs.kind === 'write' && g.mine.includes(mine)),
          );
          assert.deepEqual(cp.exposure.writers(mine), expected);
          assert.deepEqual(
            cp.exposure.writers(mine),
            cp.touching.filter((i) => !i.excludedByLock && i.writesOpenly(mine)),
          );
          for (const i of cp.touching)
            assert.deepEqual(
              i.groupsWith(mine),
              i.groups.filter((g) => g.mine.includes(mine)),
            );
        }
      }
  }
  // The guard held across `withdraw`'s commit point rules out another `withdraw` by the same caller, not the
  // unkeyed write of `deposit` nor `refund`, which takes no guard.
  const [withdraw] = analyze([b.file(guardedCanister())]).entryPoints;
  const cp = withdraw.commitPoints[0];
  assert.deepEqual(
    cp.exposure.writers(cp.carriedReads[0]).map((i) => i.entry.ir.name),
    ['deposit', 'refund'],
  );
});
