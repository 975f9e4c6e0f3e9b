/**
 * The user's seed cases (SPEC §6) are the bundled examples that `npm start` analyses. Each carries its expected
 * findings (info and above) and every await's kind inline, so the examples document what the tool reports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCase, checkExpectations } from './helpers/annotations';
import { repoRoot } from './helpers/paths';

const cases = ['rust', 'motoko'].flatMap((lang) =>
  readdirSync(join(repoRoot, 'examples', lang)).map((name) => join(repoRoot, 'examples', lang, name)),
);

test('every seed of SPEC §6 is an example', () => {
  const names = cases.map((c) => c.split('/').slice(-2).join('/'));
  for (const seed of [
    'motoko/s1-counter',
    'rust/s2-greet',
    'rust/s5-withdraw-check-after-await',
    'motoko/s6-withdraw-stale-write-back',
  ]) {
    assert.ok(names.includes(seed), `${seed} is missing`);
  }
  assert.equal(cases.length, 16);
});

for (const dir of cases) {
  test(`seed ${dir.split('/').slice(-2).join('/')}`, async () => {
    const { result, texts } = await analyzeCase(dir);
    checkExpectations(texts, result, { checkAwaits: true });
  });
}
