// `npm run accuracy`: scores the current build against the labelled set (accuracy/labels/): await kinds per
// language (confusion matrix, unsound `none`), warning precision per rule and language, recall on the bug set.
// Needs the corpus under CORPUS_ROOT (see README); says what is missing. `--record` adds the figures, with the
// commit, to docs/accuracy.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLabels, warningKey } from './corpus/labels.mjs';
import { corpusRoot, loadCorpus, locateProjects, repoRoot } from './corpus/manifest.mjs';
import { analyseProject, buildServer } from './corpus/run.mjs';

const KINDS = ['commit', 'maybe', 'none'];
const TARGETS = { awaitRight: 0.95, precision: 0.85, recall: 0.8 };

const root = corpusRoot({ required: true });
const corpus = loadCorpus();
const labels = loadLabels();
const byRepo = new Map(corpus.projects.map((p) => [p.repo, p]));

// Every label must point at a corpus project at its recorded commit.
const bad = [];
for (const l of [...labels.awaits, ...labels.warnings, ...labels.bugs]) {
  const p = byRepo.get(l.at.repo);
  if (!p) bad.push(`${l.source}: ${l.ref}: ${l.at.repo} is not in accuracy/corpus.json`);
  else if (p.commit !== l.at.commit) bad.push(`${l.source}: ${l.ref}: the corpus records ${p.commit}`);
}
if (bad.length) {
  console.error(bad.join('\n'));
  process.exit(2);
}

const needed = new Set([...labels.awaits, ...labels.warnings, ...labels.bugs].map((l) => l.at.repo));
const { present, problems } = locateProjects(
  root,
  corpus.projects.filter((p) => needed.has(p.repo)),
);
if (problems.length) {
  console.error(
    `accuracy: the labelled projects must all be checked out under CORPUS_ROOT=${root}:\n` +
      problems.map((p) => `- ${p}`).join('\n'),
  );
  process.exit(2);
}
await buildServer();
const results = new Map();
for (const { project, dir } of present) {
  const r = await analyseProject(dir, project.paths);
  if (r.error) {
    console.error(`accuracy: ${project.repo}: ${r.error}`);
    process.exit(1);
  }
  results.set(project.repo, r);
  process.stderr.write(`accuracy: analysed ${project.repo} (${r.wallMs} ms)\n`);
}
const languageOf = (repo) => byRepo.get(repo).language;
const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');

// --- Await kinds ---------------------------------------------------------------------------------------
function toolKind(label) {
  const { repo, path, line, column } = label.at;
  const onLine = results.get(repo).awaits.filter((a) => a.path === path && a.line === line);
  const hit =
    onLine.find((a) => column !== undefined && Math.abs(a.column - column) <= 1) ??
    (onLine.length === 1 ? onLine[0] : undefined);
  return hit ? hit.kind : 'not reported';
}
const awaitStats = {};
for (const language of ['rust', 'motoko']) {
  const matrix = Object.fromEntries(
    KINDS.map((t) => [t, { commit: 0, maybe: 0, none: 0, 'not reported': 0 }]),
  );
  const s = { labelled: 0, excluded: 0, right: 0, unsound: [], wrong: [], matrix };
  for (const l of labels.awaits.filter((x) => languageOf(x.at.repo) === language)) {
    if (l.truth === 'excluded') {
      s.excluded++;
      continue;
    }
    const got = toolKind(l);
    s.labelled++;
    matrix[l.truth][got]++;
    const right = got === l.truth || (l.staticallyKnown === false && got === 'maybe');
    if (right) s.right++;
    else s.wrong.push({ ref: l.ref, truth: l.truth, got });
    if (got === 'none' && l.truth !== 'none') s.unsound.push(l.ref);
  }
  awaitStats[language] = s;
}

// --- Warnings ------------------------------------------------------------------------------------------
// A finding matches the label at its rule, file, line and entry point with the same state; failing that, one
// whose state overlaps (the finding now names fewer or more states); those are counted as matched by overlap.
const warningLabels = new Map();
const labelsAt = new Map();
for (const l of labels.warnings) {
  warningLabels.set(warningKey(l.at.repo, l.at.path, l.at.line, l.rule, l.entryPoint, l.state), l);
  const at = warningKey(l.at.repo, l.at.path, l.at.line, l.rule, l.entryPoint, []);
  labelsAt.set(at, [...(labelsAt.get(at) ?? []), l]);
}
function labelOf(repo, f) {
  const exact = warningLabels.get(warningKey(repo, f.path, f.line, f.rule, f.entryPoint, f.state));
  if (exact) return { label: exact, overlap: false };
  const near = (labelsAt.get(warningKey(repo, f.path, f.line, f.rule, f.entryPoint, [])) ?? []).find((l) =>
    l.state.some((s) => f.state.includes(s)),
  );
  return near ? { label: near, overlap: true } : undefined;
}
const labelledRepos = new Set(labels.warnings.map((l) => l.at.repo));
const warningStats = {};
for (const language of ['rust', 'motoko']) {
  const perRule = {};
  const seen = new Set();
  const unlabelled = [];
  let overlap = 0;
  const repos = [...labelledRepos].filter((r) => languageOf(r) === language);
  for (const repo of repos)
    for (const f of results.get(repo).findings) {
      if (f.severity !== 'warning') continue;
      const match = labelOf(repo, f);
      const r = (perRule[f.rule] ??= { true: 0, false: 0, unlabelled: 0 });
      if (!match) {
        r.unlabelled++;
        unlabelled.push({
          ref: `${repo}@${byRepo.get(repo).commit}:${f.path}:${f.line}`,
          rule: f.rule,
          entryPoint: f.entryPoint,
          state: f.state,
          message: f.message,
          related: f.related,
        });
      } else {
        seen.add(match.label);
        if (match.overlap) overlap++;
        r[match.label.verdict === 'true' ? 'true' : 'false']++;
      }
    }
  const gone = { true: 0, false: 0 };
  const lost = [];
  for (const l of labels.warnings)
    if (languageOf(l.at.repo) === language && !seen.has(l)) {
      gone[l.verdict === 'true' ? 'true' : 'false']++;
      if (l.verdict === 'true') lost.push(`${l.ref} ${l.rule} (${l.entryPoint}: ${l.state.join(', ')})`);
    }
  warningStats[language] = { repos, perRule, gone, lost, unlabelled, overlap };
}

// --- Recall --------------------------------------------------------------------------------------------
const recallStats = {};
for (const language of ['rust', 'motoko']) {
  const perRule = {};
  const missed = [];
  for (const b of labels.bugs.filter((x) => languageOf(x.at.repo) === language)) {
    const found = results.get(b.at.repo).findings.some(
      (f) =>
        f.rule === b.rule &&
        ((f.path === b.at.path && (f.entryPoint === b.entryPoint || f.line === b.at.line)) ||
          // A finding at a call site that points into the callee, at the bug's line, found it too.
          f.related.some((r) => r.path === b.at.path && r.line === b.at.line)),
    );
    const r = (perRule[b.rule] ??= { bugs: 0, reported: 0 });
    r.bugs++;
    if (found) r.reported++;
    else missed.push(b.ref);
  }
  recallStats[language] = { perRule, missed };
}

// --- Report --------------------------------------------------------------------------------------------
const sum = (obj, f) => Object.values(obj).reduce((n, v) => n + f(v), 0);
let commit = 'unknown';
let dirty = false;
try {
  commit = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], { cwd: repoRoot }).toString().trim();
  dirty =
    execFileSync('git', ['status', '--porcelain', '--', 'server', 'scripts'], { cwd: repoRoot })
      .toString()
      .trim() !== '';
} catch {
  // not a git checkout
}
const date = new Date().toISOString().slice(0, 10);
const lines = [];
const out = (s = '') => lines.push(s);
out(`### ${date} · \`${commit}\`${dirty ? ' (with uncommitted changes)' : ''}`);
out();
out(
  `Labels: ${labels.awaits.length} awaits, ${labels.warnings.length} warnings, ${labels.bugs.length} bugs; ` +
    `targets: await kind right ≥ ${TARGETS.awaitRight * 100}% per language, 0 unsound \`none\`, ` +
    `warning precision ≥ ${TARGETS.precision * 100}% per language, recall ≥ ${TARGETS.recall * 100}%.`,
);
out();
out(
  '| language | awaits labelled (excluded) | kind right | unsound `none` | warnings true / false / unlabelled | precision | bugs reported / labelled | recall |',
);
out('|---|---|---|---|---|---|---|---|');
const summary = {};
for (const language of ['rust', 'motoko']) {
  const a = awaitStats[language];
  const w = warningStats[language];
  const t = sum(w.perRule, (r) => r.true);
  const f = sum(w.perRule, (r) => r.false);
  const u = sum(w.perRule, (r) => r.unlabelled);
  const rc = recallStats[language];
  const bugs = sum(rc.perRule, (r) => r.bugs);
  const rep = sum(rc.perRule, (r) => r.reported);
  summary[language] = {
    right: pct(a.right, a.labelled),
    unsound: a.unsound.length,
    precision: pct(t, t + f),
    recall: pct(rep, bugs),
  };
  out(
    `| ${language} | ${a.labelled} (${a.excluded}) | ${a.right} (${pct(a.right, a.labelled)}) | ${a.unsound.length} | ` +
      `${t} / ${f} / ${u} | ${pct(t, t + f)} | ${rep} / ${bugs} | ${pct(rep, bugs)} |`,
  );
}
for (const language of ['rust', 'motoko']) {
  const a = awaitStats[language];
  out();
  out(`**${language} awaits** (rows: truth; columns: what the tool says)`);
  out();
  out('| truth \\ tool | commit | maybe | none | not reported |');
  out('|---|---|---|---|---|');
  for (const t of KINDS) {
    const m = a.matrix[t];
    out(`| ${t} | ${m.commit} | ${m.maybe} | ${m.none} | ${m['not reported']} |`);
  }
  const w = warningStats[language];
  out();
  out(`**${language} warnings** on ${w.repos.join(', ')}`);
  out();
  out('| rule | true | false | unlabelled | precision |');
  out('|---|---|---|---|---|');
  for (const [rule, r] of Object.entries(w.perRule).sort())
    out(`| ${rule} | ${r.true} | ${r.false} | ${r.unlabelled} | ${pct(r.true, r.true + r.false)} |`);
  out();
  out(
    `Labelled warnings no longer given: ${w.gone.true} true (lost), ${w.gone.false} false (fixed); ` +
      `${w.overlap} matched a label by overlapping state. ` +
      `Bugs reported per rule: ${
        Object.entries(recallStats[language].perRule)
          .map(([rule, r]) => `${rule} ${r.reported}/${r.bugs}`)
          .join(', ') || 'none labelled'
      }.`,
  );
}
const report = lines.join('\n') + '\n';
process.stdout.write(report);
if (process.argv.includes('--verbose'))
  for (const language of ['rust', 'motoko']) {
    console.log(`\n${language}: wrong await kinds`);
    for (const w of awaitStats[language].wrong) console.log(`  ${w.ref}: truth ${w.truth}, tool ${w.got}`);
    console.log(`${language}: bugs not reported`);
    for (const m of recallStats[language].missed) console.log(`  ${m}`);
    console.log(`${language}: true warnings no longer given`);
    for (const m of warningStats[language].lost) console.log(`  ${m}`);
  }
const unlabelledOut = process.argv.indexOf('--unlabelled');
if (unlabelledOut >= 0) {
  // Warnings that match no label, in the input format of the labelling guide, to label and add.
  const all = ['rust', 'motoko'].flatMap((l) => warningStats[l].unlabelled);
  writeFileSync(process.argv[unlabelledOut + 1], JSON.stringify(all, null, 1) + '\n');
}

if (process.argv.includes('--record')) {
  const file = join(repoRoot, 'docs', 'accuracy.md');
  let doc = readFileSync(file, 'utf8');
  const row =
    `| ${date} | \`${commit}\`${dirty ? '+' : ''} | ${summary.rust.right} | ${summary.motoko.right} | ` +
    `${summary.rust.unsound} / ${summary.motoko.unsound} | ${summary.rust.precision} | ${summary.motoko.precision} | ` +
    `${summary.rust.recall} | ${summary.motoko.recall} |`;
  doc = doc.replace('<!-- summary:end -->', `${row}\n<!-- summary:end -->`);
  doc = doc.replace('<!-- runs -->', `<!-- runs -->\n\n${report}`);
  writeFileSync(file, doc);
  console.error('accuracy: recorded in docs/accuracy.md');
}
