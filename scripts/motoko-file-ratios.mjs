// Per-file cost of the Motoko analysis against parsing: for every Motoko file of the corpus's Motoko projects,
// analyses that file alone as `commit-points check FILE` does (its imports read and parsed too) and compares the
// whole analysis time with the time spent parsing (the file and every file it loads). The inlining of `async*`
// bodies must not explode: issue #8 asks for analysis ≤ 10× parse on every file.
//
// The analysis is the pipeline of `analyzeSources` for one Motoko file (frontend, model analysis, rules) with the
// file and its imports already in memory: reading files and finding the `mo:` packages is disk work that does
// not depend on the analysis (it is shown apart, as `with disk`, from a run through `analyzePaths`).
//
//   CORPUS_ROOT=… node scripts/motoko-file-ratios.mjs [--only owner/name,…] [--match TEXT] [--top N] [--runs N] [--json FILE]
//
// --match keeps the files whose path contains TEXT (to look again at the worst ones with more runs).
//
// Times are this process's CPU time (user + system), not wall time: on a shared machine other processes' load
// would swamp the figures. Each file is analysed --runs times (default 3) after a collection of the heap; the
// fastest parse and the fastest analysis count (the first runs warm up the JIT).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { corpusRoot, loadCorpus, locateProjects, repoRoot } from './corpus/manifest.mjs';
import { buildServer } from './corpus/run.mjs';

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = corpusRoot({ required: true });
const only = option('--only')?.split(',');
const top = Number(option('--top') ?? 15);
const runs = Number(option('--runs') ?? 3);
const jsonOut = option('--json');
const match = option('--match');
if (!process.argv.includes('--no-build')) await buildServer();

const require = createRequire(join(repoRoot, 'out', 'server', 'package.json'));
const { collectSources } = require(join(repoRoot, 'out', 'server', 'src', 'workspace', 'collect.js'));
const { analyzePaths } = require(join(repoRoot, 'out', 'server', 'src', 'workspace', 'analyze.js'));
const { parseMotoko } = require(join(repoRoot, 'out', 'server', 'src', 'languages', 'motoko', 'parser.js'));
const { analyzeMotokoFiles } = require(
  join(repoRoot, 'out', 'server', 'src', 'languages', 'motoko', 'index.js'),
);
const { motokoPackagesFor } = require(join(repoRoot, 'out', 'server', 'src', 'workspace', 'canisters.js'));
const { analyze } = require(join(repoRoot, 'out', 'server', 'src', 'model', 'analysis.js'));
const { runRules } = require(join(repoRoot, 'out', 'server', 'src', 'rules', 'registry.js'));

const projects = loadCorpus().projects.filter(
  (p) => p.language === 'motoko' && (!only || only.includes(p.repo)),
);
const { present, problems } = locateProjects(root, projects);
for (const p of problems) console.error(`motoko-file-ratios: ${p}`);

/** CPU time of this process in milliseconds. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// A collection before each file, so that one run does not pay for the garbage of the previous ones.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

/** A parser that counts the time spent in it and the files it parses. */
function timedParser() {
  const t = {
    ms: 0,
    files: 0,
    parse(_abs, text) {
      const start = cpuMs();
      const r = parseMotoko(text);
      t.ms += cpuMs() - start;
      t.files++;
      return r;
    },
  };
  return t;
}

/** Texts read once from disk, then from memory. */
const texts = new Map();
function readCached(abs) {
  if (!texts.has(abs)) {
    try {
      texts.set(abs, readFileSync(abs, 'utf8'));
    } catch {
      texts.set(abs, undefined);
    }
  }
  return texts.get(abs);
}

/** One in-memory analysis of `file` (as `analyzeSources` runs it): total time and the part spent parsing. */
function measure(file, packages) {
  const parser = timedParser();
  const t0 = cpuMs();
  const models = analyzeMotokoFiles([{ path: file, text: readCached(file) }], {
    packages,
    readFile: readCached,
    parse: parser.parse,
  });
  runRules(analyze(models), () => {});
  return { totalMs: cpuMs() - t0, parseMs: parser.ms, parsed: parser.files };
}

/** The same through `analyzePaths`, disk reads included. */
async function measureWithDisk(file) {
  const t0 = cpuMs();
  await analyzePaths([file], { motokoParses: timedParser() });
  return cpuMs() - t0;
}

const round = (ms) => Math.round(ms * 100) / 100;

/** Measures `row`'s file `n` times more; its figures become the fastest seen so far. */
function measureRow(row, n) {
  collectGarbage();
  for (let r = 0; r < n; r++) {
    const m = measure(row.file, row.packages);
    row.best.totalMs = Math.min(row.best.totalMs, m.totalMs);
    row.best.parseMs = Math.min(row.best.parseMs, m.parseMs);
    row.filesParsed = m.parsed;
  }
  row.parseMs = round(row.best.parseMs);
  row.totalMs = round(row.best.totalMs);
  row.ratio = row.best.parseMs > 0 ? round(row.best.totalMs / row.best.parseMs) : 0;
}

const rows = [];
for (const { project, dir } of present) {
  const { files } = collectSources(project.paths.map((s) => join(dir, s)));
  const motoko = files.filter((f) => f.endsWith('.mo') && (!match || f.includes(match)));
  const started = performance.now();
  for (const file of motoko) {
    const packages = motokoPackagesFor(file);
    collectGarbage();
    const withDisk = await measureWithDisk(file);
    const row = {
      repo: project.repo,
      path: relative(dir, file).split(sep).join('/'),
      file,
      packages,
      best: { totalMs: Infinity, parseMs: Infinity },
      withDiskMs: round(withDisk),
    };
    measureRow(row, runs);
    rows.push(row);
  }
  process.stderr.write(
    `motoko-file-ratios: ${project.repo}: ${motoko.length} files, ${Math.round(performance.now() - started)} ms\n`,
  );
}
// A second, longer look at the worst files, now that every code path is compiled: one slow run among few
// (another process took the core, a collection) must not make a file look worse than it is.
rows.sort((a, b) => b.ratio - a.ratio);
for (const row of rows.slice(0, top)) measureRow(row, runs * 5);
for (const row of rows) {
  delete row.file;
  delete row.packages;
  delete row.best;
}

rows.sort((a, b) => b.ratio - a.ratio);
console.log(
  `| file | files parsed | parse ms | analysis ms | analysis / parse | with disk ms |\n|---|---|---|---|---|---|`,
);
for (const r of rows.slice(0, top))
  console.log(
    `| ${r.repo}:${r.path} | ${r.filesParsed} | ${r.parseMs} | ${r.totalMs} | ${r.ratio}× | ${r.withDiskMs} |`,
  );
const over = rows.filter((r) => r.ratio > 10);
console.log(
  `\n${rows.length} files; worst ratio ${rows[0]?.ratio ?? 0}×; ${over.length} above 10×; ` +
    `slowest analysis ${Math.max(0, ...rows.map((r) => r.totalMs))} ms`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ root, runs, rows }, null, 2) + '\n');
