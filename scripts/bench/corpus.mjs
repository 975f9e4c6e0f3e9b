// `check` on the development corpus (accuracy/corpus.json, checked out under CORPUS_ROOT): one CLI run per
// project in a child process (wall time, peak memory), against the raw parse of the same files in this process.
// The analysis cannot be timed per file from outside, so the worst ratio is per project.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const per500k = (total.wallMs / total.lines) * 500_000;
  figures.add({
    figure: `development corpus \`check\` (${present.length} projects, ${total.files} files, ${total.lines.toLocaleString('en-US')} lines; one CLI run per project, summed)`,
    value: `${ms(total.wallMs)} = ${ms(per500k)} per 500k lines; ${Math.round((total.lines / total.wallMs) * 1000).toLocaleString('en-US')} lines/s`,
    baseline: `raw parse of the same files ${ms(total.parseMs)}`,
    ratio: ratio(total.wallMs, total.parseMs),
    target: '≤ 10 s per 500k lines',
    met: per500k <= 10_000,
  });
  figures.add({
    figure: 'development corpus `check`: peak RSS (largest project)',
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
