/** The acceptance statements of the seed cases, checked on the bundled examples that `npm start` analyses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectSources } from '../src/workspace/collect';
import { analyzePaths, type WorkspaceResult } from '../src/workspace/analyze';
import { repoRoot } from './helpers/paths';

async function example(lang: 'rust' | 'motoko', name: string): Promise<WorkspaceResult> {
  const { files } = collectSources([join(repoRoot, 'examples', lang, name)]);
  assert.ok(files.length > 0, `examples/${lang}/${name} has sources`);
  return analyzePaths(files);
}

const above = (r: WorkspaceResult, min: 'warning' | 'info') =>
  r.findings.filter((f) => (min === 'info' ? true : f.severity !== 'info'));

test('S1 (Motoko): test has two commit awaits and three segments; foo interleaves both and writes i', async () => {
  const r = await example('motoko', 's1-counter');
  const t = r.analysis.entryPoints.find((e) => e.ir.name === 'test')!;
  assert.deepEqual(
    t.commitPoints.map((c) => c.await.commit),
    ['commit', 'commit'],
  );
  assert.equal(t.segments.length, 3);
  for (const cp of t.commitPoints) {
    const foo = cp.interleavers.find((i) => i.entry.ir.name === 'foo');
    assert.ok(foo && !foo.harmless, 'foo interleaves');
    assert.ok(foo.conflicts.some((c) => c.theirs.kind === 'write' && c.theirs.state.root === 'i'));
  }
});

test('S2 (Rust): the await in greet is none, naming the awaited local function, and nothing is reported', async () => {
  const r = await example('rust', 's2-greet');
  const greet = r.analysis.entryPoints.find((e) => e.ir.name === 'greet')!;
  assert.equal(greet.commitPoints.length, 1);
  assert.equal(greet.commitPoints[0].await.commit, 'none');
  assert.match(greet.commitPoints[0].await.reason, /fn foo`/);
  assert.equal(greet.segments.length, 1);
  assert.deepEqual(r.findings, []);
});

for (const lang of ['rust', 'motoko'] as const) {
  test(`S3 (${lang}): the correct withdraw has nothing above info`, async () => {
    const r = await example(lang, 's3-withdraw-correct');
    assert.deepEqual(
      above(r, 'warning').map((f) => f.rule),
      [],
    );
    const w = r.analysis.entryPoints.find((e) => /^withdraw$/i.test(e.ir.name))!;
    assert.ok(
      w.commitPoints.some((c) => c.interleavers.length > 0),
      'the interleaver list is still computed',
    );
  });

  test(`S4 (${lang}): rollback removed gives no-rollback-on-failure`, async () => {
    const r = await example(lang, 's4-withdraw-no-rollback');
    assert.ok(above(r, 'warning').some((f) => f.rule === 'no-rollback-on-failure'));
  });

  test(`S5 (${lang}): the decrement after the await gives check-then-act on the await's line naming the balance`, async () => {
    const r = await example(lang, 's5-withdraw-check-after-await');
    const f = r.findings.find((x) => x.rule === 'check-then-act');
    assert.ok(f, 'check-then-act is reported');
    assert.equal(f.range.start.line, f.commitPoint!.start.line);
    assert.ok(
      f.state.some((s) => /balance/i.test(s)),
      f.state.join(),
    );
  });

  test(`S6 (${lang}): restoring a saved balance gives stale-write-back`, async () => {
    const r = await example(lang, 's6-withdraw-stale-write-back');
    assert.ok(above(r, 'warning').some((f) => f.rule === 'stale-write-back'));
  });

  test(`S7 (${lang}): lockFunds interleaves withdrawFunds; appendText is harmless; by-caller state conflicts only per caller`, async () => {
    const r = await example(lang, 's7-lock-funds');
    const w = r.analysis.entryPoints.find((e) => /^withdraw_?funds$/i.test(e.ir.name))!;
    const cp = w.commitPoints.find((c) => c.index !== undefined)!;
    const lock = cp.interleavers.find((i) => /^lock_?funds$/i.test(i.entry.ir.name))!;
    assert.equal(lock.harmless, false);
    assert.equal(cp.interleavers.find((i) => /^append_?text$/i.test(i.entry.ir.name))!.harmless, true);

    const ro = await example(lang, 's7-lock-funds-read-only');
    assert.ok(
      ro.findings.some((f) => f.rule === 'intermediate-state-visible' && /lock_?funds/i.test(f.message)),
    );

    const byCaller = await example(lang, 's7-lock-funds-by-caller');
    const isv = byCaller.findings.find((f) => f.rule === 'intermediate-state-visible')!;
    assert.match(isv.message, /same caller/);
  });
}
