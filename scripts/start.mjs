// `npm start`: builds if needed, then runs `commit-points check examples` so a newcomer sees real findings.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-needed'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
const args = process.argv.slice(2);
const check = spawnSync(
  process.execPath,
  [join(root, 'dist', 'cli.js'), 'check', ...(args.length ? args : ['examples', '--min-severity', 'info'])],
  { stdio: 'inherit', cwd: root },
);
// Findings are the point of the demo: exit 1 ("findings") is success here; 2 is a real error.
process.exit(check.status === 1 ? 0 : (check.status ?? 1));
