/**
 * `check --jobs N`: the frontends of independent parts (Cargo workspaces, Motoko projects) run on worker threads
 * and the report is the one a single thread gives, byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectSources } from '../src/workspace/collect';
import { frontendJobs } from '../src/workspace/frontend-jobs';
import { runCli } from './helpers/cli';
import { repoRoot } from './helpers/paths';

test('the examples split into independent jobs: each Cargo workspace and each Motoko project is one', () => {
  const { files } = collectSources([join(repoRoot, 'examples')]);
  const jobs = frontendJobs(files.map((path) => ({ path, text: readFileSync(path, 'utf8') })));
  assert.ok(jobs.length >= 3, `${jobs.length} jobs`);
  // Every file is in exactly one job, and a job holds one language.
  assert.equal(jobs.flat().length, files.length);
  for (const job of jobs) assert.equal(new Set(job.map((s) => s.path.slice(-3))).size, 1);
  // Largest first, so the threads finish together.
  const sizes = jobs.map((j) => j.reduce((n, s) => n + s.text.length, 0));
  assert.deepEqual(
    sizes,
    [...sizes].sort((a, b) => b - a),
  );
});

test('check on several threads reports exactly what one thread reports', () => {
  const args = ['check', 'examples', '--format', 'json', '--min-severity', 'info'];
  const one = runCli([...args, '--jobs', '1']);
  const three = runCli([...args, '--jobs', '3']);
  assert.equal(one.status, 1, one.stderr);
  assert.equal(three.status, 1, three.stderr);
  assert.equal(three.stderr, one.stderr);
  const report = JSON.parse(three.stdout) as { findings: unknown[]; files: unknown[] };
  assert.ok(report.findings.length > 5 && report.files.length >= 10);
  assert.equal(three.stdout, one.stdout);
});

test('--jobs must be a positive number of threads', () => {
  const r = runCli(['check', 'examples', '--jobs', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--jobs must be a positive number of threads, not `0`/);
});
