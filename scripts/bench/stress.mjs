// The stress actor (the cliff's shape, scripts/bench/generate-motoko.mjs): `commit-points check` on it in a child
// process (wall time, peak memory) against its parse; then, through the real language server over stdio, the time
// to the first diagnostics on opening it, hover latency on its awaits against hovers on an ordinary 1k-line actor,
// and one edit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { motokoActor, stressActor } from './generate-motoko.mjs';
import { lineCount } from './generate-rust.mjs';
import { runMeasured } from './child-run.mjs';
import { startServer } from './lsp-client.mjs';
import { repoRoot, serverModule } from './paths.mjs';
import { mb, median, ms, p95, ratio, timeMedian } from './stats.mjs';
import { keystrokesShown, typingSpot } from './typing.mjs';

const CHECK_TIMEOUT_MS = 120_000;
const LSP_TIMEOUT_MS = 120_000;

/** Positions of every `await` keyword (with `await*`) in the text. */
function awaitPositions(text) {
  const out = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/\bawait\b/g)) out.push({ line: i, character: m.index + 1 });
  });
  return out;
}

const withTimeout = (promise, what, msTimeout = LSP_TIMEOUT_MS) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${msTimeout} ms`)), msTimeout),
    ),
  ]);

/** Hover latencies, and how many hovers had content (so an empty answer is not mistaken for a fast one). */
async function hoverTimes(server, rel, positions) {
  const times = [];
  let answered = 0;
  for (const p of positions) {
    const t0 = performance.now();
    const hover = await withTimeout(server.hover(rel, p.line, p.character), 'hover');
    times.push(performance.now() - t0);
    if (hover?.contents) answered++;
  }
  return Object.assign(times, { answered });
}

export async function stressSection(figures) {
  const { parseMotoko } = serverModule('languages/motoko/parser');
  const text = stressActor();
  const ordinary = motokoActor(1000);
  const lines = lineCount(text);
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-stress-'));
  const file = join(dir, 'Stress.mo');
  writeFileSync(file, text);
  const helpers = (text.match(/: async\* Nat/g) ?? []).length;
  const entries = (text.match(/public shared/g) ?? []).length;
  console.log(`stress actor: ${lines} lines, ${helpers} async* helpers in 3 layers, ${entries} entry points`);

  const parse = await timeMedian(() => parseMotoko(text), 7);
  const cli = join(repoRoot, 'dist', 'cli.js');
  const check = await runMeasured([cli, 'check', file, '--format', 'json'], { timeoutMs: CHECK_TIMEOUT_MS });
  const tiny = join(dir, 'Tiny.mo');
  writeFileSync(tiny, 'persistent actor { public func f() : async () {} };\n');
  const startup = await runMeasured([cli, 'check', tiny, '--format', 'json']);
  const checkFailed = check.timedOut || (check.code !== 0 && check.code !== 1);
  const checkValue = check.timedOut
    ? `killed after ${CHECK_TIMEOUT_MS / 1000} s`
    : checkFailed
      ? `failed (exit ${check.code}): ${check.stderr.trim().split('\n').at(-1)}`
      : ms(check.wallMs);
  figures.add({
    figure: `stress actor (${lines} lines): \`check\` wall time (CLI in a child process)`,
    value: checkValue,
    baseline: `parse ${ms(parse)}; CLI on a one-line actor ${ms(startup.wallMs)}`,
    ratio: checkFailed ? '' : ratio(check.wallMs, parse),
    target: '≤ 1 s',
    met: !checkFailed && check.wallMs <= 1000,
  });
  figures.add({
    figure: 'stress actor: `check` peak RSS',
    value: mb(check.peakRssMb),
    baseline: `CLI on a one-line actor ${mb(startup.peakRssMb)}`,
    ratio: ratio(check.peakRssMb, startup.peakRssMb),
    target: '≤ 300 MB',
    met: check.peakRssMb <= 300,
  });

  const server = await startServer({ 'Stress.mo': text, 'Ordinary.mo': ordinary });
  try {
    // The baseline: an ordinary 1k-line actor in the same server.
    const ordinaryFirst = server.nextPublish(server.uriOf('Ordinary.mo'));
    await server.open('Ordinary.mo', 'motoko');
    await withTimeout(ordinaryFirst, 'diagnostics of the ordinary actor');
    const ordinaryHovers = await hoverTimes(server, 'Ordinary.mo', awaitPositions(ordinary));

    const t0 = performance.now();
    const first = server.nextPublish(server.uriOf('Stress.mo'));
    await server.open('Stress.mo', 'motoko');
    const published = await withTimeout(first, 'diagnostics of the stress actor');
    const openMs = published.at - t0;
    figures.add({
      figure: 'stress actor in the language server: open → first diagnostics',
      value: ms(openMs),
      baseline: `parse ${ms(parse)}`,
      ratio: ratio(openMs, parse),
    });
    const positions = awaitPositions(text);
    const stressHovers = await hoverTimes(server, 'Stress.mo', positions);
    figures.add({
      figure: `stress actor: hover on its ${positions.length} awaits (${stressHovers.answered} with content), median / p95`,
      value: `${ms(median(stressHovers))} / ${ms(p95(stressHovers))}`,
      baseline: `1k-line actor ${ms(median(ordinaryHovers))} / ${ms(p95(ordinaryHovers))}`,
      ratio: ratio(p95(stressHovers), p95(ordinaryHovers)),
      target: '≤ 20 ms',
      met: p95(stressHovers) <= 20,
    });

    // One keystroke in the stress actor (the edit that used to run the server out of memory).
    const spot = typingSpot(text, published.params.diagnostics);
    if (spot) {
      const shown = server.nextPublish(server.uriOf('Stress.mo'), (p) => keystrokesShown(spot, p) === 1);
      const e0 = performance.now();
      await server.insert('Stress.mo', 2, spot.line, spot.character, 'x');
      const after = await withTimeout(shown, 'diagnostics after an edit of the stress actor');
      figures.add({
        figure: 'stress actor: one keystroke → diagnostics (incl. the 200 ms debounce)',
        value: ms(after.at - e0),
        baseline: `open ${ms(openMs)}`,
        ratio: ratio(after.at - e0, openMs),
      });
    }
    figures.add({
      figure: 'stress actor: language server peak RSS (open, hovers, one edit)',
      value: mb(server.peakRssMb()),
      baseline: `\`check\` ${mb(check.peakRssMb)}`,
    });
  } catch (err) {
    figures.add({ figure: 'stress actor in the language server', value: `failed: ${err.message}` });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
