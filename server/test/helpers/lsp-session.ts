/** Starts the bundled language server over stdio on one file, as an editor would, for protocol tests. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from './paths';
import { CommitPointsNotifications, type AnalysisStatus } from '../../src/protocol';

export interface LspSession {
  conn: ProtocolConnection;
  uri: string;
  /** The first diagnostics published for the file. */
  diagnostics: Promise<PublishDiagnosticsParams>;
  /** Calls `f` on every publication from now on (any file). */
  onPublish(f: (p: PublishDiagnosticsParams) => void): void;
  /** The `commitPoints/status` notifications received so far. */
  statuses: AnalysisStatus[];
  /** Resolves when a status with this state has arrived (at once if one already has). */
  status(state: AnalysisStatus['state']): Promise<void>;
  /** Calls `f` on every `workspace/inlayHint/refresh` and `workspace/codeLens/refresh` request from now on. */
  onRefresh(f: (method: string) => void): void;
  /** The capabilities the server registered with the client so far (`client/registerCapability`). */
  registrations: Registration[];
  close(): Promise<void>;
}

/** Writes `files` (relative path → text) to a fresh folder, starts the server and opens `open` in it. */
export async function openInServer(
  files: Record<string, string>,
  open: string,
  languageId: string,
  /** What our VS Code client sends; other editors send none. */
  initializationOptions?: Record<string, unknown>,
  /** `capabilities` the client declares; `settings`: the `commitPoints` section it answers configuration with. */
  client: { capabilities?: { workspace?: Record<string, unknown> }; settings?: Record<string, unknown> } = {},
): Promise<LspSession> {
  const { settings } = client;
  const capabilities = settings
    ? { ...client.capabilities, workspace: { ...client.capabilities?.workspace, configuration: true } }
    : (client.capabilities ?? {});
  const dir = mkdtempSync(join(tmpdir(), 'cp-lsp-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const uri = pathToFileURL(join(dir, open)).href;
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const listeners: ((p: PublishDiagnosticsParams) => void)[] = [];
  const statuses: AnalysisStatus[] = [];
  const waiting: { state: AnalysisStatus['state']; resolve: () => void }[] = [];
  conn.onNotification(CommitPointsNotifications.status, (s: AnalysisStatus) => {
    statuses.push(s);
    for (const w of waiting.filter((x) => x.state === s.state)) w.resolve();
  });
  const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) => {
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      if (p.uri === uri) resolve(p);
      listeners.forEach((f) => f(p));
    });
  });
  const refreshListeners: ((method: string) => void)[] = [];
  for (const method of ['workspace/inlayHint/refresh', 'workspace/codeLens/refresh'])
    conn.onRequest(method, () => {
      refreshListeners.forEach((f) => f(method));
      return null;
    });
  const registrations: Registration[] = [];
  conn.onRequest('client/registerCapability', (p: { registrations: Registration[] }) => {
    registrations.push(...p.registrations);
    return null;
  });
  if (settings)
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities,
    initializationOptions,
  });
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId, version: 1, text: files[open] },
  });
  return {
    conn,
    uri,
    diagnostics,
    onPublish: (f) => listeners.push(f),
    onRefresh: (f) => refreshListeners.push(f),
    registrations,
    statuses,
    status: (state) =>
      statuses.some((x) => x.state === state)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ state, resolve })),
    async close() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } finally {
        conn.dispose();
        child.kill();
      }
    },
  };
}
