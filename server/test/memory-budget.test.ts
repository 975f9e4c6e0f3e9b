/**
 * The memory budget (issue #10, degrade instead of dying): past it, the remaining entry points keep their
 * classified awaits but get no exposure, and the analysis says so in a notice, the hover, the inlay hint and the
 * code lens. Checked through the workspace analysis, the command line and the real server over stdio.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/model/analysis';
import { analyzeSources } from '../src/workspace/analyze';
import { runCli } from './helpers/cli';
import { openInServer } from './helpers/lsp-session';
import { withdrawLibRs } from './helpers/rust-sources';

/** Two entry points on one balance: `withdraw` checks it before its await and debits it after. */
const crate = `${withdrawLibRs()}
#[ic_cdk::update]
async fn deposit(amount: u64) {
    let _ = Call::bounded_wait(candid::Principal::anonymous(), "pull").with_arg(amount).await;
    BALANCE.with(|b| *b.borrow_mut() += amount);
}
`;
const sources = [{ path: '/virtual/budget/src/lib.rs', text: crate }];
const AWAIT_LINE = 10;

test('within the budget (the automatic one included) exposure is computed as usual', async () => {
  const r = await analyzeSources(sources);
  assert.ok(r.analysis.entryPoints.every((e) => e.exposureSkipped === undefined));
  assert.ok(r.findings.some((f) => f.rule === 'check-then-act'));
  assert.equal(r.files[0].notices, undefined);
});

test('past the budget, awaits stay classified but exposure and the findings that need it are skipped', async () => {
  const r = await analyzeSources(sources, { memoryBudgetMB: 1 });
  const withdraw = r.analysis.entryPoints.find((e) => e.ir.name === 'withdraw');
  assert.ok(withdraw);
  assert.match(withdraw.exposureSkipped ?? '', /MB in use, past the memory budget of 1 MB/);
  assert.deepEqual(
    withdraw.commitPoints.map((cp) => [cp.await.commit, cp.touching.length, cp.interleavers.length]),
    [['commit', 0, 0]],
  );
  assert.ok(!r.findings.some((f) => f.rule === 'check-then-act'));
  const notices = r.files[0].notices ?? [];
  assert.equal(notices.length, 1);
  assert.match(notices[0].message, /exposure not computed for `withdraw`, `deposit`|`deposit`, `withdraw`/);
  assert.match(notices[0].message, /their awaits are classified/);
});

test('the budget is checked per entry point: those before it keep their exposure', async () => {
  const { analysis } = await analyzeSources(sources);
  let asked = 0;
  const again = analyze(analysis.files, { overBudget: () => (asked++ === 0 ? undefined : 'a test budget') });
  const [first, second] = again.entryPoints;
  assert.equal(first.exposureSkipped, undefined);
  assert.ok(first.commitPoints[0].touching.length > 0);
  assert.equal(second.exposureSkipped, 'a test budget');
  assert.equal(second.commitPoints[0].touching.length, 0);
  // Once over, it stays over for this analysis: no more questions asked.
  assert.equal(asked, 2);
});

test('check --memory-budget: a notice, no finding; a bad value is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-budget-'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "budget"\n');
  writeFileSync(join(dir, 'lib.rs'), crate);
  const within = runCli(['check', dir]);
  assert.equal(within.status, 1, within.stdout + within.stderr);
  assert.match(within.stdout, /check-then-act/);
  const over = runCli(['check', dir, '--memory-budget', '1']);
  assert.equal(over.status, 0, over.stdout + over.stderr);
  assert.match(over.stdout, /exposure not computed for/);
  assert.doesNotMatch(over.stdout, /check-then-act/);
  const json = runCli(['check', dir, '--memory-budget', '1', '--format', 'json']);
  const report = JSON.parse(json.stdout) as { entryPoints: { name: string; exposureSkipped?: string }[] };
  assert.ok(report.entryPoints.every((e) => /past the memory budget of 1 MB/.test(e.exposureSkipped ?? '')));
  const bad = runCli(['check', dir, '--memory-budget', 'lots']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--memory-budget must be a positive number of MB, not `lots`/);
});

test('the editor setting: the hover, the inlay hint and the code lens say exposure was not computed', async () => {
  const session = await openInServer(
    { 'Cargo.toml': '[package]\nname = "budget"\n', 'src/lib.rs': crate },
    'src/lib.rs',
    'rust',
    undefined,
    { settings: { memoryBudgetMB: 1 } },
  );
  const { conn, uri } = session;
  try {
    const published = await session.diagnostics;
    assert.ok(!published.diagnostics.some((d) => d.code === 'check-then-act'), JSON.stringify(published));
    assert.ok(published.diagnostics.some((d) => /exposure not computed/.test(d.message)));
    const character = crate.split('\n')[AWAIT_LINE].indexOf('await') + 1;
    const hover = await conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: AWAIT_LINE, character },
    });
    assert.ok(hover);
    assert.match(hover.contents.value, /\*\*Commit point\*\*/);
    assert.match(
      hover.contents.value,
      /\*\*Exposure not computed\*\* \(\d+ MB in use, past the memory budget/,
    );
    const hints = await conn.sendRequest<{ label: string; position: { line: number } }[]>(
      'textDocument/inlayHint',
      { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } } },
    );
    assert.ok(hints.some((h) => h.position.line === AWAIT_LINE && /exposure not computed/.test(h.label)));
    const lenses = await conn.sendRequest<{ command?: { title: string } }[]>('textDocument/codeLens', {
      textDocument: { uri },
    });
    assert.ok(lenses.some((l) => /exposure not computed \(memory budget\)/.test(l.command?.title ?? '')));
  } finally {
    await session.close();
  }
});
