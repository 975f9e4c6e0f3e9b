// `npm run corpus`: runs the analysis over every project of the development corpus (accuracy/corpus.json,
// checked out under CORPUS_ROOT) and prints one row per project plus totals. `--json FILE` also writes the rows
// (with every finding and await) as JSON; `--only owner/name[,…]` restricts the run.
import { writeFileSync } from 'node:fs';
import { corpusRoot, loadCorpus, locateProjects } from './corpus/manifest.mjs';
import { analyseProject, buildServer } from './corpus/run.mjs';

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = corpusRoot({ required: true });
const only = option('--only')?.split(',');
const jsonOut = option('--json');
const projects = loadCorpus().projects.filter((p) => !only || only.includes(p.repo));
const { present, problems } = locateProjects(root, projects);
for (const p of problems) console.error(`corpus: ${p}`);
if (!present.length) {
  console.error(`corpus: nothing to analyse under ${root}`);
  process.exit(2);
}
await buildServer();

const rows = [];
for (const { project, dir } of present) {
  const r = await analyseProject(dir, project.paths);
  rows.push({ repo: project.repo, commit: project.commit, language: project.language, ...r });
  process.stderr.write(`corpus: ${project.repo} ${r.error ? 'failed: ' + r.error : `${r.wallMs} ms`}\n`);
}

const byRule = (r, severity) => {
  const m = {};
  for (const f of r.findings ?? []) if (f.severity === severity) m[f.rule] = (m[f.rule] ?? 0) + 1;
  return m;
};
const ruleText = (m) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';
const total = (m) => Object.values(m).reduce((a, b) => a + b, 0);
const fmt = (n) => n.toLocaleString('en-US');

const header = [
  'project',
  'files',
  'lines',
  'parse errors',
  'entry points',
  'awaits c/m/n (all)',
  'in entry points c/m/n',
  'warnings',
  'infos',
  'ms',
  'peak MB',
];
const table = [header];
const sum = {
  files: 0,
  lines: 0,
  parseErrors: 0,
  entryPoints: 0,
  a: [0, 0, 0],
  e: [0, 0, 0],
  w: 0,
  i: 0,
  ms: 0,
};
let peak = 0;
for (const r of rows) {
  if (r.error) {
    table.push([r.repo, 'error: ' + r.error]);
    continue;
  }
  const a = ['commit', 'maybe', 'none'].map((k) => r.awaits.filter((x) => x.kind === k).length);
  const e = ['commit', 'maybe', 'none'].map((k) => r.entryPointAwaits[k]);
  const w = byRule(r, 'warning');
  const i = byRule(r, 'info');
  table.push([
    r.repo,
    fmt(r.files),
    fmt(r.lines),
    `${r.parseErrors} in ${r.filesWithParseErrors} files`,
    fmt(r.entryPoints),
    a.join(' / '),
    e.join(' / '),
    `${total(w)} (${ruleText(w)})`,
    `${total(i)} (${ruleText(i)})`,
    fmt(r.wallMs),
    fmt(r.peakRssMb),
  ]);
  sum.files += r.files;
  sum.lines += r.lines;
  sum.parseErrors += r.parseErrors;
  sum.entryPoints += r.entryPoints;
  a.forEach((v, k) => (sum.a[k] += v));
  e.forEach((v, k) => (sum.e[k] += v));
  sum.w += total(w);
  sum.i += total(i);
  sum.ms += r.wallMs;
  peak = Math.max(peak, r.peakRssMb);
}
table.push([
  'total',
  fmt(sum.files),
  fmt(sum.lines),
  String(sum.parseErrors),
  fmt(sum.entryPoints),
  sum.a.join(' / '),
  sum.e.join(' / '),
  String(sum.w),
  String(sum.i),
  fmt(sum.ms),
  `max ${fmt(peak)}`,
]);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of table.slice(1)) console.log(`| ${row.join(' | ')} |`);
for (const r of rows) {
  if (r.skipped?.length)
    console.log(
      `\n${r.repo}: ${r.skipped.length} files skipped, e.g. ${r.skipped[0].path}: ${r.skipped[0].reason}`,
    );
  if (r.internalErrors?.length)
    console.log(`\n${r.repo}: internal errors: ${r.internalErrors.slice(0, 3).join('; ')}`);
}
if (problems.length)
  console.log(
    `\nNot measured (missing from CORPUS_ROOT=${root}):\n${problems.map((p) => '- ' + p).join('\n')}`,
  );
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ root, rows }, null, 2) + '\n');
