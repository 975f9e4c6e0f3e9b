/**
 * `await*` classification (SPEC §2, the `await*` row): the `async*` body decides, through catch clauses that
 * rethrow, error-only endings, traps, class and object methods, module aliases, `async*` values and recursion.
 * Every fixture is type-checked by the official compiler first, so it is real Motoko.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeMotokoFiles } from '../src/languages/motoko/index';
import type { AwaitAnnotation, Node } from '../src/model/ir';
import { typeErrors } from './helpers/motoko-typecheck';

const ROOT = '/virtual/await-star';
const LEDGER = 'actor { pay : shared Nat -> async Nat; ping : shared () -> async () }';

/** Type-checks `files` (paths relative to ROOT; `main.mo` is analysed) and returns main's awaits. */
function awaitsOf(files: Record<string, string>): AwaitAnnotation[] {
  const abs = Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]));
  assert.deepEqual(typeErrors(abs, `${ROOT}/main.mo`), []);
  const [m] = analyzeMotokoFiles([{ path: `${ROOT}/main.mo`, text: abs[`${ROOT}/main.mo`] }], {
    readFile: (p) => abs[p],
  });
  assert.ok(m);
  assert.deepEqual(m.parseErrors, []);
  return m.awaits;
}

/** `fn: keyword kind` for each await of the entry points named `fn`. */
const kinds = (awaits: AwaitAnnotation[], fn: string) =>
  awaits.filter((a) => a.functionName === fn).map((a) => `${a.keyword} ${a.commit}`);

test('a catch that rethrows after a committed try commits on every path', () => {
  const awaits = awaitsOf({
    'main.mo': `persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  func pay(n : Nat) : async* Nat {
    try { await ledger.pay(n) } catch e { throw e }
  };
  public func go() : async Nat { await* pay(1) };
}`,
  });
  assert.deepEqual(kinds(awaits, 'go'), ['await* commit']);
});

test('paths that only return an error, throw or trap do not count as normal endings', () => {
  const awaits = awaitsOf({
    'main.mo': `import R "mo:core/Runtime";
persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  func early(n : Nat) : async* { #ok : Nat; #err : Text } {
    if (n == 0) return #err("zero");
    #ok(await ledger.pay(n))
  };
  func tail(n : Nat) : async* { #ok : Nat; #err : Text } {
    switch (n) {
      case 0 #err("zero");
      case _ #ok(await ledger.pay(n));
    }
  };
  func traps(n : Nat) : async* Nat {
    if (n == 0) { R.trap("zero") } else { await ledger.pay(n) }
  };
  func asserts(n : Nat) : async* Nat {
    if (n == 0) { assert false };
    await ledger.pay(n)
  };
  func record(n : Nat) : async* { args : Nat; result : { #ok : Nat; #err : Text } } {
    if (n == 0) return { args = n; result = #err("zero") };
    { args = n; result = #ok(await ledger.pay(n)) }
  };
  func okWithout(n : Nat) : async* { #ok : Nat; #err : Text } {
    if (n == 0) return #ok(0);
    #ok(await ledger.pay(n))
  };
  public func go(n : Nat) : async () {
    ignore await* early(n);
    ignore await* tail(n);
    ignore await* traps(n);
    ignore await* asserts(n);
    ignore await* record(n);
    ignore await* okWithout(n);
  };
}`,
  });
  assert.deepEqual(kinds(awaits, 'go'), [
    'await* commit',
    'await* commit',
    'await* commit',
    'await* commit',
    'await* commit',
    'await* maybe',
  ]);
});

const WORKER = `module {
  public class Worker(ledger : ${LEDGER}) {
    var count = 0;
    public func run() : async* () { ignore await ledger.pay(count) };
    public func step() : async* () { count += 1 };
    public func ping() : async () { count += 1 };
  };
  public module Jobs {
    public func sync() : async* () { await (actor "aaaaa-aa" : ${LEDGER}).ping() };
  };
}`;

test('methods of class instances resolve, also through a function that returns one', () => {
  const awaits = awaitsOf({
    'Worker.mo': WORKER,
    'main.mo': `import W "Worker";
persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  transient let w = W.Worker(ledger);
  func make() : W.Worker = W.Worker(ledger);
  public func go() : async () {
    await* w.run();
    await* w.step();
    await* make().run();
    await* make().step();
  };
}`,
  });
  assert.deepEqual(kinds(awaits, 'go'), ['await* commit', 'await* none', 'await* commit', 'await* none']);
});

test('an object known only by its declared type never gives none', () => {
  const awaits = awaitsOf({
    'Worker.mo': WORKER,
    'main.mo': `import W "Worker";
persistent actor {
  func use(w : W.Worker) : async () {
    await* w.run();
    await* w.step();
    await w.ping();
  };
  public func go() : async () { await use(W.Worker(actor "aaaaa-aa")) };
}`,
  });
  assert.deepEqual(kinds(awaits, 'use'), ['await* commit', 'await* maybe', 'await commit']);
  const ping = awaits.find((a) => a.functionName === 'use' && a.keyword === 'await');
  assert.match(ping?.reason ?? '', /async` function `w\.ping`/);
});

test('methods of objects resolve', () => {
  const awaits = awaitsOf({
    'main.mo': `persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  transient let o = object {
    public func quiet() : async* () {};
    public func loud() : async* () { await ledger.ping() };
  };
  public func go() : async () {
    await* o.quiet();
    await* o.loud();
  };
}`,
  });
  assert.deepEqual(kinds(awaits, 'go'), ['await* none', 'await* commit']);
});

test('module aliases resolve: let V = Lib.Sub', () => {
  const awaits = awaitsOf({
    'Worker.mo': WORKER,
    'main.mo': `import W "Worker";
persistent actor {
  transient let J = W.Jobs;
  public func go() : async () { await* J.sync() };
}`,
  });
  assert.deepEqual(kinds(awaits, 'go'), ['await* commit']);
});

test('async* values: blocks awaited directly, bound with let, or ending a block', () => {
  const awaits = awaitsOf({
    'main.mo': `import Error "mo:core/Error";
persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  public func go() : async () {
    let job = async* { await ledger.ping() };
    await* job;
    ignore await* async* { "hello" };
    await* { async* { await ledger.ping() } };
    await* async* { throw Error.reject("no") };
  };
}`,
  });
  const stars = kinds(awaits, 'go').filter((k) => k.startsWith('await*'));
  assert.deepEqual(stars, ['await* commit', 'await* none', 'await* commit', 'await* none']);
});

test('a recursive async* function whose base case awaits commits; one that never awaits is none', () => {
  const awaits = awaitsOf({
    'main.mo': `persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  func down(n : Nat) : async* Nat {
    if (n == 0) { await ledger.pay(0) } else { await* down(n - 1) }
  };
  func quiet(n : Nat) : async* Nat {
    if (n == 0) { 0 } else { await* quiet(n - 1) }
  };
  func ping(n : Nat) : async* () { if (n > 0) await* pong(n - 1) else await ledger.ping() };
  func pong(n : Nat) : async* () { await* ping(n) };
  func viaArgument() : async* Nat { await* quiet(await ledger.pay(0)) };
  func nested(n : Nat) : async* () {
    if (n == 0) { await* async* { await ledger.ping() } } else await* { async* { await* nested(n - 1) } }
  };
  public func go() : async () {
    ignore await* down(3);
    ignore await* quiet(3);
    await* pong(3);
    await* nested(3);
    ignore await* viaArgument();
  };
}`,
  });
  assert.deepEqual(kinds(awaits, 'go'), [
    'await* commit',
    'await* none',
    'await* commit',
    'await* commit',
    'await* commit',
  ]);
});

test('a method of an interface type commits when every class of the workspace with its fields does', () => {
  const types = `module {
  public type Payer = { pay : Nat -> async* Nat; name : () -> Text };
  public type Pinger = { ping : () -> async* () };
}`;
  const impls = `module {
  public class Remote(l : ${LEDGER}) {
    public func pay(n : Nat) : async* Nat { await l.pay(n) };
    public func name() : Text { "remote" };
    public func ping() : async* () { await l.ping() };
  };
  public class Local() {
    public func ping() : async* () {};
  };
}`;
  const awaits = awaitsOf({
    'Types.mo': types,
    'Impls.mo': impls,
    'main.mo': `import T "Types";
import I "Impls";
persistent actor {
  func use(p : T.Payer, q : T.Pinger) : async () {
    ignore await* p.pay(1);
    await* q.ping();
  };
  public func go() : async () {
    let r = I.Remote(actor "aaaaa-aa");
    await use(r, I.Local());
  };
}`,
  });
  assert.deepEqual(kinds(awaits, 'use'), ['await* commit', 'await* maybe']);
});

test('an import outside the analysed files is read from disk, as the compiler does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'await-star-'));
  try {
    writeFileSync(join(dir, 'Worker.mo'), WORKER);
    const main = `import W "Worker";
persistent actor {
  transient let w = W.Worker(actor "aaaaa-aa");
  public func go() : async () { await* w.run() };
}`;
    writeFileSync(join(dir, 'main.mo'), main);
    const [m] = analyzeMotokoFiles([{ path: join(dir, 'main.mo'), text: main }], {});
    assert.ok(m);
    assert.deepEqual(kinds(m.awaits, 'go'), ['await* commit']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Every node of an entry point's body, nested ones included. */
function nodesOf(files: Record<string, string>, entry: string): Node[] {
  const abs = Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]));
  assert.deepEqual(typeErrors(abs, `${ROOT}/main.mo`), []);
  const [m] = analyzeMotokoFiles([{ path: `${ROOT}/main.mo`, text: abs[`${ROOT}/main.mo`] }], {
    readFile: (p) => abs[p],
  });
  const e = m?.entryPoints.find((x) => x.name === entry);
  assert.ok(e, entry);
  const out: Node[] = [];
  const visit = (list: Node[]) => {
    for (const n of list) {
      out.push(n);
      if (n.kind === 'branch') n.arms.forEach(visit);
      else if (n.kind === 'loop' || n.kind === 'block') visit(n.body);
      else if (n.kind === 'try') [n.body, n.catchBody ?? [], n.finallyBody ?? []].forEach(visit);
    }
  };
  visit(e.body);
  return out;
}

test('a trap through an import alias (R.trap) is a trap of the method', () => {
  const nodes = nodesOf(
    {
      'main.mo': `import R "mo:core/Runtime";
persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  public func go() : async () { await ledger.ping(); R.trap("stop") };
}`,
    },
    'go',
  );
  assert.ok(nodes.some((n) => n.kind === 'trap' && n.always === true));
});

test('a collection module reached through an alias (let V = Lib.Vec) writes the state it is given', () => {
  const nodes = nodesOf(
    {
      'Lib.mo': `module {
  public module Vec {
    public func clear(v : [var Nat]) { for (i in v.keys()) v[i] := 0 };
  };
}`,
      'main.mo': `import Lib "Lib";
persistent actor {
  transient let V = Lib.Vec;
  let queue = [var 1, 2];
  public func go() : async () { V.clear(queue) };
}`,
    },
    'go',
  );
  assert.ok(nodes.some((n) => n.kind === 'write' && n.state.root === 'queue'));
});

test('an alias into a library whose source is missing is still a module (let Vec = Lib.Vector)', () => {
  // Not type-checked: the `mo:vector` package is deliberately not installed here.
  const main = `import Lib "mo:vector";
persistent actor {
  transient let Vec = Lib.Vector;
  let queue = [var 1, 2];
  public func go() : async () { Vec.clear(queue) };
}`;
  const [m] = analyzeMotokoFiles([{ path: `${ROOT}/main.mo`, text: main }], { readFile: () => undefined });
  const body = m?.entryPoints.find((e) => e.name === 'go')?.body ?? [];
  assert.ok(body.some((n) => n.kind === 'write' && n.state.root === 'queue'));
});

test('a catch reached by a throw made before any await has not committed', () => {
  const awaits = awaitsOf({
    'main.mo': `import Error "mo:core/Error";
persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
  func early(n : Nat) : async* Nat {
    try {
      if (n == 0) throw Error.reject("zero");
      await ledger.pay(n)
    } catch _ { 0 }
  };
  func late(n : Nat) : async* Nat {
    try { await ledger.pay(n) } catch _ { 0 }
  };
  public func go() : async () {
    ignore await* early(1);
    ignore await* late(1);
  };
}`,
  });
  assert.deepEqual(kinds(awaits, 'go'), ['await* maybe', 'await* commit']);
});

test('a chain of async* bodies deeper than the bound is maybe, and the reason says a bound was hit', () => {
  const chain = Array.from({ length: 45 }, (_, i) =>
    i === 44
      ? `  func f44() : async* () { await ledger.ping() };`
      : `  func f${i}() : async* () { await* f${i + 1}() };`,
  ).join('\n');
  const awaits = awaitsOf({
    'main.mo': `persistent actor {
  transient let ledger = actor "aaaaa-aa" : ${LEDGER};
${chain}
  public func go() : async () { await* f0() };
}`,
  });
  const [go] = awaits.filter((a) => a.functionName === 'go');
  assert.equal(go?.commit, 'maybe');
  assert.match(go?.reason ?? '', /analysis stopped at more than 40 nested/);
});
