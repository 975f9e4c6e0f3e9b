/** Every rule, in the order the docs list them. Consumers run rules only through `runRules`. */
import type { Analysis } from '../model/analysis';
import { comparePos } from '../text/positions';
import { callerAfterAwait } from './caller-after-await';
import { checkThenAct } from './check-then-act';
import { guardDroppedImmediately } from './guard-dropped-immediately';
import { intermediateStateVisible } from './intermediate-state-visible';
import { lockReleasedOutsideCleanup } from './lock-released-outside-cleanup';
import { noRollbackOnFailure } from './no-rollback-on-failure';
import { queryStateWrite } from './query-state-write';
import { refcellBorrowAcrossAwait } from './refcell-borrow-across-await';
import { staleWriteBack } from './stale-write-back';
import { trapAfterCommit } from './trap-after-commit';
import { trapInCleanup } from './trap-in-cleanup';
import type { Finding, Rule, Severity } from './types';
import type { FindingsReuse } from './support/findings-reuse';
import { unawaitedAsyncStar } from './unawaited-async-star';
import { unboundedWaitCall } from './unbounded-wait-call';
import { unknownOutcomeCompensated } from './unknown-outcome-compensated';
import { unwrapCallResult } from './unwrap-call-result';

export const rules: readonly Rule[] = [
  checkThenAct,
  staleWriteBack,
  noRollbackOnFailure,
  trapAfterCommit,
  lockReleasedOutsideCleanup,
  guardDroppedImmediately,
  trapInCleanup,
  unwrapCallResult,
  refcellBorrowAcrossAwait,
  callerAfterAwait,
  unknownOutcomeCompensated,
  unboundedWaitCall,
  intermediateStateVisible,
  queryStateWrite,
  unawaitedAsyncStar,
];

export const severityRank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.meta.id === id);
}

/**
 * Runs every rule; findings sorted by file and position. A failing rule never hides the others' findings.
 * `reuse` (the language server's) keeps per-entry-point findings between analyses.
 */
export function runRules(
  analysis: Analysis,
  onError?: (rule: string, err: unknown) => void,
  reuse?: FindingsReuse,
): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    try {
      out.push(...(reuse && rule.perEntryPoint ? reuse.findings(rule, analysis) : rule.check(analysis)));
    } catch (err) {
      onError?.(rule.meta.id, err);
    }
  }
  return out.sort(
    (a, b) =>
      compareText(a.file, b.file) || comparePos(a.range.start, b.range.start) || compareText(a.rule, b.rule),
  );
}

/** `localeCompare`, which is slow, only for texts that differ (most findings share their file). */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b);
}
