/** The project file `commit-points.toml`: parsing, validation messages, lookup, and the path and state matchers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathMatcher, stateMatcher } from '../src/config/apply-config';
import { ConfigCache, findConfigFile } from '../src/config/find-config';
import { ConfigError, defaultConfig, parseProjectConfig } from '../src/config/project-config';
import { defaultSettings, readSettings } from '../src/lsp/settings';

const FILE = '/p/commit-points.toml';

function problems(text: string): string[] {
  try {
    parseProjectConfig(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected the file to be rejected');
}

test('a complete project file is read into the configuration', () => {
  const c = parseProjectConfig(
    `[rules]
check-then-act = "error"
unbounded-wait-call = "off"
unused-suppression = "warning"

[ignore]
paths = ["tests/", "src/generated/*.rs"]
state = ["LOGGER", "STATE.metrics", "*_LOG"]

[rust]
call-functions = ["my_crate::ledger::*"]
entry-attributes = { guarded_update = "update", "my_macros::cached_query" = "query" }
`,
    FILE,
  );
  assert.equal(c.file, FILE);
  assert.equal(c.dir, '/p');
  assert.deepEqual(c.rules, {
    'check-then-act': 'error',
    'unbounded-wait-call': 'off',
    'unused-suppression': 'warning',
  });
  assert.deepEqual(c.ignorePaths, ['tests/', 'src/generated/*.rs']);
  assert.deepEqual(c.ignoreState, ['LOGGER', 'STATE.metrics', '*_LOG']);
  assert.deepEqual(c.callFunctions, ['my_crate::ledger::*']);
  assert.deepEqual(c.entryAttributes, { guarded_update: 'update', cached_query: 'query' });
});

test('an empty project file is the defaults', () => {
  const c = parseProjectConfig('# nothing configured yet\n', FILE);
  assert.deepEqual({ ...c, file: undefined }, { ...defaultConfig('/p'), file: undefined });
});

test('unknown keys are reported with their line and a suggestion', () => {
  assert.deepEqual(problems('[rules]\n\n[ignores]\npaths = []\n'), [
    `${FILE}:3: unknown key \`ignores\` at the top level (expected \`rules\`, \`ignore\`, \`rust\`; did you mean \`ignore\`?)`,
  ]);
  assert.deepEqual(problems('[ignore]\npath = ["x"]\n'), [
    `${FILE}:2: unknown key \`path\` in [ignore] (expected \`paths\`, \`state\`; did you mean \`paths\`?)`,
  ]);
});

test('unknown rule ids are reported, with the nearest id when it is a likely typo', () => {
  const p = problems('[rules]\ncheck-then-akt = "off"\nno-such-thing = "off"\n');
  assert.deepEqual(p, [
    `${FILE}:2: unknown rule \`check-then-akt\` in [rules] (did you mean \`check-then-act\`?)`,
    `${FILE}:3: unknown rule \`no-such-thing\` in [rules]`,
  ]);
});

test('wrong types and values say what was expected, and every problem is listed', () => {
  const p = problems(
    `rules = 3
[ignore]
paths = "tests/**"
state = ["LOGGER", 7, "a b"]
[rust]
entry-attributes = { my_update = "updat" }
`,
  );
  assert.equal(p.length, 4, p.join('\n'));
  assert.match(p[0], /:1: `rules` must be a table \(`\[rules\]`\), not a number$/);
  assert.match(p[1], /:3: ignore\.paths must be an array of strings, not a string$/);
  assert.match(p[2], /:4: ignore\.state must be an array of non-empty strings; found a number$/);
  assert.match(p[3], /:6: rust\.entry-attributes\.my_update must be one of `update`, `query`.*not "updat"$/);
  assert.match(
    problems('[rules]\ncheck-then-act = "loud"\n')[0],
    /:2: rules\.check-then-act must be one of `error`, `warning`, `info`, `off`, not "loud"/,
  );
  assert.match(problems('[ignore]\nstate = ["a b"]\n')[0], /`a b` is not a state name/);
});

test('a TOML syntax error gives the line and column', () => {
  const [p] = problems('[rules]\ncheck-then-act = \n');
  assert.match(p, /^\/p\/commit-points\.toml:2:\d+: not valid TOML: /);
});

test('the project file is the nearest one above, and the search stops at the repository root', () => {
  const root = mkdtempSync(join(tmpdir(), 'cp-config-'));
  mkdirSync(join(root, 'repo', '.git'), { recursive: true });
  mkdirSync(join(root, 'repo', 'canisters', 'bank', 'src'), { recursive: true });
  writeFileSync(join(root, 'commit-points.toml'), '');
  const deep = join(root, 'repo', 'canisters', 'bank', 'src');
  assert.equal(findConfigFile(deep), undefined, 'a file above the repository root does not apply');
  writeFileSync(join(root, 'repo', 'commit-points.toml'), '[rules]\n');
  assert.equal(findConfigFile(deep), join(root, 'repo', 'commit-points.toml'));
  writeFileSync(join(root, 'repo', 'canisters', 'commit-points.toml'), '');
  assert.equal(findConfigFile(deep), join(root, 'repo', 'canisters', 'commit-points.toml'));
});

test('the server cache re-reads a changed project file and reports an invalid one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-config-'));
  mkdirSync(join(dir, '.git'));
  const file = join(dir, 'commit-points.toml');
  writeFileSync(file, '[rules]\ncheck-then-act = "off"\n');
  const cache = new ConfigCache();
  assert.equal(cache.configFor(join(dir, 'main.mo')).rules['check-then-act'], 'off');
  writeFileSync(file, '[rules]\ncheck-then-act = "error"\n# longer, so the size and time differ\n');
  assert.equal(cache.configFor(join(dir, 'main.mo')).rules['check-then-act'], 'error');
  writeFileSync(file, '[rulez]\n');
  assert.throws(() => cache.configFor(join(dir, 'main.mo')), ConfigError);
});

test('ignored state matches a root with its fields, one field, or a glob', () => {
  const ignored = stateMatcher(['LOGGER', 'STATE.metrics', '*_LOG']);
  assert.ok(ignored('LOGGER'));
  assert.ok(ignored('LOGGER.entries'));
  assert.ok(ignored('STATE.metrics'));
  assert.ok(ignored('EVENT_LOG'));
  assert.ok(!ignored('STATE'));
  assert.ok(!ignored('STATE.balances'));
  assert.ok(!ignored('LOGGERS'));
  assert.ok(!ignored('balance'));
});

test('ignored paths are .gitignore patterns relative to the project file, and a folder covers its files', () => {
  const config = { ...defaultConfig('/p'), ignorePaths: ['tests/', 'src/generated/*.rs', '*.test.mo'] };
  const ignored = pathMatcher(config);
  assert.ok(ignored('/p/tests/unit/a.mo'));
  assert.ok(ignored('/p/src/generated/client.rs'));
  assert.ok(ignored('/p/canisters/x/main.test.mo'));
  assert.ok(!ignored('/p/src/lib.rs'));
  assert.ok(!ignored('/p/src/generated/deeper/x.rs'));
  assert.ok(!ignored('/elsewhere/tests/a.mo'), 'files outside the project are never matched');
});

test('editor settings: hints, lenses and info diagnostics default to on and read booleans only', () => {
  assert.deepEqual(readSettings(null), defaultSettings);
  const s = readSettings({
    inlayHints: { enabled: false },
    codeLens: { enabled: 'no' },
    diagnostics: { showInfo: false },
    rust: { extraCallFunctions: ['a::b', 3] },
  });
  assert.deepEqual(
    [s.inlayHints, s.codeLens, s.infoDiagnostics, s.extraCallFunctions],
    [false, true, false, ['a::b']],
  );
});
