// Keystroke → diagnostics through the real language server over stdio: one-character edits, each timed from
// sending `didChange` to the first publication that reflects it (scripts/bench/typing.mjs), both one at a time
// and while typing goes on (an edit every 30 ms). "After the debounce" subtracts the time the server's debounce
// waits on purpose (server/src/lsp/debounce.ts, with the delays server.ts gives it), simulated on the same edits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rustCrate, rustFile } from './generate-rust.mjs';
import { motokoActor } from './generate-motoko.mjs';
import { startServer } from './lsp-client.mjs';
import { repoRoot, serverModule } from './paths.mjs';
import { mb, median, ms, p95, ratio, timeMedian } from './stats.mjs';
import { keystrokesShown, typingSpot } from './typing.mjs';

const ISOLATED = 10;
const CONTINUOUS = 40;
const TYPING_INTERVAL_MS = 30;
const WAIT_MS = 60_000;

/** The debounce delay and maximum wait the server uses, read from its source so that they stay in step. */
export function serverDebounce() {
  const src = readFileSync(join(repoRoot, 'server', 'src', 'lsp', 'server.ts'), 'utf8');
  const m = /new Debouncer\((\d+),\s*(\d+)\)/.exec(src);
  if (!m) throw new Error('server.ts: cannot find `new Debouncer(delay, maxWait)`');
  return { delay: Number(m[1]), maxWait: Number(m[2]) };
}

/** When the server's debouncer fires for each edit sent at `times`: the same rule as debounce.ts. */
export function debounceFires(times, { delay, maxWait }) {
  const fires = new Array(times.length);
  let batch = [];
  let first = 0;
  let fire = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (batch.length && t >= fire) {
      for (const j of batch) fires[j] = fire;
      batch = [];
    }
    if (!batch.length) {
      first = t;
      fire = t + delay;
    } else fire = Math.min(t + delay, first + maxWait);
    batch.push(i);
  }
  for (const j of batch) fires[j] = fire;
  return fires;
}

const sleep = (msDelay) => new Promise((r) => setTimeout(r, msDelay));

/** Types into one file: the raw and after-debounce latencies of isolated and continuous keystrokes. */
async function typeInto(files, rel, languageId, debounce) {
  const server = await startServer(files);
  const uri = server.uriOf(rel);
  try {
    const first = server.nextPublish(uri);
    await server.open(rel, languageId);
    const opened = await first;
    const spot = typingSpot(files[rel], opened.params.diagnostics);
    if (!spot) throw new Error(`${rel}: no warning after a \`let\` name to type in front of`);
    // Every publication with the number of keystrokes it shows.
    const shown = [];
    server.onPublish((p, at) => {
      if (p.uri !== uri) return;
      const n = keystrokesShown(spot, p);
      if (n !== undefined) shown.push({ n, at });
    });
    const waitFor = (n) =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const poll = () => {
          const hit = shown.find((s) => s.n >= n);
          if (hit) resolve(hit.at);
          else if (performance.now() - started > WAIT_MS)
            reject(new Error(`${rel}: keystroke ${n} not shown after ${WAIT_MS} ms`));
          else setTimeout(poll, 2);
        };
        poll();
      });
    let typed = 0;
    let version = 1;
    const key = () =>
      server.insert(rel, ++version, spot.line, spot.character + typed++, 'x').then(() => performance.now());

    // Isolated: each keystroke waits for its result, then a pause.
    const isolated = [];
    for (let i = 0; i < ISOLATED; i++) {
      const sent = performance.now();
      await key();
      isolated.push((await waitFor(typed)) - sent);
      await sleep(100);
    }
    // Continuous: a keystroke every 30 ms; each timed to the first publication that shows it.
    const base = typed;
    const sentAt = [];
    for (let i = 0; i < CONTINUOUS; i++) {
      sentAt.push(performance.now());
      await key();
      await sleep(TYPING_INTERVAL_MS);
    }
    await waitFor(typed);
    const continuous = sentAt.map((t, i) => shown.find((s) => s.n >= base + i + 1 && s.at >= t).at - t);
    const fires = debounceFires(sentAt, debounce);
    const continuousAfter = sentAt.map((t, i) => continuous[i] - (fires[i] - t));
    return {
      isolated,
      isolatedAfter: isolated.map((x) => x - debounce.delay),
      continuous,
      continuousAfter,
      publishedWhileTyping: shown.filter((s) => s.n > base && s.at >= sentAt[0] && s.at < sentAt.at(-1))
        .length,
      peakRssMb: server.peakRssMb(),
    };
  } finally {
    await server.close();
  }
}

export async function keystrokeSection(figures) {
  const debounce = serverDebounce();
  const { createRustParser } = serverModule('languages/rust/parser-loader');
  const { parseMotoko } = serverModule('languages/motoko/parser');
  const rustParser = await createRustParser();
  const parse = (languageId, text) =>
    languageId === 'rust' ? rustParser.parse(text).delete() : parseMotoko(text);
  console.log(
    `server debounce: ${debounce.delay} ms after the last edit, at most ${debounce.maxWait} ms after the first`,
  );
  const crate = rustCrate('/crate', 200);
  const cases = [
    {
      name: '2k-line Rust file',
      files: { 'Cargo.toml': '[package]\nname = "bench"\n', 'src/lib.rs': rustFile(2000) },
      rel: 'src/lib.rs',
      languageId: 'rust',
    },
    {
      name: '200-file Rust crate',
      files: Object.fromEntries([
        ['Cargo.toml', '[package]\nname = "bench"\n'],
        ...crate.map((f) => [f.path.slice('/crate/'.length), f.text]),
      ]),
      rel: 'src/m0.rs',
      languageId: 'rust',
    },
    {
      name: '2k-line Motoko actor',
      files: { 'Main.mo': motokoActor(2000) },
      rel: 'Main.mo',
      languageId: 'motoko',
    },
  ];
  // BENCH_KEYSTROKE_CASE=crate runs only the cases whose name contains it (to profile one).
  const pick = process.env.BENCH_KEYSTROKE_CASE;
  for (const c of cases.filter((k) => !pick || k.name.includes(pick))) {
    let r;
    try {
      r = await typeInto(c.files, c.rel, c.languageId, debounce);
    } catch (err) {
      figures.add({ figure: `keystroke → diagnostics, ${c.name}`, value: `failed: ${err.message}` });
      continue;
    }
    const both = (xs) => `${ms(median(xs))} / ${ms(p95(xs))}`;
    // The least an editor must redo per keystroke: parse the edited file (ratios are p95 after the debounce to it).
    const parseMs = await timeMedian(() => parse(c.languageId, c.files[c.rel]), 7);
    const sources = Object.entries(c.files).filter(([rel]) => /\.(rs|mo)$/.test(rel));
    const parseAll =
      sources.length > 1
        ? `, of all ${sources.length} files ${ms(await timeMedian(() => sources.forEach(([, t]) => parse(c.languageId, t)), 3))}`
        : '';
    figures.add({
      figure: `keystroke → diagnostics, ${c.name}, isolated edits: after the debounce, median / p95`,
      value: both(r.isolatedAfter),
      baseline: `raw ${both(r.isolated)}; parse of the edited file ${ms(parseMs)}${parseAll}`,
      ratio: ratio(p95(r.isolatedAfter), parseMs),
      target: '≤ 100 ms p95',
      met: p95(r.isolatedAfter) <= 100,
    });
    figures.add({
      figure: `keystroke → diagnostics, ${c.name}, typing every ${TYPING_INTERVAL_MS} ms: after the debounce, median / p95`,
      value: both(r.continuousAfter),
      baseline: `raw ${both(r.continuous)}; ${r.publishedWhileTyping} publications during ${CONTINUOUS} keystrokes; server peak RSS ${mb(r.peakRssMb)}`,
      ratio: ratio(p95(r.continuousAfter), parseMs),
      target: '≤ 100 ms p95',
      met: p95(r.continuousAfter) <= 100,
    });
  }
}
