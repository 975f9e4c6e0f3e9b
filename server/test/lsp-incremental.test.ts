/**
 * The language server reuses what an edit cannot change (file models, summary facts, the crate's file list and
 * texts): after each edit, over real LSP stdio, every file's diagnostics must be what a fresh server analysing
 * the same texts publishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { openInServer, type LspSession } from './helpers/lsp-session';
import { LEDGER_RS } from './helpers/ledger-module';

const libRs = `use std::cell::RefCell;
use ic_cdk::call::Call;
mod ledger;
mod orders;

thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
    static ORDERS: RefCell<Vec<u64>> = RefCell::new(Vec::new());
}

#[ic_cdk::update]
async fn withdraw(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let outcome = ledger::transfer(amount).await;
        ledger::debit(amount);
        let _ = outcome;
    }
}

#[ic_cdk::update]
async fn ping() {
    let _ = Call::bounded_wait(candid::Principal::anonymous(), "ping").await;
}
`;

const ordersRs = `use crate::{ledger, ORDERS};

#[ic_cdk::update]
async fn place(amount: u64) {
    let count = ORDERS.with(|o| o.borrow().len());
    if count < 10 {
        let _ = ledger::transfer(amount).await;
        ORDERS.with(|o| o.borrow_mut().push(amount));
    }
}
`;

const crate = { 'Cargo.toml': '[package]\nname = "shop"\n', 'src/lib.rs': libRs, 'src/orders.rs': ordersRs };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server with the editor's capabilities: file watching (so it keeps the crate's files) and the status. */
function open(ledger: string): Promise<LspSession> {
  return openInServer(
    { ...crate, 'src/ledger.rs': ledger },
    'src/ledger.rs',
    'rust',
    { statusNotifications: true },
    {
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    },
  );
}

/** Every file's latest diagnostics, with the session's folder taken out of the URIs. */
function latest(session: LspSession): () => Map<string, string> {
  const dir = dirname(dirname(fileURLToPath(session.uri)));
  const shown = new Map<string, string>();
  session.onPublish((p: PublishDiagnosticsParams) =>
    shown.set(p.uri.slice(p.uri.indexOf('/src/')), JSON.stringify(p.diagnostics).split(dir).join('<crate>')),
  );
  return () => new Map([...shown].sort(([a], [b]) => a.localeCompare(b)));
}

/** Resolves once an analysis that started after now has ended and no other runs. */
async function settled(session: LspSession, from: number): Promise<void> {
  for (;;) {
    const after = session.statuses.slice(from);
    const i = after.findIndex((s) => s.state === 'analysing');
    if (i >= 0 && after.slice(i).some((s) => s.state === 'idle') && after.at(-1)?.state === 'idle') return;
    await sleep(20);
  }
}

/** Replaces the whole text of the open file. */
const replace = (s: LspSession, version: number, text: string) =>
  s.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri: s.uri, version },
    contentChanges: [{ text }],
  });

/** What a fresh server publishes for the crate with `ledger` as the edited file's text. */
async function fresh(ledger: string): Promise<Map<string, string>> {
  const session = await open(ledger);
  try {
    const shown = latest(session);
    await settled(session, 0);
    return shown();
  } finally {
    await session.close();
  }
}

// Each edit of the callee file: a body-only edit (positions on one line move), a summary that changes (a new
// state write, an await removed), a new function (the crate index changes), and back.
const edits = [
  LEDGER_RS.replace('let reply', 'let replyx'),
  LEDGER_RS.replace('-= amount', '-=  amount'),
  LEDGER_RS.replace('-= amount);', '-= amount);\n    BALANCE.with(|b| *b.borrow_mut() += 1);'),
  LEDGER_RS.replace('.with_arg(amount).await', '.with_arg(amount)'),
  `${LEDGER_RS}\npub fn credit(amount: u64) {\n    BALANCE.with(|b| *b.borrow_mut() += amount);\n}\n`,
  LEDGER_RS.replace('format!("{e:?}")', 'format!("failed: {e:?}")'),
  LEDGER_RS,
];

test('after each edit, every file shows what a fresh server shows for the same texts', async () => {
  const session = await open(LEDGER_RS);
  try {
    const shown = latest(session);
    await settled(session, 0);
    assert.deepEqual(shown(), await fresh(LEDGER_RS));
    let version = 1;
    const distinct = new Set<string>();
    for (const text of edits) {
      const from = session.statuses.length;
      await replace(session, ++version, text);
      await settled(session, from);
      const now = shown();
      assert.deepEqual(now, await fresh(text), `after edit ${version - 1}`);
      distinct.add(JSON.stringify([...now]));
    }
    // The edits change what is shown (positions, findings): the comparisons are not of one unchanging result.
    assert.ok(distinct.size >= 4, `only ${distinct.size} different results`);
  } finally {
    await session.close();
  }
});
