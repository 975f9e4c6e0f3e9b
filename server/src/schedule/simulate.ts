/**
 * Runs a scenario (SPEC §7): N instances of chosen entry points, in arrival order, under a policy. Sees only
 * the analysed model (entry points with their commit points, segments and accesses) and the rules' findings.
 */
import type { EntryAnalysis } from '../model/analysis';
import type { Finding } from '../rules/types';
import { Program, Run, SimulationError } from './engine';
import { DEFAULT_BOUND, findWitness, targets } from './witness';
import type { Policy, Simulation, StepSource } from './types';

export { SimulationError } from './engine';

export interface ScenarioEntry {
  name: string;
  count: number;
}

export interface SimulateOptions {
  /** Explored states per finding in the adversarial search. */
  bound?: number;
  /** The most steps a schedule may take (guards against self-calls that recurse forever). */
  maxSteps?: number;
}

export const DEFAULT_MAX_STEPS = 100_000;

/** Entry points a scenario may name: every entry point of the canister, by name (first of a name wins). */
export function entryNames(entries: EntryAnalysis[]): string[] {
  return [...new Set(entries.map((e) => e.ir.name))];
}

export function simulate(
  entries: EntryAnalysis[],
  findings: Finding[],
  scenario: ScenarioEntry[],
  policy: Policy,
  options: SimulateOptions = {},
): Simulation {
  return simulateWithSources(entries, findings, scenario, policy, options).simulation;
}

/** `simulate`, plus where each step's code is (the timeline panel reveals it when a step is clicked). */
export function simulateWithSources(
  entries: EntryAnalysis[],
  findings: Finding[],
  scenario: ScenarioEntry[],
  policy: Policy,
  options: SimulateOptions = {},
): { simulation: Simulation; sources: StepSource[] } {
  const makeRun = (rejecting?: EntryAnalysis): Run => {
    const program = new Program(entries, rejecting);
    const run = new Run(program, options.maxSteps ?? DEFAULT_MAX_STEPS);
    for (const { name, count } of scenario) {
      const entry = program.byName.get(name);
      if (!entry) {
        throw new SimulationError(
          `unknown entry point \`${name}\` (available: ${entryNames(entries).join(', ') || 'none'})`,
        );
      }
      run.arrive(entry, count);
    }
    return run;
  };
  const run = makeRun();
  const program = run.program;
  if (policy !== 'adversarial') {
    run.finish(policy);
    return {
      simulation: { policy, messages: run.messagesJson(), steps: run.stepsJson() },
      sources: run.sourcesJson(),
    };
  }
  const running = runningEntries(program, scenario);
  const found = findWitness(targets(findings, entries, running), makeRun, options.bound ?? DEFAULT_BOUND);
  const shown = found.run ?? run;
  if (!found.run) shown.finish('ic');
  return {
    simulation: {
      policy,
      messages: shown.messagesJson(),
      steps: shown.stepsJson(),
      witness: found.witness,
      search: found.search,
    },
    sources: shown.sourcesJson(),
  };
}

/** The scenario's entry points and every self-call callee they (transitively) run. */
function runningEntries(program: Program, scenario: ScenarioEntry[]): Set<string> {
  const out = new Set<string>();
  const todo = scenario.map((s) => s.name);
  while (todo.length) {
    const name = todo.pop()!;
    if (out.has(name)) continue;
    out.add(name);
    const e = program.byName.get(name);
    if (!e) continue;
    for (const step of program.plan(e)) if (step.selfCallee) todo.push(step.selfCallee);
  }
  return out;
}
