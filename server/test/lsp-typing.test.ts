/**
 * The language server while the user types, over real LSP stdio: diagnostics keep coming during a burst of
 * edits (a debounce with a maximum wait), and only files whose diagnostics changed are published again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { openInServer, type LspSession } from './helpers/lsp-session';
import { withdrawLibRs } from './helpers/rust-sources';

const libRs = withdrawLibRs(['a_other']);
const AWAIT_LINE = 11; // of the check-then-act finding, before any edit

// Sorted before `lib.rs`, so the server would publish it before `lib.rs` if it published it again.
const otherRs = `#[ic_cdk::update]
async fn ping() {
    let _ = ic_cdk::call::Call::unbounded_wait(candid::Principal::anonymous(), "ping").await;
}
`;

const openCrate = () =>
  openInServer(
    { 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': libRs, 'src/a_other.rs': otherRs },
    'src/lib.rs',
    'rust',
  );

/** Replaces the whole text of the open file (a change without a range). */
const edit = (s: LspSession, version: number, text: string) =>
  s.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri: s.uri, version },
    contentChanges: [{ text }],
  });

const ctaLine = (p: PublishDiagnosticsParams) =>
  p.diagnostics.find((d) => d.code === 'check-then-act')?.range.start.line;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a burst of edits every 50 ms gets diagnostics before it ends', async () => {
  const session = await openCrate();
  try {
    assert.equal(ctaLine(await session.diagnostics), AWAIT_LINE);
    // Each edit adds a line at the top, so every analysis of a new version moves the finding down.
    const duringBurst: number[] = [];
    let burstOver = false;
    session.onPublish((p) => {
      const line = p.uri === session.uri ? ctaLine(p) : undefined;
      if (!burstOver && line !== undefined && line > AWAIT_LINE) duringBurst.push(line);
    });
    let text = libRs;
    for (let v = 2; v <= 41; v++) {
      text = `// edit ${v}\n${text}`;
      await edit(session, v, text);
      await sleep(50);
    }
    burstOver = true;
    assert.ok(duringBurst.length > 0, 'no diagnostics were published while the edits went on');
  } finally {
    await session.close();
  }
});

test('an edit republishes only the files whose diagnostics changed', async () => {
  const session = await openCrate();
  try {
    const seen: PublishDiagnosticsParams[] = [];
    const moved = new Promise<void>((resolve) =>
      session.onPublish((p) => {
        seen.push(p);
        if (p.uri === session.uri && ctaLine(p) === AWAIT_LINE + 1) resolve();
      }),
    );
    await session.diagnostics;
    // Both files were published once when the crate was first analysed; wait until the other one is in too.
    const other = session.uri.replace(/lib\.rs$/, 'a_other.rs');
    while (!seen.some((p) => p.uri === other)) await sleep(20);
    const before = seen.length;
    await edit(session, 2, `// a new first line\n${libRs}`);
    await moved;
    // The other file's diagnostics did not change: it is not sent again (it would have come before lib.rs).
    const after = seen.slice(before);
    assert.deepEqual(
      after.map((p) => p.uri),
      [session.uri],
    );
  } finally {
    await session.close();
  }
});
