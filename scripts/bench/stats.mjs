// Small statistics and the figures table every section of `npm run bench` adds to.
import { performance } from 'node:perf_hooks';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

/** The nearest-rank 95th percentile. */
export function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] : NaN;
}

/** Median wall time of `runs` calls of `fn`, after one warm-up call unless `warmUp` is false. */
export async function timeMedian(fn, runs = 5, warmUp = true) {
  if (warmUp) await fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

export const ms = (x) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms` : 'n/a');
export const mb = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : 'n/a');
export const ratio = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(a / b < 1 ? 2 : 1)}×` : 'n/a');

/**
 * The summary printed at the end: each figure with its baseline from the same run, the ratio, the issue's
 * target and whether it is met (`met` undefined when the figure has no target).
 */
export class Figures {
  rows = [];

  /** @param {{figure: string, value: string, baseline?: string, ratio?: string, target?: string, met?: boolean}} row */
  add(row) {
    this.rows.push(row);
    const extra = [
      row.baseline ? `baseline ${row.baseline}` : '',
      row.ratio ? `ratio ${row.ratio}` : '',
      row.target ? `target ${row.target}: ${row.met ? 'met' : 'NOT met'}` : '',
    ].filter(Boolean);
    console.log(`  ${row.figure}: ${row.value}${extra.length ? ` (${extra.join('; ')})` : ''}`);
  }

  markdown() {
    const head = '| figure | value | baseline (same run) | ratio | target | met |\n|---|---|---|---|---|---|';
    const lines = this.rows.map(
      (r) =>
        `| ${r.figure} | ${r.value} | ${r.baseline ?? ''} | ${r.ratio ?? ''} | ${r.target ?? ''} | ${
          r.target ? (r.met ? 'yes' : '**no**') : ''
        } |`,
    );
    return [head, ...lines].join('\n');
  }
}
