/** `commit-points simulate` end to end on the built CLI (dist/cli.js): the JSON contract, --out, HTML, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulation } from '../src/schedule/types';
import { runCli } from './helpers/cli';
import { repoRoot } from './helpers/paths';

const S1 = 'examples/motoko/s1-counter/main.mo';
const S7 = 'examples/motoko/s7-lock-funds/main.mo';
const keys = (o: object) => Object.keys(o).sort();

function simulateJson(args: string[]): Simulation {
  const r = runCli(['simulate', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Simulation;
}

test('S1: 30 × test under ic and fifo prints the contract with the forum values', () => {
  for (const [policy, expected] of [
    ['ic', (k: number) => [0, k, 30 + k]],
    ['fifo', () => [0, 30, 60]],
  ] as const) {
    const sim = simulateJson([S1, '--entry', 'test:30', '--policy', policy]);
    assert.deepEqual(keys(sim), ['messages', 'policy', 'steps']);
    assert.equal(sim.policy, policy);
    assert.equal(sim.messages.length, 90);
    assert.deepEqual(keys(sim.messages[0]), ['entryPoint', 'id']);
    assert.deepEqual(sim.messages[0], { id: 'test#1', entryPoint: 'test' });
    assert.deepEqual(sim.messages[30], { id: 'foo#1', entryPoint: 'foo' });
    assert.deepEqual(keys(sim.steps[0]), ['entryPoint', 'message', 'reads', 'segment', 'step', 'writes']);
    const values = new Map<string, number[]>();
    sim.steps.forEach((s, i) => {
      if (s.entryPoint !== 'test') return;
      const v = sim.steps.slice(0, i).filter((p) => p.writes.includes('i')).length;
      values.set(s.message, [...(values.get(s.message) ?? []), v]);
    });
    for (let k = 1; k <= 30; k++)
      assert.deepEqual(values.get(`test#${k}`), expected(k), `${policy} test#${k}`);
  }
});

test('the default policy is ic and counts default to 1; entries repeat in the order listed', () => {
  const sim = simulateJson([S7, '--entry', 'withdrawFunds:5,lockFunds:5']);
  assert.equal(sim.policy, 'ic');
  assert.deepEqual(
    sim.messages.map((m) => m.id),
    [
      'withdrawFunds#1',
      'withdrawFunds#2',
      'withdrawFunds#3',
      'withdrawFunds#4',
      'withdrawFunds#5',
      'lockFunds#1',
      'lockFunds#2',
      'lockFunds#3',
      'lockFunds#4',
      'lockFunds#5',
    ],
  );
  const one = simulateJson([S7, '--entry', 'appendText', '--entry=lockFunds:2']);
  assert.deepEqual(
    one.messages.map((m) => m.id),
    ['appendText#1', 'lockFunds#1', 'lockFunds#2'],
  );
});

test('adversarial: the S5 witness in Rust (the crate is analysed) with the witness key', () => {
  const sim = simulateJson([
    'examples/rust/s5-withdraw-check-after-await/src/lib.rs',
    '--entry',
    'withdraw:2',
    '--policy',
    'adversarial',
  ]);
  assert.equal(sim.policy, 'adversarial');
  assert.ok(sim.witness);
  assert.equal(sim.witness.rule, 'check-then-act');
  assert.equal(typeof sim.witness.commitPointLine, 'number');
  assert.match(sim.witness.explanation, /withdraw#1 checks `BALANCE`/);
});

test('--out writes the same output to the file and nothing to stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-sim-'));
  const out = join(dir, 'sim.json');
  const r = runCli(['simulate', S1, '--entry', 'test:2', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(readFileSync(out, 'utf8'), runCli(['simulate', S1, '--entry', 'test:2']).stdout);
});

test('--format html inlines the data and the prebuilt renderer', () => {
  const r = runCli([
    'simulate',
    S7,
    '--entry',
    'lockFunds:1,withdrawFunds:1',
    '--policy',
    'adversarial',
    '--format',
    'html',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const html = r.stdout;
  assert.match(html, /^<!DOCTYPE html>/);
  const m = /<script type="application\/json" id="simulation-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'the data is embedded');
  const json = runCli(['simulate', S7, '--entry', 'lockFunds:1,withdrawFunds:1', '--policy', 'adversarial']);
  assert.deepEqual(JSON.parse(m[1]), JSON.parse(json.stdout));
  const bundle = readFileSync(join(repoRoot, 'dist', 'schedule-page.js'), 'utf8').trim();
  assert.ok(bundle.length > 1000 && html.includes(bundle), 'the renderer bundle is inlined');
  assert.ok(!/src=/.test(html), 'nothing is loaded from elsewhere');
  assert.match(html, /<div id="timeline">/);
});

test('usage and input errors exit 2 with a clear message and write nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-sim-'));
  const out = join(dir, 'never.json');
  const cases: [string[], RegExp][] = [
    [['simulate', S1, '--entry', 'nope', '--out', out], /no entry point `nope` \(available: .*test/],
    [['simulate', 'README.md', '--entry', 'test', '--out', out], /not a \.mo or \.rs file/],
    [['simulate', 'no/such.mo', '--entry', 'test', '--out', out], /does not exist/],
    [['simulate', S1, '--entry', 'test:0', '--out', out], /count of `test` must be a whole number/],
    [['simulate', S1, '--entry', 'test:x'], /count of `test` must be a whole number/],
    [['simulate', S1, '--entry', 'test:-1'], /count of `test`/],
    [['simulate', S1, '--entry', 'test:1.5'], /count of `test`/],
    [['simulate', S1, '--entry', ''], /--entry/],
    [['simulate', S1], /needs --entry/],
    [['simulate', '--entry', 'test'], /exactly one FILE/],
    [['simulate', S1, S7, '--entry', 'test'], /exactly one FILE/],
    [
      ['simulate', S1, '--entry', 'test', '--policy', 'random'],
      /--policy must be one of ic, fifo, adversarial/,
    ],
    [['simulate', S1, '--entry', 'test', '--format', 'sarif'], /--format must be json or html/],
    [['simulate', S1, '--entry', 'test', '--bogus'], /unknown option/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, /^commit-points: /);
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.equal(existsSync(out), false);
});
