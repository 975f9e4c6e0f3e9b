/**
 * The timeline panel host: a webview with a strict CSP that draws the schedule the server simulates for the
 * method under the cursor. It follows the active editor and the cursor (unless pinned), reveals the code of a
 * step or commit point the reader activates, and re-sends its content when the webview reloads. The webview
 * keeps its own copy in `setState` too, so a hidden and shown tab redraws at once without
 * `retainContextWhenHidden` (which would keep a whole renderer process alive for a background tab).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CommitPointsRequests,
  type EntryRange,
  type PanelMessage,
  type PanelRequest,
  type SimulateParams,
  type SimulateResult,
} from '../../server/src/protocol';
import type { SourceSpan } from '../../server/src/schedule/types';

const LANGUAGES = new Set(['motoko', 'rust']);
/** Cursor moves are followed once they pause this long. */
const FOLLOW_DELAY_MS = 250;

interface Shown {
  uri: vscode.Uri;
  line: number;
  focus?: string;
  entryPoints: EntryRange[];
  message: PanelMessage;
}

export class TimelinePanel {
  private static current: TimelinePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private shown: Shown | undefined;
  private pinned = false;
  private count = 2;
  private seq = 0;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** The cursor position a reveal of ours is about to produce: not a reason to follow. */
  private revealing: { uri: string; line: number } | undefined;
  /** Where the code editor was when the panel opened (reveals go there, not into the panel's column). */
  private editorColumn: vscode.ViewColumn | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly client: LanguageClient,
  ) {
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: PanelRequest) => this.onRequest(m), undefined, this.disposables);
    vscode.window.onDidChangeActiveTextEditor((e) => this.follow(e), undefined, this.disposables);
    vscode.window.onDidChangeTextEditorSelection(
      (e) => this.follow(e.textEditor),
      undefined,
      this.disposables,
    );
    vscode.workspace.onDidSaveTextDocument(
      (doc) => {
        if (this.shown && doc.uri.toString() === this.shown.uri.toString())
          this.load(this.shown.uri, this.shown.line);
      },
      undefined,
      this.disposables,
    );
  }

  static show(
    context: vscode.ExtensionContext,
    client: LanguageClient,
    editor: vscode.TextEditor,
    target?: { uri: vscode.Uri; line: number },
  ): void {
    if (!TimelinePanel.current) {
      const panel = vscode.window.createWebviewPanel(
        'commitPoints.timeline',
        'Commit point timeline',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] },
      );
      panel.webview.html = html(panel.webview, context.extensionUri);
      TimelinePanel.current = new TimelinePanel(panel, client);
    } else TimelinePanel.current.panel.reveal(undefined, true);
    const current = TimelinePanel.current;
    current.editorColumn = editor.viewColumn;
    current.load(target?.uri ?? editor.document.uri, target?.line ?? editor.selection.active.line);
  }

  private dispose(): void {
    TimelinePanel.current = undefined;
    if (this.followTimer) clearTimeout(this.followTimer);
    for (const d of this.disposables) d.dispose();
  }

  private post(message: PanelMessage): void {
    void this.panel.webview.postMessage(message);
  }

  /** Simulates the default scenario of the method at `line` and shows it (the latest request wins). */
  private load(uri: vscode.Uri, line: number): void {
    const seq = ++this.seq;
    const params: SimulateParams = { uri: uri.toString(), line, policy: 'adversarial', count: this.count };
    const file = vscode.workspace.asRelativePath(uri);
    const done = (result: SimulateResult) => {
      if (seq !== this.seq) return;
      const message: PanelMessage = { type: 'simulation', result, file };
      const ok = 'simulation' in result ? result : undefined;
      this.shown = { uri, line, focus: ok?.focus, entryPoints: ok?.entryPoints ?? [], message };
      this.panel.title = ok?.focus ? `Timeline: ${ok.focus}` : 'Commit point timeline';
      this.post(message);
    };
    this.client
      .sendRequest<SimulateResult>(CommitPointsRequests.simulate, params)
      .then(done, (err: unknown) => done({ error: String(err) }));
  }

  private onRequest(m: PanelRequest): void {
    switch (m.type) {
      case 'ready':
        if (this.shown) this.post(this.shown.message);
        this.post({ type: 'following', following: !this.pinned });
        break;
      case 'pin':
        this.pinned = m.pinned;
        if (!m.pinned) this.follow(vscode.window.activeTextEditor);
        break;
      case 'count':
        this.count = m.count;
        if (this.shown) this.load(this.shown.uri, this.shown.line);
        break;
      case 'reveal':
        void this.reveal(m.span);
        break;
    }
  }

  /** Follows the editor: another file, or the cursor in another method of this one, loads that method. */
  private follow(editor: vscode.TextEditor | undefined): void {
    if (this.pinned || !editor || !LANGUAGES.has(editor.document.languageId)) return;
    if (editor.document.uri.scheme !== 'file') return;
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      this.followTimer = undefined;
      const uri = editor.document.uri;
      const line = editor.selection.active.line;
      const revealing = this.revealing;
      this.revealing = undefined;
      if (revealing && revealing.uri === uri.toString() && revealing.line === line) return;
      this.editorColumn = editor.viewColumn ?? this.editorColumn;
      const shown = this.shown;
      if (shown && shown.uri.toString() === uri.toString()) {
        const at = shown.entryPoints.find((e) => e.startLine <= line && line <= e.endLine);
        if (!at || at.name === shown.focus) return; // outside any method, or the same one: keep what is shown
      }
      this.load(uri, line);
    }, FOLLOW_DELAY_MS);
  }

  private async reveal(span: SourceSpan): Promise<void> {
    const uri = vscode.Uri.file(span.file);
    const { start, end } = span.range;
    const range = new vscode.Range(start.line, start.character, end.line, end.character);
    // A commit point (one line) is selected; a segment gets the cursor at its start.
    const selection = range.isSingleLine ? range : new vscode.Range(range.start, range.start);
    const visible = vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.toString() === uri.toString(),
    );
    this.revealing = { uri: uri.toString(), line: selection.start.line };
    const editor = await vscode.window.showTextDocument(uri, {
      viewColumn: visible?.viewColumn ?? this.editorColumn ?? vscode.ViewColumn.One,
      selection,
      preserveFocus: false,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const nonce = [...Array<number>(32)].map(() => Math.floor(Math.random() * 36).toString(36)).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>Commit point timeline</title>
<style>
  html, body { height: 100%; margin: 0; overflow: hidden; }
  body { display: flex; flex-direction: column; padding: 8px 12px; box-sizing: border-box;
    color: var(--tl-text, var(--vscode-editor-foreground)); background: var(--vscode-editor-background);
    font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  #caption, #witness { margin: 0 0 6px; flex: none; }
  #witness:empty { display: none; }
  #timeline { flex: 1 1 auto; }
</style></head>
<body><p id="caption">Analysing…</p><p id="witness"></p><div id="timeline"></div>
<script nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
}
