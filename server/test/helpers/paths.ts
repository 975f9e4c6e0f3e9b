import { join } from 'node:path';

/** The repository root, from the compiled test's location (out/server/test/...). */
export const repoRoot = join(__dirname, '..', '..', '..', '..');
export const fixturesDir = join(repoRoot, 'server', 'test', 'fixtures');
