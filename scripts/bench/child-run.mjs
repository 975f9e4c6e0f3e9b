// Runs a Node.js script in a child process and measures its wall time and peak resident memory.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from './paths.mjs';

/** Resolves to { wallMs, peakRssMb, code, stdout, timedOut }; the child is killed after `timeoutMs`. */
export function runMeasured(args, { timeoutMs = 120_000, nodeOptions = [] } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [...nodeOptions, '-r', join(repoRoot, 'scripts', 'bench', 'report-rss.cjs'), ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const stderr = Buffer.concat(err).toString();
      const m = /BENCH_MAX_RSS_KB=(\d+)/.exec(stderr);
      resolve({
        wallMs,
        peakRssMb: m ? Number(m[1]) / 1024 : NaN,
        code,
        timedOut,
        stdout: Buffer.concat(out).toString(),
        stderr: stderr.replace(/\n?BENCH_MAX_RSS_KB=\d+\n/, ''),
      });
    });
  });
}
