/**
 * Phase timings of one analysis, for finding where a keystroke's time goes. Off unless the environment sets
 * `CP_TIMINGS` (then each analysis writes one line to stderr: `timings <label> total=… phase=… …`); when off,
 * marks cost one comparison.
 */
import { performance } from 'node:perf_hooks';

const enabled = !!process.env.CP_TIMINGS;

let current: { label: string; start: number; last: number; phases: [string, number][] } | undefined;

/** Starts timing an analysis; phases marked until `endTimings` are attributed to it. */
export function startTimings(label: string): void {
  if (!enabled) return;
  const now = performance.now();
  current = { label, start: now, last: now, phases: [] };
}

/** Ends the phase that ran since the previous mark (or the start), naming it `phase`. */
export function markPhase(phase: string): void {
  if (!current) return;
  const now = performance.now();
  current.phases.push([phase, now - current.last]);
  current.last = now;
}

/** Writes the analysis's timings (phases of the same name summed) and stops timing. */
export function endTimings(): void {
  if (!current) return;
  const sums = new Map<string, number>();
  for (const [p, t] of current.phases) sums.set(p, (sums.get(p) ?? 0) + t);
  const total = performance.now() - current.start;
  const parts = [...sums].map(([p, t]) => `${p}=${t.toFixed(1)}`);
  process.stderr.write(`timings ${current.label} total=${total.toFixed(1)} ${parts.join(' ')}\n`);
  current = undefined;
}
