/**
 * One pathological file or entry point must not take its crate or project down: deep nesting is cut by the
 * lowering's depth limit with a notice, and a failure (here a real stack overflow) loses only its entry point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { diagnosticsFor } from '../src/lsp/diagnostics';
import { analyzePaths } from '../src/workspace/analyze';
import type { JsonReport } from '../src/cli/report-json';
import { repoRoot } from './helpers/paths';
import { withdrawLibRs } from './helpers/rust-sources';

const withdrawRs = withdrawLibRs(['deep']);

/** A file whose first entry point nests `depth` levels (blocks, then parentheses) and whose second is normal. */
const deepRs = (depth: number) => `use ic_cdk::call::Call;

#[ic_cdk::update]
async fn deep() -> u64 {
    let a = ${'{ '.repeat(depth)}1${' }'.repeat(depth)};
    let b = ${'('.repeat(depth)}2${')'.repeat(depth)};
    a + b
}

#[ic_cdk::update]
async fn ping() {
    let _ = Call::bounded_wait(candid::Principal::anonymous(), "ping").await;
}
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-contained-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const rustCrate = (depth: number) =>
  project({
    'Cargo.toml': '[package]\nname = "w"\n',
    'src/lib.rs': withdrawRs,
    'src/deep.rs': deepRs(depth),
  });

test('a 10,000-deep Rust file is cut with a notice and the rest of its crate keeps its findings', async () => {
  const dir = rustCrate(10_000);
  const lib = join(dir, 'src', 'lib.rs');
  const deep = join(dir, 'src', 'deep.rs');
  const errors: string[] = [];
  const result = await analyzePaths([deep, lib], {
    onInternalError: (w, e) => errors.push(`${w}: ${String(e)}`),
  });
  assert.deepEqual(errors, []);

  assert.ok(result.findings.some((f) => f.file === lib && f.rule === 'check-then-act'));
  const deepFile = result.files.find((f) => f.file === deep)!;
  assert.equal(deepFile.skipped, undefined);
  const notices = deepFile.notices ?? [];
  assert.equal(notices.length, 2, JSON.stringify(notices)); // one for the blocks, one for the parentheses
  for (const n of notices) {
    assert.equal(n.range.start.line, 4 + notices.indexOf(n));
    assert.match(n.message, /^nesting deeper than \d+ levels: the rest of this expression is not analysed$/);
  }
  // The rest of the deep file is analysed: both entry points, and `ping`'s await is a commit point.
  assert.deepEqual(
    result.analysis.entryPoints.filter((e) => e.file === deep).map((e) => e.ir.name),
    ['deep', 'ping'],
  );
  assert.deepEqual(
    deepFile.awaits.map((a) => [a.functionName, a.commit]),
    [['ping', 'commit']],
  );
  // The editor shows it on the file.
  const shown = diagnosticsFor(deepFile, result.findings).map((d) => d.message);
  assert.ok(
    shown.some((m) => /^Partly analysed: nesting deeper than/.test(m)),
    JSON.stringify(shown),
  );
});

test('a helper cut by the nesting limit says so in its file, whichever file is lowered first', async () => {
  // `deep_sum` has no await: its file's model is made without lowering it, and only the entry point in
  // `b.rs`, lowered after, reads its summary (so meets the cut). `unused` is never read: nothing is cut.
  const nested = (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`;
  const dir = project({
    'Cargo.toml': '[package]\nname = "w"\n',
    'src/lib.rs': 'mod a;\nmod b;\n',
    'src/a.rs': `pub fn deep_sum() -> u64 {\n    ${nested(1000)}\n}\n\npub fn unused() -> u64 {\n    ${nested(1000)}\n}\n`,
    'src/b.rs': `#[ic_cdk::update]\nfn read_it() -> u64 {\n    crate::a::deep_sum()\n}\n`,
  });
  const a = join(dir, 'src', 'a.rs');
  const result = await analyzePaths([a, join(dir, 'src', 'b.rs'), join(dir, 'src', 'lib.rs')]);
  const notices = result.files.find((f) => f.file === a)!.notices ?? [];
  assert.deepEqual(
    notices.map((n) => [n.range.start.line, n.message.replace(/\d+/, 'N')]),
    [[1, 'nesting deeper than N levels: the rest of this expression is not analysed']],
  );
});

test('the command line reports the cut in its JSON and still exits with the other file’s finding', () => {
  const dir = rustCrate(10_000);
  const run = spawnSync(
    process.execPath,
    [join(repoRoot, 'dist', 'cli.js'), 'check', dir, '--format', 'json'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.ok(report.findings.some((f) => f.file.endsWith('lib.rs') && f.rule === 'check-then-act'));
  const deep = report.files.find((f) => f.path.endsWith('deep.rs'))!;
  assert.equal(deep.skipped, undefined);
  assert.deepEqual(
    deep.notices?.map((n) => n.line),
    [5, 6],
  );
});

test('a real stack overflow in one entry point loses only that entry point, with the reason', () => {
  // 190 levels is under the depth limit, but a 120 KB stack cannot hold them: the overflow is real, not staged.
  const dir = rustCrate(190);
  const run = spawnSync(
    process.execPath,
    ['--stack-size=120', join(repoRoot, 'dist', 'cli.js'), 'check', dir, '--format', 'json'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.ok(report.findings.some((f) => f.file.endsWith('lib.rs') && f.rule === 'check-then-act'));
  const deep = report.files.find((f) => f.path.endsWith('deep.rs'))!;
  assert.equal(deep.skipped, undefined);
  assert.deepEqual(
    deep.notices?.map((n) => [n.line, n.message]),
    [
      [
        4,
        'entry point `deep` is not analysed: internal error (too deeply nested: the analysis ran out of stack)',
      ],
    ],
  );
  assert.deepEqual(
    report.entryPoints.filter((e) => e.file.endsWith('deep.rs')).map((e) => e.name),
    ['ping'],
  );
});

test('10,000-deep modules, use trees and patterns leave every file of the crate analysed', async () => {
  const n = 10_000;
  const dir = project({
    'Cargo.toml': '[package]\nname = "w"\n',
    'src/lib.rs': withdrawLibRs(['mods', 'uses', 'pats']),
    'src/mods.rs': `${'mod a { '.repeat(n)}fn f() {}${' }'.repeat(n)}\n`,
    'src/uses.rs': `use a::${'{b::'.repeat(n)}c${'}'.repeat(n)};\n`,
    'src/pats.rs': `fn m(x: u8) { match x { ${'Some('.repeat(n)}y${')'.repeat(n)} => {}, _ => {} } }\n`,
  });
  const errors: string[] = [];
  const paths = ['lib', 'mods', 'uses', 'pats'].map((f) => join(dir, 'src', `${f}.rs`));
  const result = await analyzePaths(paths, { onInternalError: (w, e) => errors.push(`${w}: ${String(e)}`) });
  assert.deepEqual(errors, []);
  assert.deepEqual(
    result.files.map((f) => [f.file, f.skipped, f.notices]),
    [...paths].sort().map((p) => [p, undefined, undefined]),
  );
  assert.ok(result.findings.some((f) => f.file === paths[0] && f.rule === 'check-then-act'));
});

test('10,000-deep Motoko expressions are cut with a notice or a parse error that skips only them, and the actor keeps its findings', async () => {
  const actor = `actor {
  var balance : Nat = 100;
  let ledger : actor { transfer : shared Nat -> async () } = actor "aaaaa-aa";

  public func deep() : async Nat {
    ${'1 + '.repeat(10_000)}1
  };

  public func withdraw(amount : Nat) : async () {
    if (balance >= amount) {
      await ledger.transfer(amount);
      balance -= amount;
    };
  };

  public func parens() : async Nat { ${'('.repeat(10_000)}1${')'.repeat(10_000)} };

  public func chain() : async () { ignore balance${'.x'.repeat(10_000)} };
};
`;
  const dir = project({ 'main.mo': actor });
  const file = join(dir, 'main.mo');
  const errors: string[] = [];
  const result = await analyzePaths([file], { onInternalError: (w, e) => errors.push(`${w}: ${String(e)}`) });
  assert.deepEqual(errors, []);
  const model = result.files[0];
  assert.equal(model.skipped, undefined);
  const deepNotices = (model.notices ?? []).filter((n) => n.range.start.line === 5);
  assert.ok(deepNotices.length >= 1, JSON.stringify(model.notices));
  for (const n of deepNotices) assert.match(n.message, /^nesting deeper than \d+ levels/);
  // The parser skips only what is nested too deeply: the functions after `parens` are still there.
  assert.deepEqual(
    model.parseErrors.map((e) => [e.range.start.line, e.message]),
    [[15, 'nesting too deep']],
  );
  assert.ok(result.findings.some((f) => f.rule === 'check-then-act' && f.range.start.line === 10));
  assert.deepEqual(
    result.analysis.entryPoints.map((e) => e.ir.name),
    ['deep', 'withdraw', 'parens', 'chain'],
  );
});
