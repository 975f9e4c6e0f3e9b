/**
 * State given to a module function (issue #8 item 5): `Lib.withdraw(state, caller, n)` reads and writes the
 * actor's state through its parameter, so the call is those reads and writes (not one write of unknown effect),
 * and a balance checked through `Lib.balance(state, caller)` before an await and debited by `Lib.withdraw` after
 * it is a check-then-act. Fixtures are type-checked by the official compiler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSources } from '../src/workspace/analyze';
import { forEachNode, stateName, type Node, type ReadNode, type WriteNode } from '../src/model/ir';
import { typeErrors } from './helpers/motoko-typecheck';

const ROOT = '/virtual/state-params';

const LIB = `import Map "mo:core/Map";
import Principal "mo:core/Principal";
module {
  public type State = { balances : Map.Map<Principal, Nat>; var total : Nat };
  public func balance(s : State, who : Principal) : Nat {
    switch (Map.get(s.balances, Principal.compare, who)) { case (?b) b; case null 0 };
  };
  public func withdraw(s : State, who : Principal, n : Nat) {
    let b = balance(s, who);
    if (b < n) return;
    Map.add(s.balances, Principal.compare, who, b - n : Nat);
    s.total -= n;
  };
};
`;

const MAIN = `import Map "mo:core/Map";
import Lib "Lib";
persistent actor {
  transient let ledger = actor "aaaaa-aa" : actor { pay : shared Nat -> async Nat };
  let state : Lib.State = { balances = Map.empty(); var total = 0 };
  public shared ({ caller }) func take(n : Nat) : async () {
    if (Lib.balance(state, caller) < n) return;
    ignore await ledger.pay(n);
    Lib.withdraw(state, caller, n);
  };
};
`;

/** Type-checks `Lib.mo` and `main.mo` with the official compiler, then analyses `main.mo`. */
async function analyse(lib = LIB, main = MAIN) {
  const files = { [`${ROOT}/Lib.mo`]: lib, [`${ROOT}/main.mo`]: main };
  assert.deepEqual(typeErrors(files, `${ROOT}/main.mo`), []);
  return analyzeSources([{ path: `${ROOT}/main.mo`, text: main }], {
    readFile: (p) => files[p as keyof typeof files],
  });
}

test('a module function given the actor state reads and writes that state', async () => {
  const r = await analyse();
  const take = r.files[0]?.entryPoints.find((e) => e.name === 'take');
  assert.ok(take);
  const nodes: Node[] = [];
  forEachNode(take.body, (n) => nodes.push(n));
  const writes = nodes.filter((n): n is WriteNode => n.kind === 'write');
  assert.deepEqual(
    writes.map(
      (w) => `${stateName(w.state)} ${w.key ?? '-'} ${w.via ?? '-'} ${w.unknown ? 'unknown' : 'known'}`,
    ),
    ['state.balances caller withdraw known', 'state.total - withdraw known'],
  );
  const keyedReads = nodes.filter(
    (n): n is ReadNode => n.kind === 'read' && stateName(n.state) === 'state.balances' && n.key === 'caller',
  );
  // In `balance` before the await (the check) and again in `withdraw` after it.
  assert.equal(keyedReads.length, 2);
});

test('checked through one module function before the await and debited through another after it', async () => {
  const r = await analyse();
  const cta = r.findings.filter((f) => f.rule === 'check-then-act' && f.entryPoint === 'take');
  assert.equal(cta.length, 1, r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  assert.match(cta[0]?.message ?? '', /in `withdraw`/);
});

// The state given in another place than first, to an `async*` function run inline.
const LIB2 = `import Map "mo:core/Map";
import Principal "mo:core/Principal";
module {
  public type State = { balances : Map.Map<Principal, Nat>; var total : Nat };
  public type Ledger = actor { pay : shared Nat -> async Nat };
  public func payOut(ledger : Ledger, s : State, n : Nat) : async* () {
    if (s.total < n) return;
    ignore await ledger.pay(n);
    s.total -= n;
  };
};
`;

const MAIN2 = `import Map "mo:core/Map";
import Lib "Lib";
persistent actor {
  transient let ledger : Lib.Ledger = actor "aaaaa-aa";
  let state : Lib.State = { balances = Map.empty(); var total = 0 };
  public func drain(n : Nat) : async () {
    await* Lib.payOut(ledger, state, n);
  };
};
`;

test('state given to an async* function run inline is the actor state inside its body', async () => {
  const r = await analyse(LIB2, MAIN2);
  const cta = r.findings.filter((f) => f.rule === 'check-then-act' && f.entryPoint === 'drain');
  assert.equal(cta.length, 1, r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  // Named as the actor names it, so that other methods' accesses of `state.total` meet it.
  assert.deepEqual(cta[0]?.state, ['state.total']);
});

// The state given last to ordinary module functions (`generateId(caller, "x", state)` in modclub), and an id
// allocator that starts a new key at 0 next to a capped mint.
const LIB3 = `import Map "mo:core/Map";
import Principal "mo:core/Principal";
import Text "mo:core/Text";
module {
  public type State = { balances : Map.Map<Principal, Nat>; ids : Map.Map<Text, Nat>; var minted : Nat };
  public func balanceOf(who : Principal, s : State) : Nat {
    switch (Map.get(s.balances, Principal.compare, who)) { case (?b) b; case null 0 };
  };
  public func debit(who : Principal, n : Nat, s : State) {
    let b = balanceOf(who, s);
    if (b < n) return;
    Map.add(s.balances, Principal.compare, who, b - n : Nat);
  };
  public func nextId(category : Text, s : State) : Nat {
    var count = 0;
    switch (Map.get(s.ids, Text.compare, category)) {
      case (?n) { count := n };
      case null {};
    };
    count += 1;
    Map.add(s.ids, Text.compare, category, count);
    count;
  };
  public func mintOne(cap : Nat, s : State) : Bool {
    if (s.minted >= cap) return false;
    s.minted += 1;
    true;
  };
};
`;

const MAIN3 = `import Map "mo:core/Map";
import Lib "Lib";
persistent actor {
  transient let ledger = actor "aaaaa-aa" : actor { pay : shared Nat -> async Nat; note : shared Nat -> async () };
  let state : Lib.State = { balances = Map.empty(); ids = Map.empty(); var minted = 0 };
  public shared ({ caller }) func take(n : Nat) : async () {
    if (Lib.balanceOf(caller, state) < n) return;
    ignore await ledger.pay(n);
    Lib.debit(caller, n, state);
  };
  public func order() : async Nat {
    let id = Lib.nextId("order", state);
    await ledger.note(id);
    id;
  };
  public func mint() : async () {
    if (not Lib.mintOne(100, state)) return;
    await ledger.note(1);
  };
};
`;

test('state given last to module functions is read and written through them', async () => {
  const r = await analyse(LIB3, MAIN3);
  const cta = r.findings.filter((f) => f.rule === 'check-then-act' && f.entryPoint === 'take');
  assert.equal(cta.length, 1, r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  assert.deepEqual(cta[0]?.state, ['state.balances']);
});

test('an id allocator starting a new key at 0 is a counter; a capped step is a change the call relies on', async () => {
  const r = await analyse(LIB3, MAIN3);
  const noRollback = r.findings.filter((f) => f.rule === 'no-rollback-on-failure');
  assert.deepEqual(
    noRollback.map((f) => `${f.entryPoint} ${f.state.join()}`),
    ['mint state.minted'],
    noRollback.map((f) => f.message).join('\n'),
  );
});
