/** `commit-points check` with a project file, inline suppressions and baselines, through the built command line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';

const bank = `persistent actor Bank {
  type Ledger = actor { transfer : shared (Nat) -> async () };
  let ledger : Ledger = (with timeout = 30) actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  public func pay(amount : Nat) : async () {
    if (balance >= amount) {
      await (with timeout = 30) ledger.transfer(amount);
      balance -= amount;
    };
  };
};
`;

/** A repository (with `.git`, so no file above it applies) holding `files`. */
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-cli-config-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

interface Report {
  findings: { rule: string; severity: string; line: number; file: string }[];
}
const json = (stdout: string) =>
  (JSON.parse(stdout) as Report).findings.map((f) => `${f.rule}:${f.severity}:${f.line}`);

test('the nearest commit-points.toml applies when checking a subfolder, and --no-config / --config choose', () => {
  const dir = repo({
    'commit-points.toml': '[rules]\ncheck-then-act = "error"\n',
    'canisters/bank/main.mo': bank,
    'other.toml': '[rules]\ncheck-then-act = "off"\n',
  });
  const r = runCli(['check', 'canisters/bank', '--format', 'json'], dir);
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(json(r.stdout), ['check-then-act:error:8']);
  const none = runCli(['check', 'canisters', '--format', 'json', '--no-config'], dir);
  assert.deepEqual(json(none.stdout), ['check-then-act:warning:8']);
  const other = runCli(['check', 'canisters', '--config', 'other.toml'], dir);
  assert.equal(other.status, 0, other.stdout);
  assert.match(other.stdout, /no findings in 1 file/);
});

test('an invalid project file exits 2 with every problem and its line, and writes nothing to stdout', () => {
  const dir = repo({
    'commit-points.toml': '[rules]\ncheck-then-akt = "off"\n\n[ignore]\nstate = "LOGGER"\n',
    'main.mo': bank,
  });
  const r = runCli(['check'], dir);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /commit-points\.toml:2: unknown rule `check-then-akt` in \[rules\] \(did you mean `check-then-act`\?\)/,
  );
  assert.match(r.stderr, /commit-points\.toml:5: ignore\.state must be an array of strings, not a string/);
  assert.equal(runCli(['check', '--config', 'missing.toml'], dir).status, 2);
});

test('an inline suppression removes the finding; without a reason the CLI reports it and exits 1', () => {
  const allow = (reason: string) =>
    bank.replace(
      '      await (with timeout',
      `      // commit-points: allow(check-then-act)${reason}\n      await (with timeout`,
    );
  const ok = runCli(['check'], repo({ 'main.mo': allow(' reason: the ledger deduplicates by memo') }));
  assert.equal(ok.status, 0, ok.stdout);
  const bare = runCli(['check'], repo({ 'main.mo': allow('') }));
  assert.equal(bare.status, 1);
  assert.match(
    bare.stdout,
    /^warning\[suppression-without-reason\]: `allow\(check-then-act\)` gives no reason/m,
  );
  assert.match(bare.stdout, /docs: .*configuration\.md/);
});

test('--write-baseline records the findings; --baseline then reports only new ones, across unrelated edits', () => {
  const dir = repo({ 'src/main.mo': bank });
  const write = runCli(['check', '--write-baseline', 'baseline.json'], dir);
  assert.equal(write.status, 0, write.stderr);
  assert.equal(write.stdout, '');
  assert.match(write.stderr, /recorded 1 finding in baseline\.json/);
  const baseline = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as {
    version: number;
    findings: { rule: string; file: string; fingerprint: string }[];
  };
  assert.equal(baseline.version, 1);
  assert.deepEqual(
    baseline.findings.map((f) => `${f.rule}:${f.file}`),
    ['check-then-act:src/main.mo'],
  );

  const same = runCli(['check', '--baseline', 'baseline.json'], dir);
  assert.equal(same.status, 0, same.stdout);

  // An unrelated line above the recorded finding, and a new method with the same bug.
  const edited = bank
    .replace('  var balance : Nat = 1_000;\n', '  var balance : Nat = 1_000;\n  var fees : Nat = 0;\n')
    .replace(
      '  public func pay(',
      `  public func payFee(amount : Nat) : async () {
    if (fees >= amount) {
      await (with timeout = 30) ledger.transfer(amount);
      fees -= amount;
    };
  };

  public func pay(`,
    );
  writeFileSync(join(dir, 'src', 'main.mo'), edited);
  const r = runCli(['check', 'src', '--baseline', 'baseline.json', '--format', 'json'], dir);
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(json(r.stdout), ['check-then-act:warning:9'], 'only payFee is new');
  // From another working directory the baseline still matches (its paths are relative to its own folder).
  const fromSrc = runCli(
    ['check', '.', '--baseline', '../baseline.json', '--format', 'json'],
    join(dir, 'src'),
  );
  assert.deepEqual(json(fromSrc.stdout), ['check-then-act:warning:9']);
});

test('a bad baseline or both baseline options are usage errors', () => {
  const dir = repo({ 'main.mo': bank, 'bad.json': '{"findings": 3}' });
  for (const args of [
    ['check', '--baseline', 'bad.json'],
    ['check', '--baseline', 'missing.json'],
    ['check', '--baseline', 'bad.json', '--write-baseline', 'x.json'],
  ]) {
    const r = runCli(args, dir);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^commit-points: .*baseline/);
  }
});
