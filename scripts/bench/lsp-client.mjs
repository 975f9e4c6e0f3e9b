// A minimal LSP client for the benchmark: starts the bundled server (dist/server.js) over stdio on a folder, as
// an editor would, and records every diagnostics publication with the time it arrived.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { repoRoot } from './paths.mjs';

const require = createRequire(join(repoRoot, 'server', 'package.json'));
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} = require('vscode-languageserver-protocol/node');

/** Writes `files` (path relative to a fresh folder → text) and starts the server on that folder. */
export async function startServer(files) {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  // BENCH_SERVER_NODE_ARGS passes Node flags to the server (`--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, 'dist', 'server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const conn = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const listeners = new Set();
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const at = performance.now();
    for (const f of listeners) f(p, at);
  });
  conn.onNotification('window/logMessage', () => {});
  // Like VS Code, the client watches files for the server (it registers its watchers dynamically); nothing
  // changes on disk during the benchmark, so there is never a change to report.
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
  });
  await conn.sendNotification('initialized', {});
  const uriOf = (rel) => pathToFileURL(join(dir, rel)).href;
  return {
    dir,
    uriOf,
    /** Calls `f(params, arrivalTime)` on every publication until the returned function is called. */
    onPublish(f) {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    /** The next publication for `uri` that satisfies `accept`. */
    nextPublish(uri, accept = () => true) {
      return new Promise((resolve) => {
        const off = this.onPublish((p, at) => {
          if (p.uri === uri && accept(p)) {
            off();
            resolve({ params: p, at });
          }
        });
      });
    },
    open(rel, languageId) {
      return conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: uriOf(rel), languageId, version: 1, text: files[rel] },
      });
    },
    /** Inserts `text` at a position (an incremental change, as editors send for a keystroke). */
    insert(rel, version, line, character, text) {
      return conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: uriOf(rel), version },
        contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text }],
      });
    },
    hover(rel, line, character) {
      return conn.sendRequest('textDocument/hover', {
        textDocument: { uri: uriOf(rel) },
        position: { line, character },
      });
    },
    /** The server process's peak resident memory so far in MB (Linux), or NaN. */
    peakRssMb() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : NaN;
      } catch {
        return NaN;
      }
    },
    async close() {
      try {
        // The server exits on `exit` (a CPU profile is written then); killed if it has not after 2 s.
        const exited = new Promise((r) => child.once('exit', r));
        await Promise.race([
          conn
            .sendRequest('shutdown')
            .then(() => conn.sendNotification('exit'))
            .then(() => exited),
          new Promise((r) => setTimeout(r, 2000)),
        ]);
      } finally {
        conn.dispose();
        child.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
