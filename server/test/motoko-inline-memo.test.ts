/**
 * The inlining of `async*` bodies at their `await*`s must not explode (issue #8): a body is lowered once per
 * analysed file and copied at its other `await*`s, exactly as a fresh lowering would give it; inlining stops
 * below a bounded nesting, and the await's reason says so. Fixtures are type-checked by the official compiler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeMotokoFiles } from '../src/languages/motoko/index';
import { inlineStats, MAX_INLINE_NESTING } from '../src/languages/motoko/frontend/lower-inline-async-star';
import { forEachNode, type AwaitNode, type BlockNode, type FileModel, type Node } from '../src/model/ir';
import { typeErrors } from './helpers/motoko-typecheck';

const ROOT = '/virtual/inline-memo';
const LEDGER = 'actor { pay : shared Nat -> async Nat; ping : shared () -> async () }';

function modelOf(main: string): FileModel {
  const path = `${ROOT}/main.mo`;
  assert.deepEqual(typeErrors({ [path]: main }, path), []);
  const [m] = analyzeMotokoFiles([{ path, text: main }], {});
  assert.ok(m);
  assert.deepEqual(m.parseErrors, []);
  return m;
}

function inlinedBlocks(nodes: Node[], name: string): BlockNode[] {
  const out: BlockNode[] = [];
  forEachNode(nodes, (n) => {
    if (n.kind === 'block' && n.inlined === name) out.push(n);
  });
  return out;
}

/** A body with its ids replaced by their order of appearance, so that two copies compare equal. */
function normalised(nodes: Node[]): unknown {
  const ids = new Map<number, number>();
  forEachNode(nodes, (n) => {
    if (n.kind === 'read' || n.kind === 'await') ids.set(n.id, ids.size);
  });
  return JSON.parse(
    JSON.stringify(nodes, (k, v: unknown) => {
      if ((k === 'id' || k === 'reads' || k === 'awaits') && v !== undefined)
        return Array.isArray(v) ? v.map((x: number) => ids.get(x) ?? `outside ${x}`) : ids.get(v as number);
      return v;
    }),
  );
}

test('an async* body awaited at several places is lowered once and copied, with fresh ids', () => {
  const before = { ...inlineStats };
  const m = modelOf(`persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  var paid = 0;
  func pay(n : Nat) : async* Nat {
    if (paid > 100) return 0;
    let got = await ledger.pay(n);
    paid += got;
    got
  };
  public func twice(n : Nat) : async Nat {
    let a = await* pay(n);
    let b = await* pay(n + 1);
    a + b
  };
}`);
  const twice = m.entryPoints.find((e) => e.name === 'twice');
  assert.ok(twice);
  const blocks = inlinedBlocks(twice.body, 'pay');
  assert.equal(blocks.length, 2);
  assert.equal(inlineStats.lowered - before.lowered, 1, 'the body is lowered once');
  assert.equal(inlineStats.reused - before.reused, 1, 'and copied at the second await*');
  // The copy is the body as lowered, with its own ids (no id is shared between the two sites).
  const [first, second] = blocks.map((b) =>
    b.body.filter((n) => n.kind !== 'local' || !n.name.endsWith('>n')),
  );
  assert.deepEqual(normalised(second), normalised(first));
  const ids = (b: Node[]) => {
    const out: number[] = [];
    forEachNode(b, (n) => {
      if (n.kind === 'read' || n.kind === 'await') out.push(n.id);
    });
    return out;
  };
  const shared = ids(first).filter((id) => ids(second).includes(id));
  assert.deepEqual(shared, []);
  assert.ok(ids(second).length > 0);
});

test('a chain of await* deeper than the inlining bound is summarised there, and the await says so', () => {
  const depth = MAX_INLINE_NESTING + 2;
  const chain = Array.from({ length: depth }, (_, i) =>
    i === depth - 1
      ? `  func f${i}() : async* () { n += 1; await ledger.ping() };`
      : `  func f${i}() : async* () { await* f${i + 1}() };`,
  ).join('\n');
  const m = modelOf(`persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  var n = 0;
${chain}
  public func go() : async () { await* f0() };
}`);
  const go = m.entryPoints.find((e) => e.name === 'go');
  assert.ok(go);
  const awaits: AwaitNode[] = [];
  forEachNode(go.body, (n) => {
    if (n.kind === 'await') awaits.push(n);
  });
  const cutAt = awaits.filter((a) =>
    /not run inline here: more than 4 nested `async\*` bodies/.test(a.reason),
  );
  assert.equal(cutAt.length, 1, awaits.map((a) => a.reason).join('\n'));
  // What the bound leaves out is still there, summarised: the write of the deepest body.
  const writes: Node[] = [];
  forEachNode(go.body, (x) => {
    if (x.kind === 'write' && x.state.root === 'n') writes.push(x);
  });
  assert.equal(writes.length, 1);
  // The editor's annotations are unchanged: each `await*` is a commit point.
  assert.deepEqual(
    m.awaits.filter((a) => a.keyword === 'await*').map((a) => a.commit),
    Array.from({ length: depth }, () => 'commit'),
  );
});

test('a helper lowered only for its annotations reads a kept body as it is; entry points never share a node', () => {
  const before = { ...inlineStats };
  const m = modelOf(`persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  var paid = 0;
  func pay(n : Nat) : async* Nat {
    if (paid > 100) return 0;
    let got = await ledger.pay(n);
    paid += got;
    got
  };
  func payTwice(n : Nat) : async* Nat {
    let a = await* pay(n);
    let b = await* pay(n + 1);
    a + b
  };
  public func one(n : Nat) : async Nat { await* pay(n) };
  public func two(n : Nat) : async Nat { await* payTwice(n) };
  public func three(n : Nat) : async Nat { await* pay(n + 2) };
}`);
  // `pay` is lowered once (in `one`), `payTwice` once (in `two`); every other use reuses the kept body: twice
  // in `two`, once in `three`, and twice in `payTwice` lowered on its own for its annotations, which reads it
  // in place (its lowering is thrown away) instead of copying it.
  assert.equal(inlineStats.lowered - before.lowered, 2);
  assert.equal(inlineStats.reused - before.reused, 5);
  assert.equal(inlineStats.readInPlace - before.readInPlace, 2);
  // The kept body is the first lowering itself, so the entry points' bodies must still be theirs alone.
  const owner = new Map<object, string>();
  const visit = (x: unknown, entry: string): void => {
    if (x === null || typeof x !== 'object') return;
    const seen = owner.get(x);
    if (seen === entry) return;
    assert.equal(seen, undefined, `an object of ${entry} is also in ${seen}`);
    owner.set(x, entry);
    for (const [k, v] of Object.entries(x)) if (k !== 'inCallee') visit(v, entry);
  };
  for (const e of m.entryPoints) visit(e.body, e.name);
  // Every use of `pay` is the same body with its own ids.
  const bodies = m.entryPoints.flatMap((e) => inlinedBlocks(e.body, 'pay').map((blk) => blk.body));
  assert.equal(bodies.length, 4);
  // Locals are named after where the body runs (`payTwice>pay>got` inside `payTwice`).
  const same = (body: Node[]) =>
    JSON.stringify(normalised(body.filter((n) => n.kind !== 'local' || !n.name.endsWith('>n')))).replaceAll(
      'payTwice>',
      '',
    );
  for (const body of bodies.slice(1)) assert.equal(same(body), same(bodies[0]));
  // The helper's own await*s are annotated (a commit when `pay` gets past its early return).
  assert.deepEqual(
    m.awaits.filter((a) => a.keyword === 'await*').map((a) => `${a.functionName} ${a.commit}`),
    ['payTwice maybe', 'payTwice maybe', 'one maybe', 'two maybe', 'three maybe'],
  );
});
