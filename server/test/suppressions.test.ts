/**
 * Inline suppressions and the project file applied to real analyses (both frontends, the real rules): used,
 * unused, without a reason, unknown rules, per-rule severity, ignored paths and ignored state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, type ProjectConfig } from '../src/config/project-config';
import { parseSuppressions } from '../src/config/suppressions';
import type { Finding } from '../src/rules/types';
import { analyzeSources } from '../src/workspace/analyze';
import { repoRoot } from './helpers/paths';

const DIR = '/virtual/project';
const motokoS5 = readFileSync(
  join(repoRoot, 'examples', 'motoko', 's5-withdraw-check-after-await', 'main.mo'),
  'utf8',
);

const rustWithdraw = `use std::cell::RefCell;
use ic_cdk::call::Call;
use candid::Principal;

thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
    static LOG: RefCell<Vec<u64>> = RefCell::new(Vec::new());
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

/** Puts `comment` on its own line above the line containing `anchor` (keeping the indentation). */
function above(text: string, anchor: string, comment: string): string {
  return text
    .split('\n')
    .map((l) => (l.includes(anchor) ? `${/^\s*/.exec(l)![0]}${comment}\n${l}` : l))
    .join('\n');
}

async function findings(
  files: Record<string, string>,
  config: Partial<ProjectConfig> = {},
): Promise<Finding[]> {
  const result = await analyzeSources(
    Object.entries(files).map(([rel, text]) => ({ path: `${DIR}/${rel}`, text })),
    { config: { ...defaultConfig(DIR), ...config } },
  );
  return result.findings;
}

const rules = (fs: Finding[]) => fs.map((f) => `${f.rule}:${f.range.start.line + 1}`);
const rust = (lib: string) => ({ 'Cargo.toml': '', 'src/lib.rs': lib });

test('the unsuppressed sources have the findings the suppressions will target', async () => {
  assert.deepEqual(rules(await findings({ 'main.mo': motokoS5 })), ['check-then-act:19']);
  assert.deepEqual(
    rules(await findings(rust(rustWithdraw))).filter((r) => r.startsWith('check-then-act')),
    ['check-then-act:20'],
  );
});

test('Motoko: an allow comment with a reason on the line above removes the finding, silently', async () => {
  const text = above(
    motokoS5,
    'switch (await',
    '// commit-points: allow(check-then-act) reason: the ledger deduplicates by memo',
  );
  assert.deepEqual(rules(await findings({ 'main.mo': text })), []);
});

test('Rust: the same comment works on the line above and at the end of the line', async () => {
  const own = above(
    rustWithdraw,
    'transfer(amount).await?',
    '// commit-points: allow(check-then-act) reason: guarded by the caller lock',
  );
  const trailing = rustWithdraw.replace(
    'transfer(amount).await?;',
    'transfer(amount).await?; // commit-points: allow(check-then-act) reason: guarded by the caller lock',
  );
  for (const text of [own, trailing]) {
    const fs = await findings(rust(text));
    assert.ok(!fs.some((f) => f.rule === 'check-then-act'), rules(fs).join());
    assert.ok(!fs.some((f) => f.rule.includes('suppression')), rules(fs).join());
  }
});

test('a comment above a statement that spans several lines covers the whole statement, and no further', async () => {
  const multi = rustWithdraw.replace(
    '    transfer(amount).await?;',
    '    transfer(\n        amount,\n    )\n    .await?;',
  );
  assert.deepEqual(
    rules(await findings(rust(multi))).filter((r) => r.startsWith('check-then-act')),
    ['check-then-act:23'],
  );
  const allowed = above(
    multi,
    '    transfer(',
    '// commit-points: allow(check-then-act) reason: guarded by the caller lock',
  );
  const fs = rules(await findings(rust(allowed)));
  assert.ok(!fs.some((r) => r.startsWith('check-then-act') || r.includes('suppression')), fs.join());
  // Above the `if` that checks: that statement ends on its own line (`{`), so the await is not covered.
  const early = above(multi, 'if BALANCE', '// commit-points: allow(check-then-act) reason: x');
  const rs = rules(await findings(rust(early)));
  assert.ok(rs.includes('check-then-act:24') && rs.includes('unused-suppression:17'), rs.join());
});

test('stacked comments each cover the next code line; a comment further away covers nothing', async () => {
  const stacked = above(
    above(motokoS5, 'switch (await', '// commit-points: allow(check-then-act) reason: deduplicated'),
    'switch (await',
    '// commit-points: allow(unbounded-wait-call) reason: bounded already',
  );
  const fs = await findings({ 'main.mo': stacked });
  assert.deepEqual(rules(fs), ['unused-suppression:20'], 'only the unbounded-wait-call allow is unused');
  assert.match(fs[0].message, /`allow\(unbounded-wait-call\)` suppresses nothing/);

  const far = above(motokoS5, 'if (balance >= amount)', '// commit-points: allow(check-then-act) reason: x');
  assert.deepEqual(rules(await findings({ 'main.mo': far })), ['unused-suppression:18', 'check-then-act:20']);
});

test('a suppression without a reason still suppresses and is reported as a warning (both languages)', async () => {
  const mo = above(motokoS5, 'switch (await', '// commit-points: allow(check-then-act)');
  const fsMo = await findings({ 'main.mo': mo });
  assert.deepEqual(rules(fsMo), ['suppression-without-reason:19']);
  assert.equal(fsMo[0].severity, 'warning');
  assert.match(fsMo[0].message, /gives no reason: add `reason: …`/);

  const rs = above(
    rustWithdraw,
    'transfer(amount).await?',
    '// commit-points: allow(check-then-act) reason:   ',
  );
  const fsRs = await findings(rust(rs));
  assert.deepEqual(
    rules(fsRs).filter((r) => !r.startsWith('unwrap') && !r.startsWith('trap')),
    ['suppression-without-reason:20'],
  );
});

test('an unused suppression is reported as info, in Rust too', async () => {
  const rs = above(rustWithdraw, 'thread_local!', '// commit-points: allow(stale-write-back) reason: old');
  const fs = (await findings(rust(rs))).filter((f) => f.rule === 'unused-suppression');
  assert.equal(fs.length, 1);
  assert.equal(fs[0].severity, 'info');
  assert.equal(fs[0].file, `${DIR}/src/lib.rs`);
});

test('unknown rule ids and unreadable comments are reported; the known ids still apply', async () => {
  const text = above(
    motokoS5,
    'switch (await',
    '// commit-points: allow(check-then-act, double-spend) reason: deduplicated',
  );
  const fs = await findings({ 'main.mo': text });
  assert.deepEqual(rules(fs), ['invalid-suppression:19']);
  assert.match(fs[0].message, /there is no rule `double-spend`/);
  const garbled = await findings({
    'main.mo': above(motokoS5, 'switch (await', '// commit-points: ignore everything'),
  });
  assert.deepEqual(rules(garbled), ['invalid-suppression:19', 'check-then-act:20']);
});

test('a marker inside a string literal is not a suppression', () => {
  const s = parseSuppressions('a.rs', 'let s = "// commit-points: allow(check-then-act) reason: no";\n', [
    'check-then-act',
  ]);
  assert.deepEqual(s, []);
});

test('[rules] changes severities and turns rules off, also for the suppression reports', async () => {
  const fs = await findings({ 'main.mo': motokoS5 }, { rules: { 'check-then-act': 'error' } });
  assert.deepEqual(
    fs.map((f) => `${f.rule}:${f.severity}`),
    ['check-then-act:error'],
  );
  assert.deepEqual(await findings({ 'main.mo': motokoS5 }, { rules: { 'check-then-act': 'off' } }), []);
  const noReason = above(motokoS5, 'switch (await', '// commit-points: allow(check-then-act)');
  assert.deepEqual(
    await findings({ 'main.mo': noReason }, { rules: { 'suppression-without-reason': 'off' } }),
    [],
  );
});

test('findings in ignored paths are dropped, the file is still analysed with the others', async () => {
  const fs = await findings({ 'main.mo': motokoS5, 'test/copy.mo': motokoS5 }, { ignorePaths: ['test/'] });
  assert.deepEqual(
    fs.map((f) => f.file),
    [`${DIR}/main.mo`],
  );
});

test('ignored state: findings only about it are dropped, and its accesses make no interleavers', async () => {
  // `log` is written by every method: without the setting it makes `audit` an interleaver of `withdraw`.
  const text = motokoS5
    .replace('var balance : Nat = 1_000;', 'var balance : Nat = 1_000;\n  var log : [Nat] = [];')
    .replace('if (balance >= amount) {', 'log := [amount];\n    if (balance >= amount) {')
    .replace(
      '  public shared ({ caller }) func withdraw',
      '  public func audit() : async () { log := [] };\n\n  public shared ({ caller }) func withdraw',
    );
  const interleavers = async (config: Partial<ProjectConfig>) => {
    const r = await analyzeSources([{ path: `${DIR}/main.mo`, text }], {
      config: { ...defaultConfig(DIR), ...config },
    });
    const cp = r.analysis.entryPoints.find((e) => e.ir.name === 'withdraw')!.commitPoints[0];
    return {
      harmful: cp.interleavers
        .filter((i) => !i.harmless)
        .map((i) => i.entry.ir.name)
        .sort(),
      findings: r.findings.map((f) => `${f.rule}:${f.state.join(',')}`),
    };
  };
  const plain = await interleavers({});
  assert.ok(plain.harmful.includes('audit'), plain.harmful.join());
  const ignored = await interleavers({ ignoreState: ['log'] });
  assert.ok(!ignored.harmful.includes('audit'), ignored.harmful.join());
  assert.ok(ignored.harmful.includes('withdraw'), 'the balance still makes withdraw interleave itself');
  assert.ok(ignored.findings.includes('check-then-act:balance'));
  assert.ok(!ignored.findings.some((f) => f.endsWith(':log')), ignored.findings.join());
});

test('rust.entry-attributes and rust.call-functions reach the Rust frontend', async () => {
  const custom = rustWithdraw
    .replace('#[ic_cdk::update]', '#[my_macros::guarded_update]')
    .replace(
      'Call::bounded_wait(Principal::anonymous(), "transfer").with_arg(amount).await.map_err(|e| format!("{e:?}"))?;',
      'ledger_client::send(amount).await?;',
    );
  const analysed = async (config: Partial<ProjectConfig>) => {
    const r = await analyzeSources(
      Object.entries(rust(custom)).map(([rel, text]) => ({ path: `${DIR}/${rel}`, text })),
      { config: { ...defaultConfig(DIR), ...config } },
    );
    const e = r.analysis.entryPoints.find((x) => x.ir.name === 'withdraw');
    return e ? `${e.ir.kind}:${e.commitPoints.map((cp) => cp.await.commit).join()}` : 'not an entry point';
  };
  assert.equal(await analysed({}), 'not an entry point');
  assert.equal(await analysed({ entryAttributes: { guarded_update: 'update' } }), 'update:maybe');
  assert.equal(
    await analysed({ entryAttributes: { guarded_update: 'update' }, callFunctions: ['ledger_client::*'] }),
    'update:commit',
  );
});
