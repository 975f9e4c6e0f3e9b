/**
 * A syntax error typed into one method, over real LSP stdio: it is reported where it is, a few characters wide,
 * and the other methods keep their findings (from the last analysis without errors while the file has them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { openInServer, type LspSession } from './helpers/lsp-session';
import { withdrawLibRs } from './helpers/rust-sources';
import { bankActorMo } from './helpers/motoko-sources';

const rustLib = `${withdrawLibRs()}
#[ic_cdk::update]
async fn withdraw_again(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let _ = Call::bounded_wait(candid::Principal::anonymous(), "transfer").with_arg(amount).await;
        BALANCE.with(|b| *b.borrow_mut() -= amount);
    }
}
`;

const motokoActor = bankActorMo();

const ctaLines = (p: PublishDiagnosticsParams) =>
  p.diagnostics.filter((d) => d.code === 'check-then-act').map((d) => d.range.start.line);

/** Resolves with the first publication for the open file that `accept` takes. */
const publication = (s: LspSession, accept: (p: PublishDiagnosticsParams) => boolean) =>
  new Promise<PublishDiagnosticsParams>((resolve) =>
    s.onPublish((p) => {
      if (p.uri === s.uri && accept(p)) resolve(p);
    }),
  );

const isSyntaxError = (d: Diagnostic) => d.severity === 1 && d.source === 'commit-points';

/**
 * Types `typed` as a new line after line `after`, then checks what the editor would show; `onTypedLine`: every
 * syntax error is on that line (a stray `}` is only noticed where the code after it stops making sense).
 */
async function typeSyntaxError(
  session: LspSession,
  text: string,
  after: number,
  typed: string,
  onTypedLine = true,
) {
  const before = await session.diagnostics;
  const [firstCta, secondCta] = ctaLines(before);
  assert.ok(firstCta !== undefined && secondCta !== undefined, JSON.stringify(before.diagnostics));
  const lines = text.split('\n');
  lines.splice(after + 1, 0, typed);
  const withError = publication(session, (p) => p.diagnostics.some(isSyntaxError));
  await session.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri: session.uri, version: 2 },
    contentChanges: [{ text: lines.join('\n') }],
  });
  const p = await withError;
  // Short error ranges, on the typed line only.
  for (const e of p.diagnostics.filter(isSyntaxError)) {
    if (onTypedLine) assert.equal(e.range.start.line, after + 1, JSON.stringify(e));
    assert.equal(e.range.end.line, e.range.start.line, JSON.stringify(e));
    assert.ok(e.range.end.character - e.range.start.character <= 10, JSON.stringify(e));
  }
  // The method after the edited one keeps its finding, moved down by the typed line.
  assert.ok(ctaLines(p).includes(secondCta + 1), JSON.stringify(p.diagnostics));
}

test('Rust: a syntax error typed in one method keeps the other methods findings', async () => {
  const session = await openInServer(
    { 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': rustLib },
    'src/lib.rs',
    'rust',
  );
  try {
    const bodyStart = rustLib.split('\n').findIndex((l) => l.startsWith('async fn withdraw('));
    await typeSyntaxError(session, rustLib, bodyStart, '    let v = vec![1, 2;');
  } finally {
    await session.close();
  }
});

test('Motoko: a syntax error typed in one method keeps the other methods findings', async () => {
  const session = await openInServer({ 'main.mo': motokoActor }, 'main.mo', 'motoko');
  try {
    const bodyStart = motokoActor.split('\n').findIndex((l) => l.includes('func withdraw('));
    await typeSyntaxError(session, motokoActor, bodyStart, '    let t = "abc;');
  } finally {
    await session.close();
  }
});

test('Motoko: a stray brace that closes the actor early keeps the later methods findings', async () => {
  const session = await openInServer({ 'main.mo': motokoActor }, 'main.mo', 'motoko');
  try {
    const bodyStart = motokoActor.split('\n').findIndex((l) => l.includes('func withdraw('));
    await typeSyntaxError(session, motokoActor, bodyStart, '    }', false);
  } finally {
    await session.close();
  }
});
