import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers/paths';

const syntaxesDir = join(repoRoot, 'syntaxes');
const grammarPath = join(syntaxesDir, 'motoko.tmLanguage.json');
const languageConfigPath = join(syntaxesDir, 'motoko.language-configuration.json');
const grammarTestDir = join(syntaxesDir, 'test');

interface LanguageContribution {
  id: string;
  extensions?: string[];
  configuration?: string;
}

interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
}

interface RootPackageJson {
  contributes?: { languages?: LanguageContribution[]; grammars?: GrammarContribution[] };
}

interface AutoClosingPair {
  open: string;
  close: string;
  notIn?: string[];
}

interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: [string, string][];
  autoClosingPairs: AutoClosingPair[];
  surroundingPairs: [string, string][];
  folding: { markers: { start: string; end: string } };
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  wordPattern: string;
}

interface GrammarRule {
  include?: string;
  patterns?: GrammarRule[];
}

interface Grammar {
  scopeName: string;
  patterns: GrammarRule[];
  repository: Record<string, GrammarRule>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The unit-test runner script that `node_modules/.bin/vscode-tmgrammar-test` links to. */
function grammarTestBin(): string {
  const pkgDir = join(repoRoot, 'node_modules', 'vscode-tmgrammar-test');
  const pkg = readJson<{ bin: Record<string, string> }>(join(pkgDir, 'package.json'));
  const script = pkg.bin['vscode-tmgrammar-test'];
  assert.ok(script, 'vscode-tmgrammar-test declares its bin script');
  return join(pkgDir, script);
}

interface RunResult {
  status: number | null;
  output: string;
}

/** Runs vscode-tmgrammar-test in `cwd`; the glob is relative to `cwd` (forward slashes on every OS). */
function runGrammarTests(cwd: string, args: string[]): RunResult {
  const result = spawnSync(process.execPath, [grammarTestBin(), '--compact', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.error, undefined, `failed to spawn vscode-tmgrammar-test: ${String(result.error)}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

void test('Motoko grammar passes every syntaxes/test/*.test.mo assertion file', () => {
  const testFiles = readdirSync(grammarTestDir).filter((f) => f.endsWith('.test.mo'));
  assert.ok(testFiles.length >= 4, `expected grammar test files, found ${testFiles.join(', ')}`);
  // The default configuration is the root package.json, so this also exercises its grammar contribution.
  const { status, output } = runGrammarTests(repoRoot, [
    '--config',
    join(repoRoot, 'package.json'),
    'syntaxes/test/*.test.mo',
  ]);
  assert.equal(status, 0, `vscode-tmgrammar-test failed:\n${output}`);
  for (const file of testFiles) {
    assert.match(output, new RegExp(`${file.replace(/\./g, '\\.')} run successfuly`), output);
  }
});

void test('vscode-tmgrammar-test reports a wrong assertion with a non-zero exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motoko-grammar-'));
  try {
    const header = '// SYNTAX TEST "source.motoko" "deliberate check"';
    // A missing configuration file makes the runner use only the grammar passed with -g.
    const args = ['--config', join(dir, 'no-such-package.json'), '-g', grammarPath];

    writeFileSync(join(dir, 'good.test.mo'), `${header}\nawait x;\n// <----- keyword.control.await.motoko\n`);
    const good = runGrammarTests(dir, [...args, 'good.test.mo']);
    assert.equal(good.status, 0, `control case should pass:\n${good.output}`);

    // `await` outside a comment must not be scoped as a comment.
    writeFileSync(
      join(dir, 'wrong.test.mo'),
      `${header}\nawait x;\n// <----- comment.line.double-slash.motoko\n`,
    );
    const wrong = runGrammarTests(dir, [...args, 'wrong.test.mo']);
    assert.notEqual(wrong.status, 0, `a wrong assertion must fail:\n${wrong.output}`);
    assert.match(
      wrong.output,
      /wrong\.test\.mo:2:.*Missing required scopes.*comment\.line\.double-slash\.motoko/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('Motoko grammar is valid JSON and every #include resolves', () => {
  const grammar = readJson<Grammar>(grammarPath);
  assert.equal(grammar.scopeName, 'source.motoko');
  const missing: string[] = [];
  const visit = (rule: GrammarRule): void => {
    if (rule.include?.startsWith('#') && !(rule.include.slice(1) in grammar.repository)) {
      missing.push(rule.include);
    }
    rule.patterns?.forEach(visit);
  };
  grammar.patterns.forEach(visit);
  Object.values(grammar.repository).forEach(visit);
  assert.deepEqual(missing, []);
});

void test('Motoko language configuration declares comments, pairs, folding and indentation', () => {
  const config = readJson<LanguageConfiguration>(languageConfigPath);
  assert.equal(config.comments.lineComment, '//');
  assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  for (const pair of [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ]) {
    assert.ok(
      config.brackets.some(([o, c]) => o === pair[0] && c === pair[1]),
      `bracket ${pair.join('')}`,
    );
    assert.ok(
      config.surroundingPairs.some(([o, c]) => o === pair[0] && c === pair[1]),
      `surrounding ${pair.join('')}`,
    );
  }
  for (const quote of ['"', "'"]) {
    const pair = config.autoClosingPairs.find((p) => p.open === quote);
    assert.ok(pair, `auto-closing ${quote}`);
    assert.equal(pair.close, quote);
    assert.deepEqual([...(pair.notIn ?? [])].sort(), ['comment', 'string']);
  }

  const start = new RegExp(config.folding.markers.start);
  const end = new RegExp(config.folding.markers.end);
  assert.match('  // #region state', start);
  assert.match('  // #endregion', end);
  assert.doesNotMatch('  // #endregion', start);
  assert.doesNotMatch('let region = 1;', start);

  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  for (const line of ['actor Bank {', '  public func f(', '  let xs = [', '  switch (x) { // note']) {
    assert.match(line, increase, line);
  }
  for (const line of ['  let x = 1;', '  f(x);', '  // {', '  };']) {
    assert.doesNotMatch(line, increase, line);
  }
  assert.match('  };', decrease);
  assert.match(')', decrease);
  assert.doesNotMatch('  x }', decrease);

  const words = (text: string): string[] => text.match(new RegExp(config.wordPattern, 'g')) ?? [];
  assert.deepEqual(words('case (#ok v) await_all(1_000)'), ['case', '#ok', 'v', 'await_all', '1_000']);
  assert.deepEqual(words('a#b'), ['a', 'b']);
});

void test('package.json contributes the Motoko language and grammar from existing files', () => {
  const pkg = readJson<RootPackageJson>(join(repoRoot, 'package.json'));
  const language = pkg.contributes?.languages?.find((l) => l.id === 'motoko');
  assert.ok(language, 'languages entry for motoko');
  assert.ok(language.extensions?.includes('.mo'), '.mo extension');
  assert.ok(language.configuration, 'language configuration path');
  assert.equal(join(repoRoot, language.configuration), languageConfigPath);
  assert.ok(existsSync(languageConfigPath));

  const grammar = pkg.contributes?.grammars?.find((g) => g.language === 'motoko');
  assert.ok(grammar, 'grammars entry for motoko');
  assert.equal(grammar.scopeName, 'source.motoko');
  const path = join(repoRoot, grammar.path);
  assert.equal(path, grammarPath);
  assert.ok(existsSync(path));
  assert.equal(readJson<Grammar>(path).scopeName, grammar.scopeName);
});
