import { commitPoints, finding, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'unbounded-wait-call',
  severity: 'info',
  title: 'Unbounded-wait call',
  description:
    'An unbounded-wait call to another canister: the caller cannot stop or upgrade while the callee does not answer.',
  fix: 'Use a bounded-wait call (Rust `Call::bounded_wait`, Motoko `(with timeout = …)`) and handle the unknown outcome.',
  languages: ['motoko', 'rust'],
};

export const unboundedWaitCall: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const call = cp.await.call;
      if (!call || call.wait !== 'unbounded' || call.selfCall) continue;
      out.push(
        finding(
          meta,
          e,
          cp.await.range,
          `${quote(call.callee)} is an unbounded-wait call: if the callee never answers, ${quote(e.ir.name)} stays suspended here and the canister cannot be stopped or upgraded.`,
          { commitPoint: cp.await.range },
        ),
      );
    }
    return out;
  },
};
