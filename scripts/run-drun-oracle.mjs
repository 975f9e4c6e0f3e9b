// The run-drun oracle: the Motoko compiler's own replica tests (dfinity/motoko test/run-drun/*.mo, whose
// ok/*.drun-run.ok files are what the real replica printed) run through our Motoko analysis. For every file the
// official parser accepts: ours parses it without error and finds the same awaits; every `await` is `commit`;
// every `await?` is `maybe`; every `await*` has the kind its async* body implies (accuracy/run-drun-await-star.json,
// labelled by reading each body). Exits 1 on any disagreement.
//
//   CORPUS_ROOT=… node scripts/run-drun-oracle.mjs [--verbose]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { corpusRoot, loadCorpus, locateProjects, repoRoot } from './corpus/manifest.mjs';
import { buildServer } from './corpus/run.mjs';

const root = corpusRoot({ required: true });
const { oracle } = loadCorpus();
const { present, problems } = locateProjects(root, [oracle]);
if (problems.length) {
  console.error(`run-drun: ${problems.join('\n')}`);
  process.exit(2);
}
const dir = join(present[0].dir, oracle.path);
if (!existsSync(dir)) {
  console.error(`run-drun: ${dir} is missing`);
  process.exit(2);
}
await buildServer();
const require = createRequire(join(repoRoot, 'out', 'server', 'package.json'));
const out = (p) => join(repoRoot, 'out', 'server', p);
const { loadOfficialParser, summarizeOfficial } = require(out('test/helpers/motoko-official.js'));
const { analyzePaths } = require(out('src/workspace/analyze.js'));

const expectStar = JSON.parse(readFileSync(join(repoRoot, 'accuracy', 'run-drun-await-star.json'), 'utf8'));
const starKind = new Map(expectStar.items.map((i) => [`${i.file}:${i.line}:${i.column}`, i.kind]));
const official = loadOfficialParser();
const verbose = process.argv.includes('--verbose');

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.mo'))
  .sort();
const failures = [];
const counts = {
  files: files.length,
  accepted: 0,
  rejected: 0,
  await: 0,
  'await?': 0,
  'await*': 0,
  replicaOutputs: 0,
};
for (const name of files) {
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  if (existsSync(join(dir, 'ok', name.replace(/\.mo$/, '.drun-run.ok')))) counts.replicaOutputs++;
  let expected;
  try {
    expected = summarizeOfficial(official(text), text).awaits;
  } catch {
    counts.rejected++;
    continue;
  }
  counts.accepted++;
  const result = await analyzePaths([path]);
  const model = result.files.find((f) => f.file === path);
  if (!model || model.skipped) {
    failures.push(`${name}: not analysed (${model?.skipped ?? 'no model'})`);
    continue;
  }
  for (const e of model.parseErrors)
    failures.push(
      `${name}:${e.range.start.line + 1}: parse error the official parser does not give: ${e.message}`,
    );
  const ours = model.awaits.map((a) => `${a.keyword} @${a.range.start.line + 1}:${a.range.start.character}`);
  const missing = expected.filter((a) => !ours.includes(a));
  const extra = ours.filter((a) => !expected.includes(a));
  if (missing.length || extra.length)
    failures.push(
      `${name}: awaits differ from the official parser: missing ${missing.join(', ') || '-'}; extra ${extra.join(', ') || '-'}`,
    );
  for (const a of model.awaits) {
    const at = `${name}:${a.range.start.line + 1}:${a.range.start.character + 1}`;
    counts[a.keyword]++;
    const want = a.keyword === 'await' ? 'commit' : a.keyword === 'await?' ? 'maybe' : starKind.get(at);
    if (!want) failures.push(`${at}: \`await*\` has no expected kind in accuracy/run-drun-await-star.json`);
    else if (a.commit !== want)
      failures.push(`${at}: \`${a.keyword}\` is ${a.commit}, expected ${want} (${a.reason})`);
    else if (verbose) console.log(`${at}: ${a.keyword} ${a.commit}`);
  }
}
console.log(
  `run-drun: ${counts.files} files (${counts.replicaOutputs} with replica output), ${counts.accepted} accepted by the ` +
    `official parser, ${counts.rejected} rejected (negative tests); awaits checked: ${counts.await} await, ` +
    `${counts['await?']} await?, ${counts['await*']} await*; ${failures.length} disagreements`,
);
for (const f of failures) console.log(`  ${f}`);
process.exit(failures.length ? 1 : 0);
