/**
 * A syntax error typed into one method, over real LSP stdio: the awaits of the other methods keep their inlay
 * hints, hovers and code lenses from the last analysis without errors (moved by the typed line), and such a
 * hover says where it comes from. Without this the hints of the whole file vanished or changed their counts.
 * And the client is asked to pull hints and lenses again after each analysis, so that it shows the new ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CodeAction,
  CodeLens,
  Hover,
  InlayHint,
  PublishDiagnosticsParams,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { openInServer, type LspSession } from './helpers/lsp-session';
import { bankActorMo } from './helpers/motoko-sources';
import type { SimulateResult } from '../src/protocol';

const transfer = 'Call::bounded_wait(candid::Principal::anonymous(), "transfer").with_arg(amount).await';

const rustLib = `use std::cell::RefCell;
use ic_cdk::call::Call;

thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
}

#[ic_cdk::update]
async fn withdraw(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let _ = ${transfer};
        BALANCE.with(|b| *b.borrow_mut() -= amount);
    }
}

#[ic_cdk::update]
async fn withdraw_again(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let _ = ${transfer};
        BALANCE.with(|b| *b.borrow_mut() -= amount);
    }
}

#[ic_cdk::update]
async fn deposit(amount: u64) -> Result<(), String> {
    Call::unbounded_wait(candid::Principal::anonymous(), "pull").with_arg(amount).await.map_err(|e| format!("{e:?}"))?;
    BALANCE.with(|b| *b.borrow_mut() += amount);
    Ok(())
}
`;

const motokoActor = bankActorMo(`
  public func deposit(amount : Nat) : async () {
    ignore await ledger.transfer(Principal.fromText("aaaaa-aa"), amount);
    balance += amount;
  };
`);

interface Shown {
  hints: InlayHint[];
  lenses: CodeLens[];
  /** The hover at each hinted await (its hint's line, the await keyword's column). */
  hovers: Map<number, string>;
}

async function shown(s: LspSession, text: string, keyword: string): Promise<Shown> {
  const textDocument = { uri: s.uri };
  const range = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };
  const hints = await s.conn.sendRequest<InlayHint[]>('textDocument/inlayHint', { textDocument, range });
  const lenses = await s.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument });
  const hovers = new Map<number, string>();
  const lines = text.split('\n');
  for (const h of hints) {
    const line = h.position.line;
    const character = lines[line].indexOf(keyword) + 1;
    const hover = await s.conn.sendRequest<Hover | null>('textDocument/hover', {
      textDocument,
      position: { line, character },
    });
    hovers.set(line, (hover?.contents as { value: string } | undefined)?.value ?? '');
  }
  return { hints, lenses, hovers };
}

const isSyntaxError = (p: PublishDiagnosticsParams) =>
  p.diagnostics.some((d) => d.severity === 1 && d.source === 'commit-points');

/**
 * Opens `text`, types `typed` as a new line after the line containing `after` (inside the first method), and
 * checks that everything shown below the edit is what was shown before, one line lower.
 */
async function checkKept(
  files: Record<string, string>,
  open: string,
  languageId: string,
  after: string,
  typed: string,
  keyword: string,
) {
  const text = files[open];
  const session = await openInServer(files, open, languageId);
  try {
    await session.diagnostics;
    const before = await shown(session, text, keyword);
    const at = text.split('\n').findIndex((l) => l.includes(after));
    assert.ok(at >= 0);
    const otherHints = before.hints.filter((h) => h.position.line > at + 5);
    assert.ok(otherHints.length >= 2, JSON.stringify(before.hints));
    const lines = text.split('\n');
    lines.splice(at + 1, 0, typed);
    const edited = lines.join('\n');
    const withError = new Promise<void>((resolve) =>
      session.onPublish((p) => {
        if (p.uri === session.uri && isSyntaxError(p)) resolve();
      }),
    );
    await session.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: session.uri, version: 2 },
      contentChanges: [{ text: edited }],
    });
    await withError;
    const now = await shown(session, edited, keyword);
    for (const h of otherHints) {
      const moved = now.hints.find(
        (n) => n.position.line === h.position.line + 1 && n.position.character === h.position.character,
      );
      assert.deepEqual(
        moved?.label,
        h.label,
        `hint of line ${h.position.line}: ${JSON.stringify(now.hints)}`,
      );
      const hover = now.hovers.get(h.position.line + 1) ?? '';
      const old = before.hovers.get(h.position.line)!;
      assert.ok(old.length > 0);
      assert.ok(hover.startsWith(old), `hover of line ${h.position.line}:\n${hover}\n--- before:\n${old}`);
      assert.match(hover, /last analysis without errors/);
    }
    for (const l of before.lenses.filter((x) => x.range.start.line > at)) {
      const moved = now.lenses.find((n) => n.range.start.line === l.range.start.line + 1);
      assert.deepEqual(
        moved?.command?.title,
        l.command?.title,
        `lens of line ${l.range.start.line}: ${JSON.stringify(now.lenses)}`,
      );
    }
  } finally {
    await session.close();
  }
}

const crate = { 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': rustLib };

test('Rust: an unclosed macro bracket in one method keeps the other methods hints, hovers and lenses', () =>
  checkKept(crate, 'src/lib.rs', 'rust', 'async fn withdraw(', '    let v = vec![1, 2;', 'await'));

test('Rust: an unclosed block in one method keeps the interleavers counted in the other methods', () =>
  checkKept(crate, 'src/lib.rs', 'rust', 'async fn withdraw(', '    if amount > 3 {', 'await'));

test('Motoko: an unclosed text literal in one method keeps the other methods hints, hovers and lenses', () =>
  checkKept({ 'main.mo': motokoActor }, 'main.mo', 'motoko', 'func withdraw(', '    let t = "abc;', 'await'));

test('Motoko: a stray brace in one method keeps the other methods hints, hovers and lenses', () =>
  checkKept({ 'main.mo': motokoActor }, 'main.mo', 'motoko', 'func withdraw(', '    }', 'await'));

test('after each analysis the server asks a client that can refresh to pull hints and lenses again', async () => {
  const session = await openInServer({ 'main.mo': motokoActor }, 'main.mo', 'motoko', undefined, {
    capabilities: { workspace: { inlayHint: { refreshSupport: true }, codeLens: { refreshSupport: true } } },
  });
  try {
    await session.diagnostics;
    // The hints the client pulled while the edit was analysed were the previous analysis's. The events in the
    // order they arrived: the refreshes must come after the edit's publication.
    const events: string[] = [];
    const refreshedAfterEdit = () => {
      const after = events.slice(events.indexOf('published the edit') + 1);
      return after.includes('workspace/inlayHint/refresh') && after.includes('workspace/codeLens/refresh');
    };
    const done = new Promise<void>((resolve) => {
      const check = () => events.includes('published the edit') && refreshedAfterEdit() && resolve();
      session.onPublish((p) => {
        if (p.uri === session.uri && isSyntaxError(p)) events.push('published the edit');
        check();
      });
      session.onRefresh((method) => {
        events.push(method);
        check();
      });
    });
    await session.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: session.uri, version: 2 },
      contentChanges: [{ text: motokoActor.replace('balance += amount;', 'balance += ;') }],
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([done, timeout]);
    assert.ok(refreshedAfterEdit(), events.join(', '));
  } finally {
    await session.close();
  }
});

/** Types `typed` after the line with `after`, then asks for the quick fixes of the kept `unbounded-wait-call`. */
async function checkQuickFix(
  files: Record<string, string>,
  open: string,
  languageId: string,
  after: string,
  typed: string,
  check: (edited: string, edit: TextEdit) => void,
) {
  const session = await openInServer(files, open, languageId);
  try {
    await session.diagnostics;
    const lines = files[open].split('\n');
    const at = lines.findIndex((l) => l.includes(after));
    lines.splice(at + 1, 0, typed);
    const edited = lines.join('\n');
    const published = new Promise<PublishDiagnosticsParams>((resolve) =>
      session.onPublish((p) => {
        if (p.uri === session.uri && isSyntaxError(p)) resolve(p);
      }),
    );
    await session.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: session.uri, version: 2 },
      contentChanges: [{ text: edited }],
    });
    const unbounded = (await published).diagnostics.filter((d) => d.code === 'unbounded-wait-call');
    assert.ok(unbounded.length >= 1, 'no unbounded-wait-call kept');
    const actions = await session.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: session.uri },
      range: unbounded[0].range,
      context: { diagnostics: [unbounded[0]] },
    });
    const fix = actions.find((a) => a.kind === 'quickfix' && !/suppress|ignore/i.test(a.title));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const edits = fix.edit!.changes![session.uri];
    assert.equal(edits.length, 1);
    check(edited, edits[0]);
  } finally {
    await session.close();
  }
}

test('Rust: the quick fix of a kept finding edits the right place while another method has errors', () =>
  checkQuickFix(crate, 'src/lib.rs', 'rust', 'async fn withdraw(', '    if amount > 3 {', (edited, edit) => {
    const line = edited.split('\n')[edit.range.start.line];
    assert.equal(line.slice(edit.range.start.character, edit.range.end.character), 'unbounded_wait');
  }));

test('Motoko: the quick fix of a kept finding edits the right place while another method has errors', () =>
  checkQuickFix(
    { 'main.mo': motokoActor },
    'main.mo',
    'motoko',
    'func withdraw(',
    '    }',
    (edited, edit) => {
      const line = edited.split('\n')[edit.range.start.line];
      assert.match(edit.newText, /with timeout/);
      assert.match(line.slice(edit.range.start.character), /^ledger\.transfer\(/);
    },
  ));

test('Motoko: the timeline of a method below the edit comes from the last good analysis, moved', async () => {
  const session = await openInServer({ 'main.mo': motokoActor }, 'main.mo', 'motoko');
  try {
    await session.diagnostics;
    const lines = motokoActor.split('\n');
    const target = lines.findIndex((l) => l.includes('func withdrawAgain('));
    const simulate = (line: number) =>
      session.conn.sendRequest<SimulateResult>('commitPoints/simulate', { uri: session.uri, line });
    const before = await simulate(target + 1);
    assert.ok(!('error' in before), JSON.stringify(before));
    const at = lines.findIndex((l) => l.includes('func withdraw('));
    lines.splice(at + 1, 0, '    }');
    const published = new Promise<void>((resolve) =>
      session.onPublish((p) => {
        if (p.uri === session.uri && isSyntaxError(p)) resolve();
      }),
    );
    await session.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: session.uri, version: 2 },
      contentChanges: [{ text: lines.join('\n') }],
    });
    await published;
    const now = await simulate(target + 2);
    assert.ok(!('error' in now), JSON.stringify(now));
    assert.equal(now.focus, 'withdrawAgain');
    assert.equal(now.scenario, before.scenario);
    const range = (r: SimulateResult) =>
      'error' in r ? undefined : r.entryPoints?.find((e) => e.name === 'withdrawAgain');
    assert.equal(range(now)?.startLine, range(before)!.startLine + 1);
    const awaits = (r: SimulateResult) =>
      'error' in r
        ? []
        : (r.sources ?? []).flatMap((s) => (s.commitPoint ? [s.commitPoint.range.start.line] : []));
    // The steps of the edited method `withdraw` are dropped: its code changed.
    const edited = 'error' in before ? undefined : before.entryPoints?.find((e) => e.name === 'withdraw');
    assert.ok(edited && edited.startLine <= at && at <= edited.endLine);
    const below = awaits(before).filter((l) => l > edited.endLine);
    assert.ok(below.length > 0);
    assert.deepEqual(
      awaits(now),
      below.map((l) => l + 1),
    );
  } finally {
    await session.close();
  }
});
