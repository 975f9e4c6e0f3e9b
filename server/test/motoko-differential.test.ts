/**
 * Differential tests: our Motoko parser against the official one (npm `motoko`) on every file of the core and
 * base libraries and on generated async-dense files. Both must agree on top-level declarations (and the fields
 * of top-level actors/modules/classes), functions (name, sort, line) and awaits (line, column, kind).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMotoko } from '../src/languages/motoko/parser';
import { repoRoot } from './helpers/paths';
import {
  GENERATED,
  SNIPPETS,
  generateLargeFile,
  libraryFiles,
  type SourceFile,
} from './helpers/motoko-corpus';
import {
  loadOfficialParser,
  summarizeOfficial,
  summarizeOurs,
  type Summary,
} from './helpers/motoko-official';

const official = loadOfficialParser();

/** Sorted by line (then text), so desugaring order differences do not matter. */
function normalise(list: string[]): string[] {
  const key = (s: string): number => {
    const m = /@(\d+)(?::(\d+))?$/.exec(s);
    return m ? Number(m[1]) * 100000 + Number(m[2] ?? 0) : 0;
  };
  return [...list].sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function compareFile(file: SourceFile): void {
  const ours = parseMotoko(file.text);
  assert.deepEqual(
    ours.errors.map((e) => `${e.message} at ${e.start}`),
    [],
    `${file.name}: our parser reports errors`,
  );
  const expected: Summary = summarizeOfficial(official(file.text), file.text);
  const actual = summarizeOurs(ours.program, file.text);
  assert.deepEqual(normalise(actual.decls), normalise(expected.decls), `${file.name}: declarations differ`);
  assert.deepEqual(normalise(actual.funcs), normalise(expected.funcs), `${file.name}: functions differ`);
  assert.deepEqual(normalise(actual.awaits), normalise(expected.awaits), `${file.name}: awaits differ`);
  assert.deepEqual(
    normalise(actual.nodes),
    normalise(expected.nodes),
    `${file.name}: calls/assignments/control differ`,
  );
}

const libs = libraryFiles(repoRoot);

test('the library corpus is there (core and base)', () => {
  assert.ok(libs.filter((f) => f.name.startsWith('core/')).length >= 50);
  assert.ok(libs.filter((f) => f.name.startsWith('base/')).length >= 40);
});

for (const file of libs) {
  test(`same as the official parser: ${file.name}`, () => compareFile(file));
}

for (const file of GENERATED) {
  test(`same as the official parser: ${file.name}`, () => {
    compareFile(file);
    // The generated files exist for their awaits: make sure there are some to compare.
    const s = summarizeOurs(parseMotoko(file.text).program, file.text);
    assert.ok(s.funcs.length > 0);
  });
}

for (const file of SNIPPETS) {
  test(`same as the official parser: ${file.name}`, () => compareFile(file));
}

test('same as the official parser: generated 600-line actor', () => {
  compareFile({ name: 'generated/large.mo', text: generateLargeFile(600) });
});

test('the comparison detects a difference (a misplaced await)', () => {
  const text = 'actor { func f() : async () { await g(); await* h() } }';
  const expected = summarizeOfficial(official(text), text);
  const ours = summarizeOurs(parseMotoko(text.replace('await g()', 'ignore g()')).program, text);
  assert.notDeepEqual(normalise(ours.awaits), normalise(expected.awaits));
  assert.deepEqual(expected.awaits, ['await @1:30', 'await* @1:41']);
  // The synthetic await the compiler wraps around an actor is not reported.
  assert.ok(!expected.awaits.some((a) => a.endsWith('@1:0')));
});

test('accepts and rejects like the official parser: operator spacing, keywords, literals', () => {
  const cases = [
    'let x = 1 /* a\n b */ < 2;',
    'let x = 1 </* a */2;',
    'let x = 1 < 2; let y = 1< 2;',
    'let y = 1 <2;',
    'let y = 1 >2;',
    'let y = 1 >>2;',
    'let y = 1>> 2;',
    'let y = 1 > 2 and 3 >= 4;',
    'let prim = 1; let newtype = 2;',
    'let weak = 1;',
    'let include = 1;',
    'let composite = 1;',
    'func f() { x := 1 }',
    'func f() { let x = ; }',
    'actor { public func f() : async () { await g() } }',
    'actor { public func f() : async () { await } }',
    'let t = "unclosed;',
    "let c = '';",
    'let x = { a = 1; b };',
    'let x = { a = 1 b = 2 };',
    'type T = { #a; #b : Nat };',
    'type T = { #a; b : Nat };',
  ];
  for (const text of cases) {
    let officialOk = true;
    try {
      official(text);
    } catch {
      officialOk = false;
    }
    const oursOk = parseMotoko(text).errors.length === 0;
    assert.equal(
      oursOk,
      officialOk,
      `${JSON.stringify(text)}: official ${officialOk ? 'accepts' : 'rejects'} it`,
    );
  }
});
