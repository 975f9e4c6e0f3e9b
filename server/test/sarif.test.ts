/**
 * SARIF for GitHub code scanning, through the real command line: URIs relative to `%SRCROOT%`, fingerprints
 * that are unique and survive unrelated edits and another checkout location, and rule help that resolves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsBaseUrl } from '../src/rules/types';
import { runCli } from './helpers/cli';
import { repoRoot } from './helpers/paths';

// Two identical awaits in one method give findings that differ only by position: their fingerprints must differ.
const bank = `persistent actor Bank {
  type Ledger = actor { transfer : shared (Nat) -> async () };
  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  public func pay(amount : Nat) : async () {
    if (balance >= amount) {
      await ledger.transfer(amount);
      await ledger.transfer(amount);
      balance -= amount;
    };
  };

  public func refund(amount : Nat) : async () {
    await ledger.transfer(amount);
    balance += amount;
  };
};
`;

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region: { startLine: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
}
interface SarifRun {
  tool: { driver: { rules: { id: string; helpUri: string; help: { markdown: string } }[] } };
  automationDetails: { id: string };
  originalUriBaseIds: Record<string, { uri: string }>;
  artifacts: { location: { uri: string; uriBaseId?: string } }[];
  results: SarifResult[];
}

function project(text = bank): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-sarif-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'main.mo'), text);
  return dir;
}

function sarif(args: string[], cwd: string): SarifRun {
  const r = runCli(['check', ...args, '--format', 'sarif', '--min-severity', 'info'], cwd);
  assert.equal(r.status, 1, r.stderr);
  return (JSON.parse(r.stdout) as { runs: SarifRun[] }).runs[0];
}

const fingerprintOf = (r: SarifResult) => Object.values(r.partialFingerprints).join();
const uriOf = (r: SarifResult) => r.locations[0].physicalLocation.artifactLocation;

test('artifact URIs are relative to %SRCROOT% even when the path is given absolute', () => {
  const dir = project();
  const run = sarif([dir], dir);
  assert.ok(run.results.length >= 3);
  for (const r of run.results) assert.deepEqual(uriOf(r), { uri: 'src/main.mo', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(run.artifacts, [{ location: { uri: 'src/main.mo', uriBaseId: '%SRCROOT%' } }]);
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(dir + '/').href);
  assert.ok(run.automationDetails.id.length > 0);
});

test('--sarif-root sets the folder the URIs are relative to', () => {
  const dir = project();
  const run = sarif(['src', '--sarif-root', dirname(dir)], dir);
  assert.equal(uriOf(run.results[0]).uri, `${basename(dir)}/src/main.mo`);
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(dirname(dir) + '/').href);
  const bad = runCli(['check', '--format', 'sarif', '--sarif-root', 'no/such/folder'], dir);
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
});

test('fingerprints are unique per result, also for findings that differ only by line', () => {
  const run = sarif(['.'], project());
  const at = run.results.map((r) => `${r.ruleId}:${r.locations[0].physicalLocation.region.startLine}`);
  assert.ok(at.includes('unbounded-wait-call:8') && at.includes('unbounded-wait-call:9'), at.join());
  const fps = run.results.map(fingerprintOf);
  assert.equal(new Set(fps).size, fps.length, at.join());
  for (const fp of fps) assert.match(fp, /^[0-9a-f]{32}$/, 'no paths or names in clear');
});

test('fingerprints do not change when an unrelated line is inserted above, or the checkout moves', () => {
  const before = sarif(['.'], project());
  const edited = bank.replace(
    '  var balance : Nat = 1_000;\n',
    '  var balance : Nat = 1_000;\n  var memo : Nat = 0; // unrelated\n',
  );
  const after = sarif(['.'], project(`// A comment at the top.\n${edited}`));
  const key = (r: SarifResult, shift: number) =>
    `${r.ruleId}:${r.locations[0].physicalLocation.region.startLine - shift}:${fingerprintOf(r)}`;
  assert.equal(after.results.length, before.results.length);
  assert.deepEqual(
    after.results.map((r) => key(r, 2)),
    before.results.map((r) => key(r, 0)),
    'the same findings, two lines lower, with the same fingerprints',
  );

  const moved = mkdtempSync(join(tmpdir(), 'cp-sarif-moved-'));
  const original = project();
  cpSync(join(original, 'src'), join(moved, 'elsewhere', 'src'), { recursive: true });
  const there = sarif(['.'], join(moved, 'elsewhere'));
  assert.deepEqual(there.results.map(fingerprintOf), sarif(['.'], original).results.map(fingerprintOf));
});

test('every rule has markdown help and a helpUri to a page that ships in docs/', () => {
  const run = sarif(['.'], project());
  assert.ok(run.tool.driver.rules.some((r) => r.id === 'unused-suppression'));
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.helpUri.startsWith(docsBaseUrl), rule.helpUri);
    const page = rule.helpUri.slice(docsBaseUrl.length).replace(/#.*$/, '');
    assert.ok(existsSync(join(repoRoot, page)), `${rule.id}: ${page} does not exist`);
    assert.ok(rule.help.markdown.length > 40, rule.id);
    // Code scanning shows the help away from the repository: relative links would be broken there.
    const relative = [...rule.help.markdown.matchAll(/\]\(([^)]+)\)/g)]
      .map((m) => m[1])
      .filter((t) => !/^(https?:|#)/.test(t));
    assert.deepEqual(relative, [], rule.id);
  }
  for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
});
