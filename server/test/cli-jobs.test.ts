/**
 * `check --jobs N`: the frontends of independent parts (Cargo workspaces, Motoko projects) run on worker threads
 * and the report is the one a single thread gives, byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectSources } from '../src/workspace/collect';
import { frontendJobs, frontendsInWorkers } from '../src/workspace/frontend-jobs';
import { runCli } from './helpers/cli';
import { repoRoot } from './helpers/paths';

test('the examples split into independent jobs: each Cargo workspace and each Motoko project is one', () => {
  const { files } = collectSources([join(repoRoot, 'examples')]);
  const jobs = frontendJobs(files.map((path) => ({ path, text: readFileSync(path, 'utf8') })));
  assert.ok(jobs.length >= 3, `${jobs.length} jobs`);
  // Every file is in exactly one job, and a job holds one language.
  assert.equal(jobs.flat().length, files.length);
  for (const job of jobs) assert.equal(new Set(job.map((s) => s.path.slice(-3))).size, 1);
  // A file of neither language rides with the first job instead of making one of its own.
  const withOther = frontendJobs([
    ...files.map((path) => ({ path, text: readFileSync(path, 'utf8') })),
    { path: join(repoRoot, 'examples', 'notes.txt'), text: 'x' },
  ]);
  assert.equal(withOther.length, jobs.length);
  assert.ok(withOther[0].some((s) => s.path.endsWith('notes.txt')));
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

test('a worker that runs out of memory loses only its jobs, skipped with the reason; the others are analysed', async () => {
  const { files } = collectSources([join(repoRoot, 'examples')]);
  const sources = files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const jobs = frontendJobs(sources);
  const errors: string[] = [];
  // A heap far too small for the analysis: the worker dies on the first job it is given, and so does each fresh
  // one, while this thread analyses the jobs it takes itself.
  const models = await frontendsInWorkers(
    sources,
    { onInternalError: (where, err) => errors.push(`${where}: ${String(err)}`) },
    2,
    { maxOldGenerationSizeMb: 2, maxYoungGenerationSizeMb: 1 },
  );
  assert.equal(models.length, sources.length, 'every file has a model');
  const skipped = models.filter((m) => m.skipped?.startsWith('internal error in the analysis worker: '));
  const analysed = models.filter((m) => !m.skipped);
  assert.ok(skipped.length > 0, 'the worker lost its jobs');
  assert.ok(analysed.length > 0, 'this thread analysed its jobs');
  // Whole jobs are lost, never part of one.
  for (const job of jobs) {
    const lostHere = job.filter((s) => skipped.some((m) => m.file === s.path)).length;
    assert.ok(lostHere === 0 || lostHere === job.length);
  }
  assert.ok(errors.length > 0 && errors.every((e) => e.startsWith('analysis worker: ')));
});
