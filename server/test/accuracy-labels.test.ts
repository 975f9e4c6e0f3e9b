/**
 * The labelled set of docs/accuracy.md is well formed and as large as the accuracy issue asks: every drawn await
 * is labelled, per language at least 120 in canister code; every warning label names a rule and a verdict, on
 * at least 4 projects per language and 150 in all; at least 25 bugs; every reference points at a corpus
 * project at its recorded commit. Scoring needs the corpus (`npm run accuracy`); these checks do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../src/rules/registry';
import { repoRoot } from './helpers/paths';

interface Project {
  repo: string;
  commit: string;
  language: 'rust' | 'motoko';
}
interface Item {
  ref: string;
  truth?: string;
  why?: string;
  rule?: string;
  verdict?: string;
  entryPoint?: string;
  state?: string[];
}

const dir = join(repoRoot, 'accuracy', 'labels');
const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const corpus = read<{ projects: Project[] }>(join(repoRoot, 'accuracy', 'corpus.json'));
const byRepo = new Map(corpus.projects.map((p) => [p.repo, p]));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const itemsOf = (prefix: string): Item[] =>
  files.filter((f) => f.startsWith(prefix)).flatMap((f) => read<{ items: Item[] }>(join(dir, f)).items);
const REF = /^([^@]+)@([0-9a-f]{40}):(.+?):(\d+)(?::(\d+))?$/;

function projectOf(ref: string): Project {
  const m = REF.exec(ref);
  assert.ok(m, `malformed reference ${ref}`);
  const p = byRepo.get(m[1]);
  assert.ok(p, `${ref}: not a corpus project`);
  assert.equal(m[2], p.commit, `${ref}: not the corpus commit`);
  return p;
}

test('every drawn await is labelled once, with a kind and a reason', () => {
  const labels = itemsOf('awaits-');
  const byRef = new Map(labels.map((l) => [l.ref, l]));
  assert.equal(byRef.size, labels.length, 'an await is labelled twice');
  for (const language of ['rust', 'motoko']) {
    const sample = read<{ sample: { ref: string }[]; seed: number }>(join(dir, `sample-${language}.json`));
    assert.ok(Number.isInteger(sample.seed));
    for (const s of sample.sample) assert.ok(byRef.has(s.ref), `${s.ref} is drawn but not labelled`);
    const inCode = labels.filter((l) => projectOf(l.ref).language === language && l.truth !== 'excluded');
    assert.ok(inCode.length >= 120, `${language}: ${inCode.length} awaits labelled in canister code`);
  }
  for (const l of labels) {
    assert.ok(['commit', 'maybe', 'none', 'excluded'].includes(l.truth ?? ''), `${l.ref}: truth ${l.truth}`);
    assert.ok(l.why && l.why.length > 10, `${l.ref}: no reason`);
  }
});

test('warning labels cover at least 4 projects per language and 150 warnings', () => {
  const labels = itemsOf('warnings-');
  assert.ok(labels.length >= 150, `${labels.length} warnings labelled`);
  const ids = new Set(rules.map((r) => r.meta.id));
  for (const language of ['rust', 'motoko']) {
    const repos = new Set(labels.map((l) => projectOf(l.ref)).filter((p) => p.language === language));
    assert.ok(repos.size >= 4, `${language}: warnings labelled on ${repos.size} projects`);
  }
  for (const l of labels) {
    assert.ok(ids.has(l.rule ?? ''), `${l.ref}: unknown rule ${l.rule}`);
    assert.ok(l.verdict === 'true' || l.verdict === 'false', `${l.ref}: verdict ${l.verdict}`);
    assert.ok(l.entryPoint && Array.isArray(l.state), `${l.ref}: entry point and state`);
    assert.ok(l.why && l.why.length > 10, `${l.ref}: no reason`);
  }
});

test('the bug set has at least 25 real bugs of the catalogue, in both languages', () => {
  const bugs = itemsOf('bugs-');
  assert.ok(bugs.length >= 25, `${bugs.length} bugs`);
  const ids = new Set(rules.map((r) => r.meta.id));
  const languages = new Set(bugs.map((b) => projectOf(b.ref).language));
  assert.deepEqual([...languages].sort(), ['motoko', 'rust']);
  for (const b of bugs) {
    assert.ok(ids.has(b.rule ?? ''), `${b.ref}: unknown rule ${b.rule}`);
    assert.ok(b.entryPoint && b.why && b.why.length > 10, `${b.ref}: entry point and reason`);
  }
});
