/** Analysis status for the status bar: the reporter's states, and the notification only for clients that ask. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusReporter } from '../src/lsp/status';
import type { AnalysisStatus } from '../src/protocol';
import { openInServer } from './helpers/lsp-session';

const states = (xs: AnalysisStatus[]) => xs.map((s) => s.state);

test('the status is analysing while any analysis runs, failed after a failure until that file succeeds', async () => {
  const sent: AnalysisStatus[] = [];
  const log: string[] = [];
  const reporter = new StatusReporter(
    (s) => sent.push(s),
    (m) => log.push(m),
  );
  let release = () => {};
  const slow = reporter.track('/a.mo', () => new Promise<void>((r) => (release = r)));
  await reporter.track('/b.mo', () => Promise.resolve());
  assert.deepEqual(states(sent), ['analysing']); // a.mo still runs: no idle in between
  release();
  await slow;
  assert.deepEqual(states(sent), ['analysing', 'idle']);
  assert.ok(log.some((m) => m.startsWith('analysed /a.mo in ')));

  await assert.rejects(
    reporter.track('/a.mo', () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.deepEqual(sent.at(-1), { state: 'failed', message: 'analysis of /a.mo failed: boom' });
  await reporter.track('/b.mo', () => Promise.resolve());
  assert.equal(sent.at(-1)?.state, 'failed'); // another file's success does not hide it
  await reporter.track('/a.mo', () => Promise.resolve());
  assert.equal(sent.at(-1)?.state, 'idle');
});

const actor = 'actor { var n = 0; public func inc() : async () { n += 1 } };\n';

test('a client that asks for status notifications gets analysing then idle', async () => {
  const session = await openInServer({ 'main.mo': actor }, 'main.mo', 'motoko', {
    statusNotifications: true,
  });
  try {
    await session.status('idle');
    assert.deepEqual(states(session.statuses), ['analysing', 'idle']);
  } finally {
    await session.close();
  }
});

test('a client that does not ask gets no custom notification', async () => {
  const session = await openInServer({ 'main.mo': actor }, 'main.mo', 'motoko');
  try {
    await session.diagnostics;
    // A request answered after the analysis finished: anything sent before it has arrived.
    await session.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: session.uri },
      position: { line: 0, character: 0 },
    });
    assert.deepEqual(session.statuses, []);
  } finally {
    await session.close();
  }
});
