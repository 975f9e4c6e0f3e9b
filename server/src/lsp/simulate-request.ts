/** The `commitPoints/simulate` request on one analysis: the scenario the timeline panel draws for a file. */
import type { SimulateParams, SimulateResult } from '../protocol';
import { simulateWithSources, SimulationError } from '../schedule/simulate';
import type { WorkspaceResult } from '../workspace/analyze';
import { chosenEntry, defaultScenario, entryRanges } from './scenario';

export function simulateIn(result: WorkspaceResult, path: string, params: SimulateParams): SimulateResult {
  const own = result.analysis.entryPoints.filter((e) => e.file === path);
  const canister = own[0]?.canister;
  const entries = result.analysis.entryPoints.filter((e) => e.canister === canister);
  const scenario = params.scenario ?? defaultScenario(own, params.line, params.count);
  if (!scenario.length) return { error: 'No entry point with a commit point in this file.' };
  try {
    const { simulation, sources } = simulateWithSources(entries, result.findings, scenario, params.policy);
    return {
      simulation,
      scenario: scenario.map((s) => `${s.name}:${s.count}`).join(','),
      sources,
      focus: params.scenario ? scenario[0]?.name : chosenEntry(own, params.line)?.ir.name,
      entryPoints: entryRanges(own),
    };
  } catch (err) {
    if (err instanceof SimulationError) return { error: err.message };
    throw err;
  }
}
