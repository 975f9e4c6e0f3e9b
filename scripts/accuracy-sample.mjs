// Draws the awaits to label: from the lexical census of canister code (scripts/corpus/await-scan.mjs), per
// project a seeded shuffle, then the first PER of each project in round-robin order. Prints the sample as
// JSON (the draw is reproducible: same corpus commits, same seed, same list).
//
//   CORPUS_ROOT=… node scripts/accuracy-sample.mjs --language rust|motoko [--seed N] [--per-project K]
import { projectAwaits } from './corpus/await-scan.mjs';
import { corpusRoot, loadCorpus, locateProjects, refOf } from './corpus/manifest.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** mulberry32: a small seeded generator, so the draw does not depend on Math.random. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const language = option('--language');
const seed = Number(option('--seed', '20261129'));
const per = Number(option('--per-project', '18'));
const root = corpusRoot({ required: true });
const projects = loadCorpus().projects.filter((p) => p.language === language);
const { present, problems } = locateProjects(root, projects);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(2);
}
const random = generator(seed);
const pools = present.map(({ project, dir }) => {
  const all = projectAwaits(project, dir);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return { project, picked: all.slice(0, per), census: all.length };
});
const sample = [];
for (let k = 0; k < per; k++)
  for (const pool of pools)
    if (k < pool.picked.length) {
      const a = pool.picked[k];
      sample.push({ ref: `${refOf(pool.project, a.path)}:${a.line}:${a.column}`, keyword: a.keyword });
    }
process.stdout.write(
  JSON.stringify(
    {
      language,
      seed,
      perProject: per,
      census: Object.fromEntries(pools.map((p) => [p.project.repo, p.census])),
      sample,
    },
    null,
    2,
  ) + '\n',
);
