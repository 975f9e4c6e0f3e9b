/**
 * One await, one story: an `async*` helper's await reached from two entry points gets one diagnostic per rule,
 * which names the other entry point, instead of one per entry point on the same spot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeMotokoFiles } from '../src/languages/motoko/index';
import { analyze } from '../src/model/analysis';
import { runRules } from '../src/rules/registry';
import { diagnosticsFor } from '../src/lsp/diagnostics';
import { fixturesDir } from './helpers/paths';

test('a helper await reached from two entry points is one diagnostic that names both', () => {
  const text = `import Set "mo:base/TrieSet";
import Principal "mo:base/Principal";
actor {
  type Token = actor { transfer : shared (to : Principal) -> async Bool };
  let token : Token = actor "aaaaa-aa";
  var done : Set.Set<Principal> = Set.empty();

  func airdrop(p : Principal) : async* Bool {
    if (Set.mem(done, p, Principal.hash(p), Principal.equal)) return false;
    let ok = await token.transfer(p);
    if (ok) done := Set.put(done, p, Principal.hash(p), Principal.equal);
    ok;
  };

  public shared ({ caller }) func claim() : async Bool { await* airdrop(caller) };
  public func grant(p : Principal) : async Bool { await* airdrop(p) };
};
`;
  const [model] = analyzeMotokoFiles([{ path: join(fixturesDir, 'grouping.mo'), text }], {});
  assert.ok(model);
  const findings = runRules(analyze([model])).filter((f) => f.rule === 'check-then-act');
  assert.equal(findings.length, 2, 'the rule reports the race once per entry point');
  const diagnostics = diagnosticsFor(model, findings);
  assert.equal(diagnostics.length, 1);
  assert.match(diagnostics[0].message, /Also reached from `(claim|grant)`/);
});
