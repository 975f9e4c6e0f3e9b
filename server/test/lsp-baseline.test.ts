/**
 * The `commitPoints.baseline` setting, over real LSP stdio: findings recorded by `check --write-baseline` are
 * not shown in the editor, new ones are, from the first publication on (the settings arrive after the file
 * opens).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';
import { openInServer } from './helpers/lsp-session';

const recorded = `persistent actor Bank {
  type Ledger = actor { transfer : shared (Nat) -> async () };
  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  public func pay(amount : Nat) : async () {
    if (balance >= amount) {
      await (with timeout = 30) ledger.transfer(amount);
      balance -= amount;
    };
  };
};
`;

// A method added after the baseline was written, above the recorded one (its finding moves down).
const edited = recorded.replace(
  '  public func pay(',
  `  public func payAgain(amount : Nat) : async () {
    if (balance >= amount) {
      await (with timeout = 30) ledger.transfer(amount + 1);
      balance -= amount;
    };
  };

  public func pay(`,
);

/** The baseline `check --write-baseline ci/baseline.json` writes for `text` as `main.mo`. */
function baselineOf(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-baseline-'));
  mkdirSync(join(dir, 'ci'));
  writeFileSync(join(dir, 'main.mo'), text);
  const r = runCli(['check', '--write-baseline', 'ci/baseline.json', 'main.mo'], dir);
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(join(dir, 'ci', 'baseline.json'), 'utf8');
}

async function shownFindings(settings: Record<string, unknown>): Promise<string[]> {
  const session = await openInServer(
    { 'main.mo': edited, 'ci/baseline.json': baselineOf(recorded) },
    'main.mo',
    'motoko',
    undefined,
    { settings },
  );
  try {
    const p = await session.diagnostics;
    return p.diagnostics.map((d) => `${String(d.code)}:${d.range.start.line + 1}`);
  } finally {
    await session.close();
  }
}

test('findings recorded in the baseline are hidden, new ones shown', async () => {
  const lineOf = (needle: string) => edited.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const all = await shownFindings({});
  const newAwait = lineOf('transfer(amount + 1)');
  const oldAwait = lineOf('transfer(amount);');
  assert.deepEqual(all.sort(), [`check-then-act:${newAwait}`, `check-then-act:${oldAwait}`].sort());
  assert.deepEqual(await shownFindings({ baseline: 'ci/baseline.json' }), [`check-then-act:${newAwait}`]);
});

test('a missing baseline hides nothing', async () => {
  assert.equal((await shownFindings({ baseline: 'no/such/baseline.json' })).length, 2);
});

test('a baseline written again while the editor runs updates the findings shown', async () => {
  const session = await openInServer(
    { 'main.mo': edited, 'ci/baseline.json': baselineOf(recorded) },
    'main.mo',
    'motoko',
    undefined,
    {
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      settings: { baseline: 'ci/baseline.json' },
    },
  );
  try {
    const { conn, uri } = session;
    assert.equal((await session.diagnostics).diagnostics.length, 1);
    // The client learns to report changes of the baseline file: without that it would never know.
    const globs = session.registrations
      .filter((r) => r.method === 'workspace/didChangeWatchedFiles')
      .flatMap((r) => (r.registerOptions as { watchers: { globPattern: string }[] }).watchers)
      .map((w) => w.globPattern);
    assert.ok(globs.includes('**/baseline.json'), globs.join());
    const baseline = new URL('ci/baseline.json', uri);
    writeFileSync(baseline, baselineOf(edited));
    const next = new Promise<unknown[]>((resolve) =>
      session.onPublish((p) => {
        if (p.uri === uri) resolve(p.diagnostics);
      }),
    );
    await conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: baseline.href, type: 2 }],
    });
    assert.deepEqual(await next, []);
  } finally {
    await session.close();
  }
});
