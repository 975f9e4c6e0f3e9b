/**
 * The order of Rust summary computation: callees first, on demand, each function of an acyclic call graph
 * lowered once; only the functions of a real cycle lowered again; the result is the fixpoint whatever the order
 * the functions are listed in; a nested lowering that runs out of stack is retried outside the others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../src/model/ir';
import type { FnInfo } from '../src/languages/rust/crate-index';
import type { FnFacts, SummaryMap } from '../src/languages/rust/summaries';
import { computeSummaries, summariesOnDemand } from '../src/languages/rust/summary-schedule';

/** A fake function: enough of `FnInfo` for `summarise`. */
function fn(name: string): FnInfo {
  return { name, params: [], paramTypes: [], paramNames: [], file: { path: 'lib.rs' } } as unknown as FnInfo;
}

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
const write = (root: string): Node => ({
  kind: 'write',
  range,
  state: { root },
  value: { reads: [], locals: [], awaits: [] },
});

/**
 * A call graph whose "lowering" writes the function's own state and replays the writes of the summaries of the
 * functions it calls (as the real lowering replays a callee's accesses). Counts the lowerings per function.
 */
function graph(calls: Record<string, string[]>, order = Object.keys(calls)) {
  const fns = new Map(Object.keys(calls).map((name) => [name, fn(name)]));
  const lowered = new Map<string, number>();
  const lowerFn = (f: FnInfo, s: SummaryMap): FnFacts => {
    lowered.set(f.name, (lowered.get(f.name) ?? 0) + 1);
    const nodes = [write(f.name)];
    const callees = calls[f.name].map((c) => fns.get(c)!);
    for (const c of callees)
      for (const a of s.get(c)?.accesses ?? []) if (a.write) nodes.push(write(a.state.root));
    return { nodes, callees };
  };
  const summaries = computeSummaries(
    order.map((n) => fns.get(n)!),
    lowerFn,
  );
  const writes = (name: string) =>
    summaries
      .get(fns.get(name)!)!
      .accesses.map((a) => a.state.root)
      .sort();
  return { lowered, writes };
}

test('an acyclic call graph is lowered once per function, callees first, whatever the listed order', () => {
  // Callers listed before their callees: the old file-order pass lowered `a` and `b` twice.
  const g = graph({ a: ['b'], b: ['c', 'd'], c: ['d'], d: [] });
  assert.deepEqual(Object.fromEntries(g.lowered), { a: 1, b: 1, c: 1, d: 1 });
  assert.deepEqual(g.writes('a'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(g.writes('c'), ['c', 'd']);
});

test('only the functions of a real cycle are lowered again, until their summaries are stable', () => {
  // b → c → b is a cycle; a calls into it, d is below it.
  const g = graph({ a: ['b'], b: ['c'], c: ['b', 'd'], d: [] });
  assert.equal(g.lowered.get('a'), 1);
  assert.equal(g.lowered.get('d'), 1);
  assert.ok(g.lowered.get('b')! + g.lowered.get('c')! > 2, 'the cycle is iterated');
  for (const n of ['b', 'c']) assert.deepEqual(g.writes(n), ['b', 'c', 'd']);
  assert.deepEqual(g.writes('a'), ['a', 'b', 'c', 'd']);
});

test('self-recursion is a cycle of one, iterated; the fixpoint does not depend on the order listed', () => {
  const calls = { a: ['a', 'b'], b: ['c'], c: ['a'] };
  const one = graph(calls, ['a', 'b', 'c']);
  const other = graph(calls, ['c', 'b', 'a']);
  for (const n of ['a', 'b', 'c']) {
    assert.deepEqual(one.writes(n), ['a', 'b', 'c']);
    assert.deepEqual(other.writes(n), one.writes(n));
  }
});

test('a long call chain is settled without deep nesting and each function sees its callees', () => {
  // Deeper than the nesting bound: the rest is settled from the queue, readers lowered again once it is.
  const n = 60;
  const calls: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) calls[`f${i}`] = i + 1 < n ? [`f${i + 1}`] : [];
  const g = graph(calls);
  assert.equal(g.writes('f0').length, n);
  assert.equal(g.writes(`f${n - 10}`).length, 10);
});

test('a call chain as deep as real ones (20 calls) is lowered once per function, with no deferred callee', () => {
  // orbit nests 15 deep: a callee deferred at the bound had every caller above it lowered again (89 lowerings).
  const n = 20;
  const calls: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) calls[`f${i}`] = i + 1 < n ? [`f${i + 1}`] : [];
  const g = graph(calls);
  assert.deepEqual([...new Set(g.lowered.values())], [1]);
  assert.equal(g.writes('f0').length, n);
});

test('a nested lowering that runs out of stack is undone and settled later, not left empty', () => {
  const a = fn('a');
  const b = fn('b');
  let overflowOnce = true;
  const summaries = computeSummaries([a, b], (f, s) => {
    if (f === a) {
      const nodes = [write('a'), ...(s.get(b)?.accesses ?? []).map((x) => write(x.state.root))];
      return { nodes, callees: [b] };
    }
    // b runs out of stack the first time, nested inside a's lowering.
    if (overflowOnce) {
      overflowOnce = false;
      throw new RangeError('Maximum call stack size exceeded');
    }
    return { nodes: [write('b')] };
  });
  assert.deepEqual(
    summaries.get(b)!.accesses.map((x) => x.state.root),
    ['b'],
  );
  assert.deepEqual(
    summaries
      .get(a)!
      .accesses.map((x) => x.state.root)
      .sort(),
    ['a', 'b'],
  );
});

test('on demand, only the functions read are lowered, each once and callees first', () => {
  const names = ['a', 'b', 'c', 'unread'];
  const fns = new Map(names.map((n) => [n, fn(n)]));
  const calls: Record<string, string[]> = { a: ['b'], b: ['c'], c: [], unread: ['c'] };
  const lowered: string[] = [];
  const summaries = summariesOnDemand([...fns.values()], (f, s) => {
    const nodes = [write(f.name)];
    for (const c of calls[f.name])
      for (const x of s.get(fns.get(c)!)?.accesses ?? []) nodes.push(write(x.state.root));
    lowered.push(f.name);
    return { nodes, callees: calls[f.name].map((c) => fns.get(c)!) };
  });
  assert.deepEqual(lowered, [], 'nothing is lowered before it is read');
  // Read outside any lowering (as a file's lowering reads it): settled then, with its callees.
  const a = summaries.get(fns.get('a')!)!;
  assert.deepEqual(a.accesses.map((x) => x.state.root).sort(), ['a', 'b', 'c']);
  assert.deepEqual(lowered, ['c', 'b', 'a']);
  summaries.get(fns.get('b')!);
  assert.deepEqual(lowered, ['c', 'b', 'a'], 'a settled summary is not lowered again');
});
