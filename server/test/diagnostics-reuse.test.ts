/**
 * The language server makes again only the diagnostics of findings a keystroke changed (lsp/diagnostics.ts,
 * `FindingDiagnostics`) and compares the list with the one last sent without serialising it (lsp/publish.ts):
 * what it publishes must still be what a fresh analysis's diagnostics are, and only when they changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { analyzeSources } from '../src/workspace/analyze';
import { MotokoParseCache } from '../src/workspace/motoko-parse-cache';
import { AnalysisReuse } from '../src/workspace/analysis-reuse';
import { MotokoLoweringReuse } from '../src/languages/motoko/frontend/lowering-reuse';
import { diagnosticsFor, FindingDiagnostics } from '../src/lsp/diagnostics';
import { DiagnosticsPublisher, sameDiagnostics } from '../src/lsp/publish';
import type { Finding } from '../src/rules/types';

const ACTOR = `import Principal "mo:base/Principal";
import HashMap "mo:base/HashMap";

persistent actor Bank {
  type Ledger = actor { transfer : shared (Principal, Nat) -> async Nat };
  transient let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  transient let balances = HashMap.HashMap<Principal, Nat>(16, Principal.equal, Principal.hash);
  transient let orders = HashMap.HashMap<Principal, Nat>(16, Principal.equal, Principal.hash);

  func settle(who : Principal) : async* Nat {
    let owed = switch (orders.get(who)) { case (?o) { o }; case null { 0 } };
    let paid = await ledger.transfer(who, owed);
    orders.put(who, owed - paid);
    paid;
  };

  public shared ({ caller }) func withdraw(amount : Nat) : async Nat {
    let balance = switch (balances.get(caller)) { case (?b) { b }; case null { 0 } };
    if (balance < amount) { return 0 };
    let reply = await ledger.transfer(caller, amount);
    balances.put(caller, balance - amount);
    reply;
  };

  public shared ({ caller }) func order(amount : Nat) : async Nat {
    orders.put(caller, amount);
    await* settle(caller);
  };

  public shared ({ caller }) func settleMine() : async Nat {
    await* settle(caller);
  };
};
`;

const PATH = '/virtual/bank/Main.mo';

test('after keystrokes, the diagnostics made from kept ones equal fresh ones, and the unchanged are kept', async () => {
  const options = {
    motokoParses: new MotokoParseCache(),
    motokoLowerings: new MotokoLoweringReuse(),
    analysisReuse: new AnalysisReuse(),
    readFile: () => undefined,
  };
  const made = new FindingDiagnostics();
  let before: Diagnostic[] = [];
  // Typing in `withdraw` (its warning moves), then in `settle` (shared by two entry points).
  const edits = [
    (t: string) => t.replace('let reply', 'let replyx'),
    (t: string) => t.replace('let replyx', 'let replyxy'),
    (t: string) => t.replace('let paid = await', 'let paid2 = await').replace('owed - paid', 'owed - paid2'),
    (t: string) => t.replace('paid;\n', 'paid2;\n'),
  ];
  let text = ACTOR;
  for (let step = 0; step <= edits.length; step++) {
    if (step > 0) text = edits[step - 1](text);
    const kept = await analyzeSources([{ path: PATH, text }], options);
    const fresh = await analyzeSources([{ path: PATH, text }]);
    const shown = diagnosticsFor(kept.files[0], kept.findings, undefined, made);
    assert.deepEqual(shown, diagnosticsFor(fresh.files[0], fresh.findings), `step ${step}`);
    assert.ok(shown.length >= 3, `step ${step}: the actor has warnings (${shown.length})`);
    if (step > 0) {
      const same = shown.filter((d) => before.includes(d)).length;
      assert.ok(same > 0, `step ${step}: diagnostics of unchanged findings are kept`);
      assert.ok(same < shown.length, `step ${step}: the moved warning's diagnostic is made again`);
    }
    before = shown;
  }
});

const finding = (entryPoint: string): Finding => ({
  rule: 'check-then-act',
  severity: 'warning',
  file: PATH,
  range: { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } },
  entryPoint,
  state: ['balances'],
  message: 'checked before the commit point',
  related: [],
});

test("a kept finding's diagnostic is made again when the findings told with it or its link change", () => {
  const made = new FindingDiagnostics();
  const model = {
    file: PATH,
    language: 'motoko' as const,
    canister: PATH,
    parseErrors: [],
    entryPoints: [],
    awaits: [],
    stateDecls: [],
  };
  const first = finding('withdraw');
  const link = (rule: string) => `https://example.org/${rule}`;
  const [alone] = diagnosticsFor(model, [first], link, made);
  assert.equal(diagnosticsFor(model, [first], link, made)[0], alone, 'the same finding: the same diagnostic');
  // Another entry point now reaches the same place: one diagnostic that names it.
  const [both] = diagnosticsFor(model, [first, finding('claim')], link, made);
  assert.match(both.message, /Also reached from `claim`/);
  const [again] = diagnosticsFor(model, [first], link, made);
  assert.doesNotMatch(again.message, /Also reached/);
  // The client asked for another kind of link to the rule's page.
  const [linked] = diagnosticsFor(model, [first], (rule) => `command:open?${rule}`, made);
  assert.equal(linked.codeDescription?.href, 'command:open?check-then-act');
});

test('the publisher sends a file when its diagnostics changed, not when they were made again the same', async () => {
  const sent: [string, Diagnostic[]][] = [];
  const publisher = new DiagnosticsPublisher((uri, diagnostics) => {
    sent.push([uri, diagnostics]);
    return Promise.resolve();
  });
  const diagnostic = (line: number, message = 'm'): Diagnostic => ({
    range: { start: { line, character: 0 }, end: { line, character: 1 } },
    message,
    relatedInformation: [
      {
        location: { uri: 'file:///a', range: { start: { line, character: 0 }, end: { line, character: 0 } } },
        message: 'here',
      },
    ],
  });
  await publisher.publish('g', [['file:///a', [diagnostic(1), diagnostic(2)]]]);
  assert.equal(sent.length, 1);
  // Made again, equal (keys in another order, an undefined key JSON leaves out): nothing is sent.
  const reordered: Diagnostic = {
    message: 'm',
    range: diagnostic(2).range,
    relatedInformation: diagnostic(2).relatedInformation,
    code: undefined,
  };
  await publisher.publish('g', [['file:///a', [diagnostic(1), reordered]]]);
  assert.equal(sent.length, 1);
  // A change deep inside one of them is sent.
  const moved = diagnostic(2);
  moved.relatedInformation![0].location.range.start.character = 5;
  await publisher.publish('g', [['file:///a', [diagnostic(1), moved]]]);
  assert.equal(sent.length, 2);
  await publisher.publish('g', [['file:///a', [diagnostic(1), moved, diagnostic(3)]]]);
  assert.equal(sent.length, 3);
  // A file gone from the group is cleared.
  await publisher.publish('g', [['file:///b', []]]);
  assert.deepEqual(sent.slice(3), [
    ['file:///b', []],
    ['file:///a', []],
  ]);
  assert.ok(sameDiagnostics([diagnostic(1, 'x')], [diagnostic(1, 'x')]));
  assert.ok(!sameDiagnostics([diagnostic(1, 'x')], [diagnostic(1, 'y')]));
});
