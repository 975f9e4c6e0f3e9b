/**
 * The scenario simulator (SPEC §7) on the analysed model: S1 under `ic` and `fifo` reproduces the two outputs of
 * the forum thread exactly, S2 cannot interleave, the adversarial search witnesses S5's check-then-act in both
 * languages, and path choice, arrival order and the step bound behave as documented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../src/model/analysis';
import { planPath } from '../src/schedule/path';
import { simulate, SimulationError, type ScenarioEntry } from '../src/schedule/simulate';
import type { Policy, Simulation, SimStep } from '../src/schedule/types';
import { analyzeCase } from './helpers/annotations';
import { b } from './helpers/ir-builder';
import { repoRoot } from './helpers/paths';

async function run(example: string, scenario: ScenarioEntry[], policy: Policy): Promise<Simulation> {
  const { result } = await analyzeCase(join(repoRoot, 'examples', example));
  return simulate(result.analysis.entryPoints, result.findings, scenario, policy);
}

/** The value of `state` a step reads: the number of writes of it in earlier steps (each write adds one). */
function valueRead(steps: SimStep[], index: number, state: string): number {
  return steps.slice(0, index).filter((s) => s.writes.includes(state)).length;
}

/** For each `test#k`: [i0, i1, i2], the values its three segments read. */
function s1Values(sim: Simulation): Map<string, number[]> {
  const out = new Map<string, number[]>();
  sim.steps.forEach((s, i) => {
    if (s.entryPoint !== 'test') return;
    assert.deepEqual(s.reads, ['i']);
    assert.deepEqual(s.writes, []);
    const vals = out.get(s.message) ?? [];
    assert.equal(s.segment, vals.length, `${s.message} runs its segments in order`);
    vals.push(valueRead(sim.steps, i, 'i'));
    out.set(s.message, vals);
  });
  return out;
}

function checkS1Shape(sim: Simulation): void {
  assert.equal(sim.messages.length, 90);
  assert.deepEqual(
    sim.messages.slice(0, 30).map((m) => m.id),
    Array.from({ length: 30 }, (_, k) => `test#${k + 1}`),
  );
  assert.ok(sim.messages.slice(30).every((m, k) => m.id === `foo#${k + 1}` && m.entryPoint === 'foo'));
  assert.equal(sim.steps.length, 30 * 3 + 60);
  assert.deepEqual(
    sim.steps.map((s) => s.step),
    sim.steps.map((_, i) => i + 1),
  );
  for (const s of sim.steps.filter((x) => x.entryPoint === 'foo')) {
    assert.deepEqual([s.segment, s.reads, s.writes], [0, ['i'], ['i']]);
  }
}

test('S1 under ic: the k-th message prints i0 = 0, i1 = k, i2 = 30 + k (the real IC)', async () => {
  const sim = await run('motoko/s1-counter', [{ name: 'test', count: 30 }], 'ic');
  assert.equal(sim.policy, 'ic');
  checkS1Shape(sim);
  const values = s1Values(sim);
  assert.equal(values.size, 30);
  for (let k = 1; k <= 30; k++) assert.deepEqual(values.get(`test#${k}`), [0, k, 30 + k], `test#${k}`);
  // The discipline: every callee's response is handled right after the callee's message.
  sim.steps.forEach((s, i) => {
    if (s.entryPoint === 'foo') assert.equal(sim.steps[i + 1].entryPoint, 'test');
  });
});

test('S1 under fifo: every message prints i0 = 0, i1 = 30, i2 = 60 (the Motoko interpreter)', async () => {
  const sim = await run('motoko/s1-counter', [{ name: 'test', count: 30 }], 'fifo');
  assert.equal(sim.policy, 'fifo');
  checkS1Shape(sim);
  const values = s1Values(sim);
  assert.equal(values.size, 30);
  for (let k = 1; k <= 30; k++) assert.deepEqual(values.get(`test#${k}`), [0, 30, 60], `test#${k}`);
});

test('S1 with 3 messages under ic keeps the pattern (i1 = k, i2 = 3 + k)', async () => {
  const sim = await run('motoko/s1-counter', [{ name: 'test', count: 3 }], 'ic');
  const values = s1Values(sim);
  assert.deepEqual(
    [...values.values()],
    [
      [0, 1, 4],
      [0, 2, 5],
      [0, 3, 6],
    ],
  );
});

for (const policy of ['ic', 'fifo', 'adversarial'] as const) {
  test(`S2 under ${policy}: five greets cannot interleave, each is one step, consecutive`, async () => {
    const sim = await run('rust/s2-greet', [{ name: 'greet', count: 5 }], policy);
    assert.deepEqual(
      sim.messages.map((m) => m.id),
      ['greet#1', 'greet#2', 'greet#3', 'greet#4', 'greet#5'],
    );
    assert.deepEqual(
      sim.steps.map((s) => [s.step, s.message, s.segment, s.reads, s.writes]),
      sim.messages.map((m, i) => [i + 1, m.id, 0, ['I'], ['I']]),
    );
    // The forum's consecutive pairs: greet#k reads k-1 before its increment.
    sim.steps.forEach((_, i) => assert.equal(valueRead(sim.steps, i, 'I'), i));
    if (policy === 'adversarial') {
      assert.equal(sim.witness, null);
      assert.match(sim.search!.note!, /no .* finding concerns/);
    }
  });
}

for (const [lang, example] of [
  ['motoko', 'motoko/s5-withdraw-check-after-await'],
  ['rust', 'rust/s5-withdraw-check-after-await'],
] as const) {
  test(`S5 (${lang}) adversarial: withdraw#2 passes the check between withdraw#1's check and its write`, async () => {
    const { result } = await analyzeCase(join(repoRoot, 'examples', example));
    const finding = result.findings.find((f) => f.rule === 'check-then-act');
    assert.ok(finding, 'the analysis reports check-then-act');
    const sim = simulate(
      result.analysis.entryPoints,
      result.findings,
      [{ name: 'withdraw', count: 2 }],
      'adversarial',
    );
    const w = sim.witness;
    assert.ok(w, 'a witness is found');
    assert.equal(w.rule, 'check-then-act');
    assert.equal(w.entryPoint, 'withdraw');
    assert.equal(w.commitPointLine, finding.commitPoint!.start.line + 1);
    assert.deepEqual(w.messages, ['withdraw#1', 'withdraw#2']);
    const [a, bStep, c] = w.steps.map((n) => sim.steps[n - 1]);
    const state = lang === 'rust' ? 'BALANCE' : 'balance';
    assert.deepEqual(w.state, [state]);
    // A: withdraw#1's check segment; B: withdraw#2's check segment; C: withdraw#1's write after the await.
    assert.deepEqual([a.message, a.segment, a.reads.includes(state), a.writes], ['withdraw#1', 0, true, []]);
    assert.deepEqual([bStep.message, bStep.segment, bStep.reads.includes(state)], ['withdraw#2', 0, true]);
    assert.deepEqual([c.message, c.segment, c.writes], ['withdraw#1', 1, [state]]);
    assert.ok(a.step < bStep.step && bStep.step < c.step);
    // Neither withdraw wrote the balance before both passed the check.
    assert.ok(sim.steps.slice(0, bStep.step).every((s) => !s.writes.includes(state)));
    assert.match(w.explanation, /withdraw#2 runs the same check/);
    assert.equal(sim.steps.length, 4, 'the witness schedule runs to the end');
  });
}

test('adversarial reorders arrivals when the arrival order hides the conflict (S7)', async () => {
  const scenario = [
    { name: 'lockFunds', count: 1 },
    { name: 'withdrawFunds', count: 1 },
  ];
  const ic = await run('motoko/s7-lock-funds', scenario, 'ic');
  assert.deepEqual(
    ic.steps.map((s) => s.message),
    ['lockFunds#1', 'withdrawFunds#1', 'withdrawFunds#1'],
  );
  const adv = await run('motoko/s7-lock-funds', scenario, 'adversarial');
  assert.ok(adv.witness);
  assert.equal(adv.witness.rule, 'intermediate-state-visible');
  assert.deepEqual(adv.witness.messages, ['withdrawFunds#1', 'lockFunds#1']);
  assert.deepEqual(
    adv.steps.map((s) => s.message),
    ['withdrawFunds#1', 'lockFunds#1', 'withdrawFunds#1'],
  );
});

test('adversarial takes the failure path when the finding needs it (S6 stale-write-back)', async () => {
  const sim = await run(
    'motoko/s6-withdraw-stale-write-back',
    [{ name: 'withdraw', count: 2 }],
    'adversarial',
  );
  assert.ok(sim.witness);
  assert.equal(sim.witness.rule, 'stale-write-back');
  const [, bStep, c] = sim.witness.steps.map((n) => sim.steps[n - 1]);
  assert.deepEqual([bStep.message, bStep.writes], ['withdraw#2', ['balance']]);
  assert.deepEqual([c.message, c.segment, c.writes], ['withdraw#1', 1, ['balance']]);
  assert.match(sim.witness.explanation, /fail/);
});

test('adversarial says so when no interleaving witnesses a finding (exhaustive search)', async () => {
  const sim = await run(
    'motoko/s7-lock-funds',
    [
      { name: 'withdrawFunds', count: 1 },
      { name: 'appendText', count: 2 },
    ],
    'adversarial',
  );
  assert.equal(sim.witness, null);
  assert.ok(sim.search);
  assert.equal(sim.search.exhaustive, true);
  assert.ok(sim.search.findings.length > 0);
  assert.match(sim.search.note!, /no interleaving/);
  assert.equal(sim.steps.length, 4, 'the ic schedule is shown');
});

test('arrival order follows the scenario: withdrawFunds:5,lockFunds:5 lists 10 messages in order', async () => {
  const sim = await run(
    'motoko/s7-lock-funds',
    [
      { name: 'withdrawFunds', count: 5 },
      { name: 'lockFunds', count: 5 },
    ],
    'ic',
  );
  assert.deepEqual(
    sim.messages.map((m) => [m.id, m.entryPoint]),
    [
      ...[1, 2, 3, 4, 5].map((k) => [`withdrawFunds#${k}`, 'withdrawFunds']),
      ...[1, 2, 3, 4, 5].map((k) => [`lockFunds#${k}`, 'lockFunds']),
    ],
  );
  // ic: every request starts in arrival order; the ledger's responses come after the waiting requests.
  assert.deepEqual(
    sim.steps.slice(0, 10).map((s) => s.message),
    sim.messages.map((m) => m.id),
  );
  assert.ok(sim.steps.slice(10).every((s) => s.entryPoint === 'withdrawFunds' && s.segment === 1));
});

test('unknown entry points are refused with the available ones', async () => {
  await assert.rejects(
    run('motoko/s1-counter', [{ name: 'nope', count: 1 }], 'ic'),
    (err: unknown) => err instanceof SimulationError && /available: .*test/.test(err.message),
  );
});

test('the path goes through the most commit points, a loop body once, and names the segments', () => {
  b.reset();
  const cp1 = b.await('commit');
  const cp2 = b.await('commit');
  const cp3 = b.await('commit');
  const ep = b.entry('m', [
    b.read('x'),
    b.branch({}, [[b.write('y')], [b.read('z'), cp1, b.write('z')]], { exhaustive: true }),
    b.loop([b.read('w'), cp2, b.write('w')]),
    b.branch({}, [[b.ret()], []]),
    cp3,
    b.write('x'),
  ]);
  const [e] = analyze([b.file([ep])]).entryPoints;
  const steps = planPath(e);
  assert.deepEqual(
    steps.map((s) => [s.segment, s.reads.map((r) => r.root), s.writes.map((w) => w.root), s.endsAt?.id]),
    [
      [0, ['x', 'z'], [], cp1.id],
      [1, ['w'], ['z'], cp2.id],
      [2, [], ['w'], cp3.id],
      [3, [], ['x'], undefined],
    ],
  );
});

test('a self-call that never ends is stopped at the step bound', () => {
  b.reset();
  const again = b.await('commit', {
    call: { callee: 'f', wait: 'unknown', selfCall: true, selfCallee: 'f' },
  });
  const ep = b.entry('f', [b.write('x'), again], 'self-call');
  const analysis = analyze([b.file([ep], 'motoko')]);
  assert.throws(
    () => simulate(analysis.entryPoints, [], [{ name: 'f', count: 1 }], 'ic', { maxSteps: 50 }),
    (err: unknown) => err instanceof SimulationError && /did not finish within 50 steps/.test(err.message),
  );
});
