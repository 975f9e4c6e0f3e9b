/**
 * The language server's Motoko parse cache: one parse result serves many analyses, which is only right if the
 * frontend never changes an AST. Every Motoko example and fixture is analysed from deep-frozen ASTs (strict
 * mode: a write would throw) and must give what a fresh parse gives; an unchanged import is not parsed again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeMotokoFiles } from '../src/languages/motoko';
import { parseMotoko, type ParseResult } from '../src/languages/motoko/parser';
import { analyzeSources } from '../src/workspace/analyze';
import { MotokoParseCache } from '../src/workspace/motoko-parse-cache';
import { caseFiles } from './helpers/annotations';
import { fixturesDir, repoRoot } from './helpers/paths';

function deepFreeze<T>(v: T, seen = new Set<unknown>()): T {
  if (typeof v !== 'object' || v === null || seen.has(v)) return v;
  seen.add(v);
  // An explicit stack would be needed for 10,000-deep ASTs; the fixtures nest a few dozen levels.
  for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k], seen);
  return Object.freeze(v);
}

test('the Motoko frontend never changes an AST, so a cached parse gives the same model', () => {
  const files = [...caseFiles(join(repoRoot, 'examples')), ...caseFiles(fixturesDir)].filter((f) =>
    f.endsWith('.mo'),
  );
  assert.ok(files.length > 20);
  const frozen = (_abs: string, text: string): ParseResult => deepFreeze(parseMotoko(text));
  for (const path of files) {
    const src = [{ path, text: readFileSync(path, 'utf8') }];
    const fresh = analyzeMotokoFiles(src);
    const cached = analyzeMotokoFiles(src, { parse: frozen });
    assert.equal(cached[0].skipped, undefined, `${path}: ${cached[0].skipped}`);
    assert.deepEqual(cached, fresh, path);
  }
});

test('an edit in an actor re-parses the actor, not the module it imports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-mo-cache-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'Util.mo'), 'module { public func double(x : Nat) : Nat { x * 2 } };\n');
  const actor = (n: number) => `${'\n'.repeat(n)}import Util "Util";
actor {
  var total : Nat = 0;
  public func add(x : Nat) : async () { total += Util.double(x) };
};
`;
  const main = join(dir, 'src', 'main.mo');
  const cache = new MotokoParseCache();
  await analyzeSources([{ path: main, text: actor(0) }], { motokoParses: cache });
  assert.deepEqual(cache.stats, { parsed: 2, reused: 0 });
  const edited = await analyzeSources([{ path: main, text: actor(1) }], { motokoParses: cache });
  assert.deepEqual(cache.stats, { parsed: 3, reused: 1 });
  assert.deepEqual(edited, await analyzeSources([{ path: main, text: actor(1) }]));
});
