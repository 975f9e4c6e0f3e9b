// `check` on the development corpus (accuracy/corpus.json, checked out under CORPUS_ROOT): one CLI run per
// project in a child process (wall time, peak memory), against the raw parse of the same files in this process.
// The analysis cannot be timed per file from outside, so the worst ratio is per project.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCorpus, locateProjects } from '../corpus/manifest.mjs';
import { runMeasured } from './child-run.mjs';
import { repoRoot, serverModule } from './paths.mjs';
import { mb, ms, ratio } from './stats.mjs';
import { lineCount } from './generate-rust.mjs';

const PROJECT_TIMEOUT_MS = 600_000;

export async function corpusSection(figures, { enabled }) {
  const root = process.env.CORPUS_ROOT;
  if (!enabled || !root) {
    const why = !root
      ? 'CORPUS_ROOT is not set (see the README: Development corpus)'
      : 'run `npm run bench -- --corpus` to include it (several minutes)';
    console.log(`skipped: ${why}`);
    figures.add({ figure: 'development corpus `check`', value: `skipped: ${why}` });
    return;
  }
  const { collectSources } = serverModule('workspace/collect');
  const { createRustParser } = serverModule('languages/rust/parser-loader');
  const { parseMotoko } = serverModule('languages/motoko/parser');
  const parser = await createRustParser();
  const { present, problems } = locateProjects(root, loadCorpus().projects);
  for (const p of problems) console.log(`  not measured: ${p}`);
  const cli = join(repoRoot, 'dist', 'cli.js');
  // Node and the bundle loading are in every run; the per-project ratio leaves them out (small projects).
  const tinyDir = mkdtempSync(join(tmpdir(), 'cp-bench-'));
  const tiny = join(tinyDir, 'Tiny.mo');
  writeFileSync(tiny, 'persistent actor { public func f() : async () {} };\n');
  const startup = (await runMeasured([cli, 'check', tiny, '--format', 'json', '--no-config'])).wallMs;
  rmSync(tinyDir, { recursive: true, force: true });
  console.log(`  CLI startup (check of a one-line actor): ${ms(startup)}`);
  const total = { lines: 0, files: 0, parseMs: 0, wallMs: 0, peakRssMb: 0 };
  let worst;
  let rustLines = 0;
  let rustParseMs = 0;
  for (const { project, dir } of present) {
    const paths = project.paths.map((p) => join(dir, p));
    // The raw parse of the files `check` collects (imports read from elsewhere, e.g. Motoko packages, are not in it).
    const { files } = collectSources(paths);
    let parseMs = 0;
    let lines = 0;
    for (const f of files) {
      let text;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      lines += lineCount(text);
      const t0 = performance.now();
      if (f.endsWith('.rs')) parser.parse(text).delete();
      else parseMotoko(text);
      parseMs += performance.now() - t0;
    }
    const run = await runMeasured([cli, 'check', ...paths, '--format', 'json', '--no-config'], {
      timeoutMs: PROJECT_TIMEOUT_MS,
    });
    const failed = run.timedOut || (run.code !== 0 && run.code !== 1);
    console.log(
      `  ${project.repo}: ${files.length} files, ${lines.toLocaleString('en-US')} lines: check ${
        failed ? `failed (${run.timedOut ? 'timed out' : `exit ${run.code}`})` : ms(run.wallMs)
      }, peak ${mb(run.peakRssMb)}; raw parse ${ms(parseMs)} (${ratio(run.wallMs - startup, parseMs)} without startup)`,
    );
    if (project.language === 'rust') {
      rustLines += lines;
      rustParseMs += parseMs;
    }
    total.lines += lines;
    total.files += files.length;
    total.parseMs += parseMs;
    total.wallMs += run.wallMs;
    total.peakRssMb = Math.max(total.peakRssMb, run.peakRssMb);
    const r = (run.wallMs - startup) / parseMs;
    if (!worst || r > worst.ratio || failed) worst = { repo: project.repo, ratio: r, failed };
  }
  if (!present.length) {
    figures.add({
      figure: 'development corpus `check`',
      value: `skipped: nothing checked out under ${root}`,
    });
    return;
  }
  const per500k = (wallMs) => (wallMs / total.lines) * 500_000;
  // The whole corpus in one `check` (issue #10: "checked in one run"), on one thread and on the default threads.
  const allPaths = present.flatMap(({ project, dir }) => project.paths.map((p) => join(dir, p)));
  const threads = availableParallelism();
  for (const jobs of [1, threads]) {
    const run = await runMeasured(
      [cli, 'check', ...allPaths, '--format', 'json', '--no-config', '--jobs', String(jobs)],
      { timeoutMs: PROJECT_TIMEOUT_MS },
    );
    const failed = run.timedOut || (run.code !== 0 && run.code !== 1);
    console.log(
      `  all ${present.length} projects in one run, --jobs ${jobs}: ${failed ? 'failed' : ms(run.wallMs)}, peak ${mb(run.peakRssMb)}`,
    );
    figures.add({
      figure: `development corpus \`check\` in one run, \`--jobs ${jobs}\`${jobs === threads ? ' (the default here)' : ''} (${present.length} projects, ${total.files} files, ${total.lines.toLocaleString('en-US')} lines)`,
      value: failed
        ? 'failed'
        : `${ms(run.wallMs)} = ${ms(per500k(run.wallMs))} per 500k lines; peak RSS ${mb(run.peakRssMb)}`,
      baseline: `raw parse of the same files ${ms(total.parseMs)}`,
      ratio: ratio(run.wallMs, total.parseMs),
      target: '≤ 10 s per 500k lines, ≤ 500 MB',
      met: !failed && per500k(run.wallMs) <= 10_000 && run.peakRssMb <= 500,
    });
  }
  // Issue #7: the Rust part alone (about 260k lines) in under 10 s.
  const rustProjects = present.filter(({ project }) => project.language === 'rust');
  const rustRun = await runMeasured(
    [
      cli,
      'check',
      ...rustProjects.flatMap(({ project, dir }) => project.paths.map((p) => join(dir, p))),
      '--format',
      'json',
      '--no-config',
    ],
    { timeoutMs: PROJECT_TIMEOUT_MS },
  );
  const rustFailed = rustRun.timedOut || (rustRun.code !== 0 && rustRun.code !== 1);
  console.log(
    `  the ${rustProjects.length} Rust projects in one run: ${rustFailed ? 'failed' : ms(rustRun.wallMs)}`,
  );
  figures.add({
    figure: `development corpus, Rust part (${rustProjects.length} projects, ${rustLines.toLocaleString('en-US')} lines) in one run, default threads`,
    value: rustFailed ? 'failed' : ms(rustRun.wallMs),
    baseline: `raw parse of the same files ${ms(rustParseMs)}`,
    ratio: ratio(rustRun.wallMs, rustParseMs),
    target: '< 10 s (issue #7)',
    met: !rustFailed && rustRun.wallMs < 10_000,
  });
  figures.add({
    figure: `development corpus \`check\`, one CLI run per project, summed (start-up and JIT warm-up in each)`,
    value: `${ms(total.wallMs)} = ${ms(per500k(total.wallMs))} per 500k lines`,
    baseline: `raw parse of the same files ${ms(total.parseMs)}`,
    ratio: ratio(total.wallMs, total.parseMs),
  });
  figures.add({
    figure: 'development corpus `check`: peak RSS of the largest project alone',
    value: mb(total.peakRssMb),
    target: '≤ 500 MB',
    met: total.peakRssMb <= 500,
  });
  figures.add({
    figure: `development corpus: worst project, check without CLI startup / raw parse (per file is not measurable from outside)`,
    value: `${worst.repo}`,
    baseline: `CLI startup ${ms(startup)}`,
    ratio: `${worst.ratio.toFixed(1)}×`,
    target: '≤ 10× (per file)',
    met: !worst.failed && worst.ratio <= 10,
  });
}
