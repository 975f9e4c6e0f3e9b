/** The user's seed cases (SPEC §6): every finding at info and above and every await's kind, written inline. */
import { test } from 'node:test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCase, checkExpectations } from './helpers/annotations';
import { fixturesDir } from './helpers/paths';

const dir = join(fixturesDir, 'seeds');
for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
  test(`seed ${name}`, async () => {
    const { result, texts } = await analyzeCase(join(dir, name));
    checkExpectations(texts, result, { checkAwaits: true });
  });
}
