import { finding, lineOf, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'unwrap-call-result',
  severity: 'warning',
  title: 'Inter-canister call result unwrapped',
  description:
    'The result of an inter-canister call is unwrapped or expected, so a reject traps in the callback, after the state changes before the await were committed.',
  fix: 'Match the result and handle the `Err` (restore state, return an error) instead of unwrapping it.',
  languages: ['rust'],
};

export const unwrapCallResult: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind !== 'trap' || (n.cause !== 'unwrap' && n.cause !== 'expect') || !n.value) continue;
        if (out.some((x) => x.range === n.range)) continue;
        const awaited = [...e.flow.awaits(n.value)]
          .map((id) => e.cfg.awaits.find((a) => a.id === id))
          .find((a) => a?.call && a.commit !== 'none');
        if (!awaited?.call) continue;
        out.push(
          finding(
            meta,
            e,
            n.range,
            `The result of ${quote(awaited.call.callee)} (awaited at line ${lineOf(awaited.range)}) is ${n.cause === 'unwrap' ? 'unwrapped' : 'expected'}: a reject traps here, in the callback, and rolls back only to the commit point.`,
            { commitPoint: awaited.range },
          ),
        );
      }
    }
    return out;
  },
};
