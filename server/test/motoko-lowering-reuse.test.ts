/**
 * The language server's Motoko lowering kept between keystrokes (languages/motoko/frontend/lowering-reuse.ts):
 * an edit lowers again the fields it changed and those that depend on them, and the result is always that of a
 * fresh analysis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSources, type WorkspaceResult } from '../src/workspace/analyze';
import { MotokoParseCache } from '../src/workspace/motoko-parse-cache';
import { AnalysisReuse } from '../src/workspace/analysis-reuse';
import { MotokoLoweringReuse } from '../src/languages/motoko/frontend/lowering-reuse';
import { modelJson } from './helpers/same-lowering';

const ACTOR = `import Principal "mo:base/Principal";
import HashMap "mo:base/HashMap";
import Timer "mo:base/Timer";

persistent actor Bank {
  type Ledger = actor { transfer : shared (Principal, Nat) -> async Nat };
  transient let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  transient let balances = HashMap.HashMap<Principal, Nat>(16, Principal.equal, Principal.hash);
  transient let pending = HashMap.HashMap<Principal, Nat>(16, Principal.equal, Principal.hash);
  var nextId : Nat = 0;

  func balanceOf(who : Principal) : Nat {
    switch (balances.get(who)) {
      case (?b) { b };
      case null { 0 };
    };
  };

  func settle(who : Principal) : async* Nat {
    let before = balanceOf(who);
    let onLedger = await ledger.transfer(who, 0);
    balances.put(who, onLedger);
    before;
  };

  public shared ({ caller }) func withdraw(amount : Nat) : async Nat {
    let balance = balanceOf(caller);
    if (balance < amount) {
      return 0;
    };
    let reply = await ledger.transfer(caller, amount);
    balances.put(caller, balance - amount);
    reply;
  };

  public shared ({ caller }) func queue(amount : Nat) : async () {
    let owed = switch (pending.get(caller)) { case (?p) { p }; case null { 0 } };
    ignore await ledger.transfer(caller, owed);
    pending.put(caller, owed + amount);
  };

  public shared ({ caller }) func place(amount : Nat) : async Nat {
    nextId += 1;
    let id = nextId;
    let previous = await* settle(caller);
    if (previous < amount) {
      pending.delete(caller);
    };
    id;
  };

  public shared func tick() : async () {
    ignore Timer.setTimer<system>(#seconds 5, func () : async () {
      let owed = switch (pending.get(Principal.fromText("aaaaa-aa"))) { case (?p) { p }; case null { 0 } };
      ignore await ledger.transfer(Principal.fromText("aaaaa-aa"), owed);
      pending.delete(Principal.fromText("aaaaa-aa"));
    });
  };

  public query func total() : async Nat {
    var sum = 0;
    for (b in balances.vals()) { sum += b };
    sum;
  };
};
`;

const PATH = '/project/Bank.mo';

/** ACTOR with an object whose method a timer runs (lowered as a timer entry point of its own). */
const WITH_JOBS = ACTOR.replace(
  '  public query func total()',
  `  transient let jobs = object {
    public func sweep() : async () {
      ignore await ledger.transfer(Principal.fromText("aaaaa-aa"), 1);
      pending.delete(Principal.fromText("aaaaa-aa"));
    };
  };

  public shared func later() : async () {
    ignore Timer.setTimer<system>(#seconds 9, jobs.sweep);
  };

  public query func total()`,
);

/** A fresh analysis, with nothing kept. */
const fresh = (text: string) => analyzeSources([{ path: PATH, text }], { readFile: () => undefined });

const shown = (r: WorkspaceResult) => `${modelJson(r.files)}\n${JSON.stringify(r.findings)}`;

function server() {
  const motokoParses = new MotokoParseCache();
  const motokoLowerings = new MotokoLoweringReuse();
  const analysisReuse = new AnalysisReuse();
  return {
    lowerings: motokoLowerings,
    /** Analyses `text` as the language server does, checks it against a fresh analysis, says what it lowered. */
    async analyse(text: string, what: string) {
      const before = { ...motokoLowerings.stats };
      const kept = await analyzeSources([{ path: PATH, text }], {
        readFile: () => undefined,
        motokoParses,
        motokoLowerings,
        analysisReuse,
      });
      assert.equal(shown(kept), shown(await fresh(text)), what);
      return {
        lowered: motokoLowerings.stats.lowered - before.lowered,
        reused: motokoLowerings.stats.reused - before.reused,
        redone: motokoLowerings.stats.redone - before.redone,
        result: kept,
      };
    },
  };
}

/** The fields of ACTOR, for counting. */
const FIELDS = 12;

test('a keystroke in an entry point lowers that entry point only, as a fresh analysis', async () => {
  const s = server();
  assert.equal((await s.analyse(ACTOR, 'first analysis')).lowered, FIELDS);
  const counts = (r: { lowered: number; reused: number; redone: number }) => ({
    lowered: r.lowered,
    reused: r.reused,
    redone: r.redone,
  });
  // A local renamed in `queue`: its own code (and `tick`, whose timer is made again by every analysis).
  const renamed = ACTOR.replace(/\bowed\b/, 'due')
    .replace('(caller, owed)', '(caller, due)')
    .replace('owed + amount', 'due + amount');
  const r = await s.analyse(renamed, 'renamed a local of queue');
  assert.deepEqual(counts(r), { lowered: 2, reused: 10, redone: 0 });
  // The IR objects of the other entry points are the previous ones (their analyses and findings are kept).
  const entry = (res: WorkspaceResult, name: string) => res.files[0].entryPoints.find((e) => e.name === name);
  const again = await s.analyse(
    renamed.replace('due + amount', 'due + amount + 1'),
    'changed a write of queue',
  );
  assert.equal(again.lowered, 2);
  assert.ok(entry(again.result, 'withdraw'));
  assert.equal(entry(again.result, 'withdraw'), entry(r.result, 'withdraw'));
  assert.notEqual(entry(again.result, 'queue'), entry(r.result, 'queue'));
  // In `withdraw`, which shares the helper `balanceOf` with `settle` (and through it with `place`): those too,
  // since what is cached of a helper's lowering is filled by whichever of them comes first.
  const inWithdraw = await s.analyse(ACTOR.replace(/\bbalance\b/g, 'funds'), 'renamed a local of withdraw');
  assert.deepEqual(counts(inWithdraw), { lowered: 6, reused: 6, redone: 0 });
});

test('an edited helper lowers again every field that reaches it', async () => {
  const s = server();
  await s.analyse(ACTOR, 'first analysis');
  // `balanceOf` is reached by `withdraw` and by `settle`, which `place` reaches (and `tick` makes a timer).
  const r = await s.analyse(
    ACTOR.replace('case null { 0 };\n    };\n  };', 'case null { 1 };\n    };\n  };'),
    'helper',
  );
  assert.equal(r.lowered, 5);
  // `settle` now writes `pending` too: `place` finds it, as a fresh analysis does.
  const r2 = await s.analyse(
    ACTOR.replace('balances.put(who, onLedger);', 'balances.put(who, onLedger); pending.put(who, before);'),
    'async* helper writes more state',
  );
  assert.equal(r2.lowered, 5);
  // A line added shifts the fields below it: they are lowered again too.
  const r3 = await s.analyse(ACTOR.replace('    before;\n', '    before;\n\n'), 'a line added to settle');
  assert.equal(r3.lowered, 7);
});

test('edits that change positions, declarations, syntax or recursion stay those of a fresh analysis', async () => {
  const s = server();
  await s.analyse(ACTOR, 'first analysis');
  const edits: [string, string][] = [
    ['a line added in the middle', ACTOR.replace('    let reply = await', '\n    let reply = await')],
    ['back', ACTOR],
    ['a syntax error', ACTOR.replace('let id = nextId;', 'let id = nextId')],
    ['fixed', ACTOR],
    ['a state field changed', ACTOR.replace('var nextId : Nat = 0;', 'var nextId : Int = 0;')],
    ['back', ACTOR],
    [
      'a new helper used by an entry point',
      ACTOR.replace(
        '  func settle',
        '  func audit() { pending.delete(Principal.fromText("aaaaa-aa")) };\n\n  func settle',
      ).replace('nextId += 1;', 'nextId += 1;\n    audit();'),
    ],
    [
      'two helpers calling each other',
      ACTOR.replace(
        '    before;\n  };',
        '    before;\n  };\n\n  func ping(n : Nat) : Nat { if (n == 0) 0 else pong(n - 1) };\n  func pong(n : Nat) : Nat { ping(n) + balanceOf(Principal.fromText("aaaaa-aa")) };',
      ).replace('let balance = balanceOf(caller);', 'let balance = balanceOf(caller) + ping(3);'),
    ],
    [
      'a keystroke in an actor with recursion',
      ACTOR.replace(
        '    before;\n  };',
        '    before;\n  };\n\n  func ping(n : Nat) : Nat { if (n == 0) 0 else pong(n - 1) };\n  func pong(n : Nat) : Nat { ping(n) + balanceOf(Principal.fromText("aaaaa-aa")) };',
      )
        .replace('let balance = balanceOf(caller);', 'let balancex = balanceOf(caller) + ping(3);')
        .replace('balance < amount', 'balancex < amount')
        .replace('balance - amount', 'balancex - amount'),
    ],
    ['the timer callback edited', ACTOR.replace('#seconds 5', '#seconds 6')],
    ['a method of an object given to a timer', WITH_JOBS],
    [
      'a keystroke elsewhere',
      WITH_JOBS.replace('let owed = switch (pending.get(caller))', 'let owedx = switch (pending.get(caller))')
        .replace('(caller, owed)', '(caller, owedx)')
        .replace('owed + amount', 'owedx + amount'),
    ],
    [
      'a field assigned through a record',
      ACTOR.replace('    nextId += 1;', '    nextId += 1;\n    let r = { var n = 0 };\n    r.n := 1;'),
    ],
  ];
  for (const [what, text] of edits) await s.analyse(text, what);
  // Recursion between fields: every analysis of that actor lowers it whole.
  const recursive = edits[8][1];
  const again = await s.analyse(recursive.replace('#seconds 5', '#seconds 7'), 'recursion, again');
  assert.equal(again.reused, 0);
});
