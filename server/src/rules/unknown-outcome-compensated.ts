import { stateName } from '../model/ir';
import { compensates, failureHandling, undoableWrites } from './support/failure-paths';
import { commitPoints, cpLine, finding, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'unknown-outcome-compensated',
  severity: 'info',
  title: 'Compensation on an unknown call outcome',
  description:
    'A bounded-wait call’s error handler compensates even when the outcome is unknown (`SYS_UNKNOWN`): the call may have succeeded.',
  fix: 'Distinguish the unknown outcome (`SysUnknown` / `#system_unknown`): query the callee or retry idempotently instead of compensating.',
  languages: ['motoko', 'rust'],
};

export const unknownOutcomeCompensated: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      if (cp.await.call?.wait !== 'bounded') continue;
      const h = failureHandling(e, cp);
      if (h.distinguishesUnknown) continue;
      const compensated = undoableWrites(cp).filter((w) => compensates(h, w));
      if (!compensated.length) continue;
      const names = [...new Set(compensated.map((w) => stateName(w.state)))];
      out.push(
        finding(
          meta,
          e,
          cp.await.range,
          `The failure handler of the bounded-wait call at ${cpLine(cp)} restores ${names.map(quote).join(', ')} without checking for an unknown outcome: on a timeout the call may have succeeded, and compensating then gives the funds twice.`,
          { state: names, commitPoint: cp.await.range },
        ),
      );
    }
    return out;
  },
};
