/** `commit-points check` end to end: the JSON contract, SARIF, text, exit codes, skipped and broken inputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';

const keys = (o: object) => Object.keys(o).sort();
const isInt = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;

const withdrawRs = `use std::cell::RefCell;
use ic_cdk::call::Call;
use candid::Principal;

thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
}

async fn transfer(amount: u64) -> Result<(), String> {
    Call::bounded_wait(Principal::anonymous(), "transfer").with_arg(amount).await.map_err(|e| format!("{e:?}"))?;
    Ok(())
}

#[ic_cdk::update]
async fn withdraw(amount: u64) -> Result<(), String> {
    if BALANCE.with(|b| *b.borrow()) < amount {
        return Err("insufficient".into());
    }
    transfer(amount).await?;
    BALANCE.with(|b| *b.borrow_mut() -= amount);
    Ok(())
}
`;

function tempProject(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

test('check --format json on the examples follows the SPEC §8 contract field for field', () => {
  const r = runCli(['check', 'examples', '--format', 'json', '--min-severity', 'info']);
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Record<string, unknown[]> & { version: number };
  assert.deepEqual(keys(report), ['entryPoints', 'files', 'findings', 'version']);
  assert.equal(report.version, 1);
  assert.ok(report.files.length >= 10);
  for (const f of report.files as Record<string, unknown>[]) {
    const allowed = ['language', 'parseErrors', 'path', 'skipped'];
    assert.ok(
      keys(f).every((k) => allowed.includes(k)),
      `file keys ${keys(f).join()}`,
    );
    assert.equal(typeof f.path, 'string');
    assert.ok(f.language === 'motoko' || f.language === 'rust');
    assert.ok(Number.isInteger(f.parseErrors));
  }
  assert.ok(report.entryPoints.length > 0);
  for (const e of report.entryPoints as Record<string, unknown>[]) {
    assert.deepEqual(keys(e), ['commitPoints', 'file', 'kind', 'line', 'name', 'segments']);
    assert.ok(isInt(e.line));
    for (const cp of e.commitPoints as Record<string, unknown>[]) {
      assert.deepEqual(keys(cp), ['column', 'kind', 'line', 'reason']);
      assert.ok(isInt(cp.line) && isInt(cp.column));
      assert.ok(['commit', 'maybe', 'none'].includes(cp.kind as string));
      assert.ok((cp.reason as string).length > 10);
    }
    (e.segments as Record<string, unknown>[]).forEach((s, i) => {
      assert.deepEqual(keys(s), ['index', 'reads', 'writes']);
      assert.equal(s.index, i);
      assert.ok(Array.isArray(s.reads) && Array.isArray(s.writes));
    });
  }
  assert.ok(report.findings.length > 0);
  for (const f of report.findings as Record<string, unknown>[]) {
    assert.deepEqual(keys(f), [
      'column',
      'commitPointLine',
      'endColumn',
      'endLine',
      'entryPoint',
      'file',
      'line',
      'message',
      'related',
      'rule',
      'severity',
      'state',
    ]);
    assert.ok(isInt(f.line) && isInt(f.column) && isInt(f.endLine) && isInt(f.endColumn));
    assert.ok(f.commitPointLine === null || isInt(f.commitPointLine));
    assert.ok(['info', 'warning', 'error'].includes(f.severity as string));
    for (const rel of f.related as Record<string, unknown>[]) {
      assert.deepEqual(keys(rel), ['file', 'line', 'message']);
    }
  }
});

test('text output is rustc-like with the rule, location, source line, notes and the doc link', () => {
  const dir = tempProject({ 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': withdrawRs });
  const r = runCli(['check', '.'], dir);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^warning\[check-then-act\]: `BALANCE` is checked/m);
  assert.match(r.stdout, /--> src\/lib\.rs:19:22/);
  assert.match(r.stdout, /transfer\(amount\)\.await\?;/);
  assert.match(r.stdout, /= note: checks `BALANCE` here/);
  assert.match(r.stdout, /= docs: .*check-then-act\.md/);
  assert.match(r.stdout, /1 warning in 1 file/);
});

test('sarif output is SARIF 2.1.0 with rule metadata, locations and related locations', () => {
  const dir = tempProject({ 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': withdrawRs });
  const r = runCli(['check', '--format', 'sarif'], dir);
  assert.equal(r.status, 1, r.stderr);
  const sarif = JSON.parse(r.stdout) as {
    version: string;
    runs: {
      tool: { driver: { rules: { id: string; helpUri: string; defaultConfiguration: { level: string } }[] } };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }[];
        relatedLocations: unknown[];
      }[];
    }[];
  };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  const ids = run.tool.driver.rules.map((x) => x.id);
  assert.ok(ids.includes('check-then-act') && ids.includes('unawaited-async-star'));
  const res = run.results.find((x) => x.ruleId === 'check-then-act')!;
  assert.equal(run.tool.driver.rules[res.ruleIndex].id, 'check-then-act');
  assert.equal(res.level, 'warning');
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'src/lib.rs');
  assert.equal(res.locations[0].physicalLocation.region.startLine, 19);
  assert.ok(res.relatedLocations.length >= 2);
});

test('--min-severity filters findings and decides the exit code', () => {
  const dir = tempProject({ 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': withdrawRs });
  assert.equal(runCli(['check', '--min-severity', 'error'], dir).status, 0);
  const r = runCli(['check', '--min-severity', 'error', '--format', 'json'], dir);
  assert.deepEqual((JSON.parse(r.stdout) as { findings: unknown[] }).findings, []);
});

test('usage errors exit 2 with a clear message and write nothing to stdout', () => {
  for (const args of [
    ['check', '--format', 'xml'],
    ['check', '--bogus'],
    ['frobnicate'],
    ['check', 'no/such/path'],
  ]) {
    const r = runCli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^commit-points: /);
  }
});

test('non-UTF-8, binary and oversized files are skipped with a reason; exit 2 only when nothing is analysed', () => {
  const dir = tempProject({
    'bad.mo': Buffer.from([0x61, 0x63, 0x74, 0x6f, 0x72, 0x20, 0xff, 0xfe, 0x7b, 0x7d]),
    'bin.rs': Buffer.from([0x66, 0x6e, 0x00, 0x01]),
  });
  const none = runCli(['check', '.', '--format', 'json'], dir);
  assert.equal(none.status, 2);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /bad\.mo: file is not valid UTF-8/);
  assert.match(none.stderr, /nothing could be analysed/);

  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "w"\n');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'lib.rs'), withdrawRs);
  writeFileSync(join(dir, 'src', 'big.rs'), `// ${'x'.repeat(5000)}\n`);
  const some = runCli(['check', '.', '--format', 'json', '--max-file-size', '4096'], dir);
  assert.equal(some.status, 1, some.stderr);
  const files = (JSON.parse(some.stdout) as { files: { path: string; skipped?: string }[] }).files;
  assert.match(files.find((f) => f.path === 'bad.mo')!.skipped!, /not valid UTF-8/);
  assert.match(files.find((f) => f.path === 'bin.rs')!.skipped!, /binary/);
  assert.match(files.find((f) => f.path === join('src', 'big.rs'))!.skipped!, /larger than the 4 KB limit/);
  assert.equal(files.find((f) => f.path === join('src', 'lib.rs'))!.skipped, undefined);
});

test('folders are searched recursively, skipping target/, node_modules/, .git/ and .gitignored paths', () => {
  const dir = tempProject({
    'Cargo.toml': '[package]\nname = "w"\n',
    'src/lib.rs': withdrawRs,
    'target/debug/gen.rs': withdrawRs,
    'node_modules/x/y.rs': withdrawRs,
    'generated/out.rs': withdrawRs,
    '.gitignore': 'generated/\n',
  });
  const r = runCli(['check', '--format', 'json'], dir);
  const paths = (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path);
  assert.deepEqual(paths, [join('src', 'lib.rs')]);
});

test('a Rust file with a syntax error still yields the findings of the functions that parse', () => {
  const broken = withdrawRs + '\nfn broken( {\n    let x = ;\n}\n';
  const dir = tempProject({ 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': broken });
  const r = runCli(['check', '--format', 'json'], dir);
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { files: { parseErrors: number }[]; findings: { rule: string }[] };
  assert.ok(report.files[0].parseErrors > 0);
  assert.ok(report.findings.some((f) => f.rule === 'check-then-act'));
});
