// Where the benchmark finds the repository and its built outputs (out/ from `tsc -b`, dist/ from the build).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const requireOut = createRequire(join(repoRoot, 'out', 'server', 'package.json'));

/** A module of the compiled server, e.g. `workspace/analyze`. */
export const serverModule = (rel) => requireOut(join(repoRoot, 'out', 'server', 'src', `${rel}.js`));
