// Generated Motoko canister code for the benchmark: an actor whose entry points check shared state, await the
// ledger and update it, with sync helpers and `async*` helpers; and a stress actor with the shape of the cliff
// issue #10 describes (layers of `async*` helpers inlined into many entry points over shared state).

const PRELUDE = `import Principal "mo:base/Principal";
import HashMap "mo:base/HashMap";
import Result "mo:base/Result";

persistent actor Exchange {
  type Ledger = actor {
    transfer : shared (Principal, Nat) -> async { #ok : Nat; #err : Text };
    balance_of : shared query Principal -> async Nat;
  };

  transient let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var nextId : Nat = 0;
`;

const roots = (n) =>
  Array.from(
    { length: n },
    (_, r) =>
      `  transient let balances${r} = HashMap.HashMap<Principal, Nat>(16, Principal.equal, Principal.hash);\n` +
      `  transient let orders${r} = HashMap.HashMap<Nat, (Principal, Nat)>(16, func(a : Nat, b : Nat) : Bool { a == b }, func(a : Nat) : Nat32 { 0 });\n`,
  ).join('');

/** One unit: about 55 lines with a sync helper, an `async*` helper, two updates that await and a query. */
function unit(i, r) {
  return `
  func fee${i}(amount : Nat) : Nat {
    if (amount > 1_000) { amount / 100 } else { 1 };
  };

  func balanceOf${i}(who : Principal) : Nat {
    switch (balances${r}.get(who)) {
      case (?b) { b };
      case null { 0 };
    };
  };

  func settle${i}(who : Principal) : async* Nat {
    let before = balanceOf${i}(who);
    let onLedger = await ledger.balance_of(who);
    balances${r}.put(who, onLedger);
    before;
  };

  public shared ({ caller }) func withdraw${i}(amount : Nat) : async Result.Result<Nat, Text> {
    let balance = balanceOf${i}(caller);
    if (balance < amount + fee${i}(amount)) {
      return #err("insufficient funds");
    };
    let reply = await ledger.transfer(caller, amount);
    switch (reply) {
      case (#ok(block)) {
        balances${r}.put(caller, balance - amount - fee${i}(amount));
        #ok(block);
      };
      case (#err(e)) { #err(e) };
    };
  };

  public shared ({ caller }) func placeOrder${i}(amount : Nat) : async Nat {
    nextId += 1;
    let id = nextId;
    orders${r}.put(id, (caller, amount));
    let previous = await* settle${i}(caller);
    if (previous < amount) {
      orders${r}.delete(id);
    };
    id;
  };

  public query func order${i}(id : Nat) : async ?(Principal, Nat) {
    orders${r}.get(id);
  };
`;
}

/** An actor of about `lines` lines. */
export function motokoActor(lines) {
  const perUnit = unit(0, 0).split('\n').length - 1;
  const units = Math.max(1, Math.round((lines - 20) / perUnit));
  const n = Math.max(3, Math.ceil(units / 8));
  const parts = [PRELUDE, roots(n)];
  for (let i = 0; i < units; i++) parts.push(unit(i, i % n));
  parts.push('};\n');
  return parts.join('');
}

/**
 * The cliff's shape: `LAYERS` layers of `async*` helpers, each awaiting the ledger and calling sync helpers over
 * a few shared maps and `FANOUT` helpers of the layer below, all inlined into many entry points over the same
 * state. At the defaults it is about 7,200 lines.
 */
export function stressActor({ helpers = 120, entries = 30, layers = 3, fanout = 2, sharedRoots = 6 } = {}) {
  const parts = [PRELUDE, roots(sharedRoots)];
  for (let i = 0; i < helpers; i++) {
    const r = i % sharedRoots;
    parts.push(`
  func read${i}(who : Principal) : Nat {
    switch (balances${r}.get(who)) {
      case (?b) { b + ${i} };
      case null { 0 };
    };
  };

  func write${i}(who : Principal, amount : Nat) {
    balances${r}.put(who, amount);
    orders${(r + 1) % sharedRoots}.put(${i}, (who, amount));
  };
`);
  }
  for (let layer = 0; layer < layers; layer++)
    for (let i = 0; i < helpers; i++) {
      const calls = [];
      if (layer > 0)
        for (let k = 0; k < fanout; k++)
          calls.push(`    total += await* step${layer - 1}_${(i + k * 7) % helpers}(who, amount + ${k});`);
      parts.push(`
  func step${layer}_${i}(who : Principal, amount : Nat) : async* Nat {
    var total = read${i}(who) + read${(i + 1) % helpers}(who);
    if (total < amount) {
      write${i}(who, amount);
    };
    let reply = await ledger.transfer(who, amount);
    switch (reply) {
      case (#ok(block)) { total += block };
      case (#err(_)) { write${(i + 2) % helpers}(who, total) };
    };
${calls.join('\n')}
    total;
  };
`);
    }
  for (let e = 0; e < entries; e++) {
    const top = layers - 1;
    parts.push(`
  public shared ({ caller }) func entry${e}(amount : Nat) : async Nat {
    let before = read${e % helpers}(caller);
    if (before < amount) {
      return 0;
    };
    let first = await* step${top}_${e % helpers}(caller, amount);
    let second = await* step${top}_${(e * 3 + 1) % helpers}(caller, first);
    write${(e + 5) % helpers}(caller, before + second);
    nextId += 1;
    second;
  };
`);
  }
  parts.push('};\n');
  return parts.join('');
}
