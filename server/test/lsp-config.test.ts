/** The language server applies the same project file and inline suppressions as the command line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { openInServer } from './helpers/lsp-session';

const bank = `persistent actor Bank {
  type Ledger = actor { transfer : shared (Nat) -> async () };
  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  public func pay(amount : Nat) : async () {
    if (balance >= amount) {
      // commit-points: allow(check-then-act) reason: the ledger deduplicates by memo
      await ledger.transfer(amount);
      balance -= amount;
    };
  };

  // commit-points: allow(stale-write-back) reason: left over
  public func refund(amount : Nat) : async () {
    await (with timeout = 30) ledger.transfer(amount);
    balance += amount;
  };
};
`;

async function diagnostics(files: Record<string, string>) {
  const session = await openInServer({ '.git/HEAD': '', ...files }, 'main.mo', 'motoko');
  try {
    return (await session.diagnostics).diagnostics.map((d) => ({
      at: `${String(d.code)}:${d.range.start.line + 1}:${d.severity}`,
      href: d.codeDescription?.href ?? '',
    }));
  } finally {
    await session.close();
  }
}

test('suppressions and [rules] reach the editor: suppressed, re-rated, and unused reported', async () => {
  const ds = await diagnostics({
    'main.mo': bank,
    'commit-points.toml': '[rules]\nunbounded-wait-call = "warning"\nunused-suppression = "warning"\n',
  });
  assert.deepEqual(
    ds.map((d) => d.at),
    ['unbounded-wait-call:9:2', 'unused-suppression:14:2'],
  );
  assert.match(ds[1].href, /docs\/configuration\.md#inline-suppressions$/);
});

test('an invalid project file leaves the defaults in force, and the suppressions still apply', async () => {
  const ds = await diagnostics({
    'main.mo': bank,
    'commit-points.toml': '[rules]\nunbounded-wait-call = 3\n',
  });
  assert.deepEqual(
    ds.map((d) => d.at),
    ['unbounded-wait-call:9:3', 'unused-suppression:14:3'],
  );
});

test('the "suppress here" quick fix inserts an allow comment whose missing reason is then reported', async () => {
  const text = bank.replace(
    '      // commit-points: allow(check-then-act) reason: the ledger deduplicates by memo\n',
    '',
  );
  const session = await openInServer({ '.git/HEAD': '', 'main.mo': text }, 'main.mo', 'motoko');
  try {
    const { conn, uri } = session;
    const first = (await session.diagnostics).diagnostics;
    const cta = first.find((d) => d.code === 'check-then-act');
    assert.ok(cta, JSON.stringify(first.map((d) => d.code)));
    const actions = await conn.sendRequest<
      {
        title: string;
        edit: { changes: Record<string, { range: { start: { line: number } }; newText: string }[]> };
      }[]
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: cta.range,
      context: { diagnostics: [cta] },
    });
    const suppress = actions.find((a) => a.title.startsWith('Suppress `check-then-act`'));
    assert.ok(suppress, JSON.stringify(actions.map((a) => a.title)));
    const [edit] = suppress.edit.changes[uri];
    assert.equal(edit.range.start.line, cta.range.start.line);
    assert.equal(edit.newText, '      // commit-points: allow(check-then-act) reason: \n');

    const lines = text.split('\n');
    lines.splice(edit.range.start.line, 0, edit.newText.slice(0, -1));
    const next = new Promise<{ code?: unknown; range: { start: { line: number } } }[]>((resolve) =>
      conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: [] }) => {
        if (p.uri === uri) resolve(p.diagnostics);
      }),
    );
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: lines.join('\n') }],
    });
    const codes = (await next).map((d) => `${String(d.code)}:${d.range.start.line + 1}`);
    assert.ok(codes.includes('suppression-without-reason:8'), codes.join());
    assert.ok(!codes.some((c) => c.startsWith('check-then-act')), codes.join());
  } finally {
    await session.close();
  }
});

test('a changed project file re-analyses the open files when the client reports the change', async () => {
  const session = await openInServer(
    { '.git/HEAD': '', 'main.mo': bank, 'commit-points.toml': '' },
    'main.mo',
    'motoko',
  );
  try {
    const { conn, uri } = session;
    const before = (await session.diagnostics).diagnostics.map((d) => String(d.code));
    assert.ok(before.includes('unbounded-wait-call'), before.join());
    const config = new URL('commit-points.toml', uri);
    writeFileSync(config, '[rules]\nunbounded-wait-call = "off"\n');
    const next = new Promise<{ code?: unknown }[]>((resolve) =>
      conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: [] }) => {
        if (p.uri === uri) resolve(p.diagnostics);
      }),
    );
    await conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: config.href, type: 2 }],
    });
    const after = (await next).map((d) => String(d.code));
    assert.ok(!after.includes('unbounded-wait-call'), after.join());
    assert.ok(after.includes('unused-suppression'), after.join());
  } finally {
    await session.close();
  }
});
