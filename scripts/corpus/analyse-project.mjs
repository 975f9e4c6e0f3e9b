// Child process of `npm run corpus` / `npm run accuracy`: analyses one corpus project with the built pipeline
// (out/server) exactly as `commit-points check` would, and prints one JSON object: sizes, parse errors, entry
// points, every await with its kind, every finding, wall time and this process's peak memory.
//
//   node scripts/corpus/analyse-project.mjs DIR PATH…   (PATHs relative to DIR)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from './manifest.mjs';

const require = createRequire(join(repoRoot, 'out', 'server', 'package.json'));
const { collectSources } = require(join(repoRoot, 'out', 'server', 'src', 'workspace', 'collect.js'));
const { analyzePaths } = require(join(repoRoot, 'out', 'server', 'src', 'workspace', 'analyze.js'));

const [dir, ...subs] = process.argv.slice(2);
const rel = (p) => relative(dir, p).split(sep).join('/');
const started = performance.now();
const { files: paths } = collectSources(subs.map((s) => join(dir, s)));
const internalErrors = [];
const result = await analyzePaths(paths, {
  onInternalError: (where, err) => internalErrors.push(`${where}: ${String(err).slice(0, 300)}`),
});
const wallMs = performance.now() - started;

let lines = 0;
for (const p of paths) {
  try {
    const text = readFileSync(p, 'utf8');
    lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  } catch {
    // unreadable files are reported as skipped by the analysis
  }
}

const out = {
  files: result.files.length,
  skipped: result.files.filter((f) => f.skipped).map((f) => ({ path: rel(f.file), reason: f.skipped })),
  lines,
  parseErrors: result.files.reduce((n, f) => n + f.parseErrors.length, 0),
  filesWithParseErrors: result.files.filter((f) => f.parseErrors.length).length,
  entryPoints: result.analysis.entryPoints.length,
  entryPointAwaits: { commit: 0, maybe: 0, none: 0 },
  awaits: [],
  findings: result.findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    path: rel(f.file),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    entryPoint: f.entryPoint,
    state: f.state,
    message: f.message,
    related: f.related.map((r) => ({ path: rel(r.file), line: r.range.start.line + 1, message: r.message })),
  })),
  internalErrors,
  wallMs: Math.round(wallMs),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
};
for (const e of result.analysis.entryPoints)
  for (const cp of e.commitPoints) out.entryPointAwaits[cp.await.commit]++;
for (const f of result.files)
  for (const a of f.awaits)
    out.awaits.push({
      path: rel(f.file),
      line: a.range.start.line + 1,
      column: a.range.start.character + 1,
      keyword: a.keyword,
      kind: a.commit,
      reason: a.reason,
      function: a.functionName,
    });
process.stdout.write(JSON.stringify(out));
