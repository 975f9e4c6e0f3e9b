/** Every rule against its fixtures (valid and invalid, both languages), expectations written inline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../src/rules/registry';
import { analyzeCase, checkExpectations, parseExpectations } from './helpers/annotations';
import { fixturesDir, repoRoot } from './helpers/paths';
import { readFileSync } from 'node:fs';

const rulesDir = join(fixturesDir, 'rules');

for (const rule of rules) {
  const dir = join(rulesDir, rule.meta.id);
  const cases = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of cases) {
    test(`${rule.meta.id}: ${name}`, async () => {
      const { result, texts } = await analyzeCase(join(dir, name));
      checkExpectations(texts, result, { ruleFilter: rule.meta.id, checkAwaits: false });
    });
  }
}

test('every registered rule has a doc page and valid and invalid fixtures in each of its languages', () => {
  for (const rule of rules) {
    const id = rule.meta.id;
    assert.ok(existsSync(join(repoRoot, 'docs', 'rules', `${id}.md`)), `docs/rules/${id}.md is missing`);
    const dir = join(rulesDir, id);
    assert.ok(existsSync(dir), `fixtures for ${id} are missing`);
    const names = readdirSync(dir);
    for (const lang of rule.meta.languages) {
      const ext = lang === 'rust' ? '.rs' : '.mo';
      const valid = names.filter((n) => n.startsWith('valid') && n.endsWith(ext));
      const invalid = names.filter((n) => n.startsWith('invalid') && n.endsWith(ext));
      assert.ok(valid.length > 0, `${id} has no valid ${lang} fixture`);
      assert.ok(invalid.length > 0, `${id} has no invalid ${lang} fixture`);
      for (const n of invalid) {
        const exp = parseExpectations(n, readFileSync(join(dir, n), 'utf8')).filter((e) => e.rule === id);
        assert.ok(exp.length > 0, `${id}/${n} is invalid but expects no ${id} finding`);
      }
      for (const n of valid) {
        const exp = parseExpectations(n, readFileSync(join(dir, n), 'utf8')).filter((e) => e.rule === id);
        assert.equal(exp.length, 0, `${id}/${n} is valid but expects a ${id} finding`);
      }
    }
  }
});
