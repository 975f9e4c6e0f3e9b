/**
 * The command line's frontends on several threads. The sources are split into jobs that the frontends analyse
 * independently (a Cargo workspace with the crates asked for in it; a Motoko project), the largest first, and
 * this thread and each worker thread take the next job when done with one. The models come back as plain data
 * (they are only data) and the analysis and rules run once over all of them, as with one thread.
 */
import { join } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FileModel } from '../model/ir';
import type { SourceFile } from '../model/source';
import type { WorkspaceOptions } from './analyze';
import { manifestReader } from './cargo-manifest';
import { rustUnits } from './cargo-workspace';
import { motokoProjectOf, rustCrateOf } from './canisters';
import { languageOf, skippedModel } from './file-models';
import { frontendModels } from './frontends';

/** What a job's worker is told: the options that are data (no callbacks, no caches). */
export interface JobRequest {
  sources: SourceFile[];
  options: Pick<WorkspaceOptions, 'maxFileSize' | 'extraCallFunctions' | 'config'>;
}

export type JobReply =
  { models: FileModel[]; errors: { where: string; message: string }[] } | { failed: string };

/** The sources in groups the frontends analyse independently of each other, largest first. */
export function frontendJobs(sources: SourceFile[]): SourceFile[][] {
  const crateCache = new Map<string, string>();
  const groups = new Map<string, SourceFile[]>();
  const add = (key: string, src: SourceFile) => groups.set(key, [...(groups.get(key) ?? []), src]);
  const crates = new Map<string, SourceFile[]>();
  // Neither language: the frontends only refuse them when too large. They go with the first job, not alone.
  const others: SourceFile[] = [];
  for (const src of sources) {
    const lang = languageOf(src.path);
    if (lang === 'rust') {
      const crate = rustCrateOf(src.path, crateCache);
      crates.set(crate, [...(crates.get(crate) ?? []), src]);
    } else if (lang === 'motoko') add(`motoko:${motokoProjectOf(src.path)}`, src);
    else others.push(src);
  }
  // Crates of one Cargo workspace are analysed together (SPEC §2): one job per workspace.
  for (const unit of rustUnits([...crates.keys()], manifestReader()).values())
    for (const dir of unit.asked) for (const src of crates.get(dir) ?? []) add(`rust:${unit.root}`, src);
  const size = (job: SourceFile[]) => job.reduce((n, s) => n + s.text.length, 0);
  const jobs = [...groups.values()].sort((a, b) => size(b) - size(a));
  if (jobs.length) jobs[0].push(...others);
  else if (others.length) jobs.push(others);
  return jobs;
}

/** Jobs a worker holds at once: the next one is there when it finishes, even while this thread is busy. */
const IN_HAND = 2;

/**
 * The frontends' models of `sources`, computed on up to `threads` threads: this one and `threads - 1` workers,
 * all taking the next job from one queue. A job whose worker fails (an exception, out of memory) has its files
 * skipped with the reason; the other jobs go on, on a new worker.
 */
export async function frontendsInWorkers(
  sources: SourceFile[],
  options: WorkspaceOptions,
  threads: number,
  /** Limits of each worker's heap (tests make one run out of memory). */
  resourceLimits?: ResourceLimits,
): Promise<FileModel[]> {
  const jobs = frontendJobs(sources);
  // One job: nothing to share out, no worker to start.
  if (jobs.length < 2) return frontendModels(sources, options);
  const request = (job: SourceFile[]): JobRequest => ({
    sources: job,
    options: {
      ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
      ...(options.extraCallFunctions ? { extraCallFunctions: options.extraCallFunctions } : {}),
      ...(options.config ? { config: options.config } : {}),
    },
  });
  const models: FileModel[] = [];
  let next = 0;
  const lost = (job: SourceFile[], why: string) => {
    options.onInternalError?.('analysis worker', new Error(why));
    models.push(...job.map((s) => skippedModel(s.path, `internal error in the analysis worker: ${why}`)));
  };
  const runWorker = (): Promise<void> =>
    new Promise((done) => {
      const worker = new Worker(
        join(__dirname, 'frontend-worker.js'),
        resourceLimits ? { resourceLimits } : {},
      );
      // Posted and not answered yet, oldest first (the worker answers in order).
      const inHand: SourceFile[][] = [];
      const fill = () => {
        while (inHand.length < IN_HAND && next < jobs.length) {
          const job = jobs[next++];
          inHand.push(job);
          worker.postMessage(request(job));
        }
        if (!inHand.length) void worker.terminate().then(() => done());
      };
      worker.on('message', (reply: JobReply) => {
        const job = inHand.shift()!;
        if ('failed' in reply) lost(job, reply.failed);
        else {
          models.push(...reply.models);
          for (const e of reply.errors) options.onInternalError?.(e.where, new Error(e.message));
        }
        fill();
      });
      // The worker died with jobs in hand: those are lost, the others go on on a fresh worker.
      let ended = false;
      const died = (why: string) => {
        if (ended) return;
        ended = true;
        for (const job of inHand.splice(0)) lost(job, why);
        void runWorker().then(done);
      };
      worker.on('error', (err) => died(String(err)));
      worker.on('exit', (code) => {
        if (inHand.length) died(`the worker exited with code ${code}`);
      });
      fill();
    });
  const workers = Array.from({ length: Math.min(threads, jobs.length) - 1 }, runWorker);
  // This thread takes jobs too: one worker fewer to start and to hold in memory.
  while (next < jobs.length) models.push(...(await frontendModels(jobs[next++], options)));
  await Promise.all(workers);
  return models;
}
