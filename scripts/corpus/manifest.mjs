// The development corpus as recorded in accuracy/corpus.json, and where its checkouts live (CORPUS_ROOT).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function loadCorpus() {
  return JSON.parse(readFileSync(join(repoRoot, 'accuracy', 'corpus.json'), 'utf8'));
}

export function corpusRoot({ required }) {
  const root = process.env.CORPUS_ROOT;
  if (!root && required) {
    console.error(
      'CORPUS_ROOT is not set. It must name a folder of checkouts, one per repository of accuracy/corpus.json,\n' +
        'as CORPUS_ROOT/<owner>+<name>/ (e.g. CORPUS_ROOT/dfinity+orbit/). Fetch each repository, then run\n' +
        '`node scripts/corpus-checkout.mjs --mirrors DIR` to check out the recorded commits (see README).',
    );
    process.exit(2);
  }
  return root;
}

export function projectDir(root, project) {
  return join(root, project.repo.replace('/', '+'));
}

/** The commit a checkout is at: the marker corpus-checkout writes, or a git work tree's HEAD. */
export function checkoutCommit(dir) {
  const marker = join(dir, '.corpus-commit');
  if (existsSync(marker)) return readFileSync(marker, 'utf8').trim();
  const head = join(dir, '.git', 'HEAD');
  if (!existsSync(head)) return undefined;
  const ref = readFileSync(head, 'utf8').trim();
  if (!ref.startsWith('ref: ')) return ref;
  const refFile = join(dir, '.git', ref.slice(5));
  return existsSync(refFile) ? readFileSync(refFile, 'utf8').trim() : undefined;
}

/**
 * Splits the projects into those checked out at their recorded commit and those missing or at another commit,
 * each with a sentence that says what is wrong.
 */
export function locateProjects(root, projects) {
  const present = [];
  const problems = [];
  for (const project of projects) {
    const dir = projectDir(root, project);
    if (!existsSync(dir)) {
      problems.push(`${project.repo}: missing (expected a checkout at ${dir})`);
      continue;
    }
    const commit = checkoutCommit(dir);
    if (commit && commit !== project.commit) {
      problems.push(
        `${project.repo}: ${dir} is at ${commit.slice(0, 10)}, the corpus records ${project.commit.slice(0, 10)}`,
      );
      continue;
    }
    present.push({ project, dir, commitKnown: commit !== undefined });
  }
  return { present, problems };
}

/** Same spelling as labels use: `owner/name@commit:path`. */
export function refOf(project, path) {
  return `${project.repo}@${project.commit}:${path}`;
}
