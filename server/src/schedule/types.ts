/**
 * The plain data of a simulated scenario: what `commit-points simulate --format json` prints and what the
 * schedule renderer (webview/src/schedule.ts) draws. No model objects, only names and numbers.
 */

export type Policy = 'ic' | 'fifo' | 'adversarial';

export const POLICIES: readonly Policy[] = ['ic', 'fifo', 'adversarial'];

export interface SimMessage {
  /** `test#1`: the entry point's name and the instance number (1-based, per entry point). */
  id: string;
  entryPoint: string;
}

export interface SimStep {
  /** Position in the canister's single execution order, 1-based. */
  step: number;
  message: string;
  entryPoint: string;
  /** The segment of the method this step runs (SPEC §4: 0 up to the first commit point, k after the k-th). */
  segment: number;
  /** State read / written by the segment on the message's path: `root` or `root.field`, sorted, unique. */
  reads: string[];
  writes: string[];
}

/** A schedule in which the conflict a finding describes actually happens (policy `adversarial`). */
export interface Witness {
  rule: string;
  entryPoint: string;
  /** 1-based line of the commit point's `await` keyword. */
  commitPointLine: number;
  state: string[];
  /** The message suspended at the commit point, then the message that interleaves. */
  messages: [string, string];
  /** The `step` numbers of the pattern: the suspended message's step before the commit point, the
   * interleaving step, and (when the rule needs it) the suspended message's step that acts after it. */
  steps: number[];
  explanation: string;
}

export interface SearchInfo {
  /** Schedule prefixes the search explored. */
  explored: number;
  /** The bound on explored prefixes per finding. */
  bound: number;
  /** True when every interleaving was explored (no witness exists for the findings searched). */
  exhaustive: boolean;
  /** The findings the search tried to witness, as `rule@line`. */
  findings: string[];
  /** Why there is no witness, when there is none. */
  note?: string;
}

export interface Simulation {
  policy: Policy;
  messages: SimMessage[];
  steps: SimStep[];
  /** Only for `adversarial`: the witness, or null when none was found. */
  witness?: Witness | null;
  search?: SearchInfo;
}

/** A place in a source file: an absolute path and a 0-based range (LSP's convention). */
export interface SourceSpan {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/**
 * Where a step's code is, for an editor to reveal (not part of the `simulate` JSON contract): the segment the
 * step runs on its path, from the commit point it resumes at (or the method's start) to the commit point that
 * ends it (or the method's end), and that ending commit point's `await`.
 */
export interface StepSource {
  step: number;
  segment: SourceSpan;
  commitPoint?: SourceSpan;
}
