// Turns git snapshots that are already on this machine (bare git directories, e.g. what a fetch left) into the
// work trees `npm run corpus` and `npm run accuracy` read: CORPUS_ROOT/<owner>+<name>/ at the commit recorded
// in accuracy/corpus.json. It fetches nothing. Blobs a snapshot lacks (large files) are skipped and listed.
//
//   node scripts/corpus-checkout.mjs --mirrors DIR [--root CORPUS_ROOT]
//
// DIR holds one git directory per repository, as DIR/<owner>+<name>/repo or DIR/<owner>+<name>.git.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { corpusRoot, loadCorpus, projectDir } from './corpus/manifest.mjs';

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const mirrors = option('--mirrors');
if (!mirrors) {
  console.error('usage: node scripts/corpus-checkout.mjs --mirrors DIR [--root CORPUS_ROOT]');
  process.exit(2);
}
const root = option('--root') ?? corpusRoot({ required: true });

/** Lists the tree of `commit` and streams every blob out of one `git cat-file --batch`. */
async function materialise(gitDir, commit, dest) {
  const ls = spawnSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit], {
    maxBuffer: 1 << 30,
  });
  if (ls.status !== 0) throw new Error(`git ls-tree failed: ${ls.stderr.toString()}`);
  const entries = ls.stdout
    .toString()
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t');
      const [mode, type, sha] = meta.split(' ');
      return { mode, type, sha, path };
    })
    .filter((e) => e.type === 'blob' && e.mode !== '120000');
  const missing = [];
  const cat = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let buf = Buffer.alloc(0);
  let index = 0;
  const done = new Promise((resolve, reject) => {
    cat.on('error', reject);
    cat.on('close', resolve);
  });
  cat.stdout.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const header = buf.subarray(0, nl).toString();
      const entry = entries[index];
      if (header.endsWith(' missing')) {
        missing.push(entry.path);
        buf = buf.subarray(nl + 1);
        index++;
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (buf.length < nl + 1 + size + 1) return;
      const file = join(dest, entry.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, buf.subarray(nl + 1, nl + 1 + size));
      buf = buf.subarray(nl + 1 + size + 1);
      index++;
    }
  });
  cat.stdin.end(entries.map((e) => e.sha).join('\n') + '\n');
  await done;
  return { files: entries.length - missing.length, missing };
}

const corpus = loadCorpus();
for (const project of [...corpus.projects, corpus.oracle]) {
  const key = project.repo.replace('/', '+');
  const gitDir = [join(mirrors, key, 'repo'), join(mirrors, `${key}.git`), join(mirrors, key)].find((d) =>
    existsSync(join(d, 'HEAD')),
  );
  if (!gitDir) {
    console.log(`${project.repo}: no git directory under ${mirrors}; fetch it first`);
    continue;
  }
  const dest = projectDir(root, project);
  if (existsSync(join(dest, '.corpus-commit'))) {
    console.log(`${project.repo}: already checked out in ${dest}`);
    continue;
  }
  const { files, missing } = await materialise(gitDir, project.commit, dest);
  writeFileSync(join(dest, '.corpus-commit'), project.commit + '\n');
  console.log(
    `${project.repo}@${project.commit.slice(0, 10)}: ${files} files` +
      (missing.length
        ? `, ${missing.length} missing in the snapshot (${missing.slice(0, 3).join(', ')}…)`
        : ''),
  );
}
