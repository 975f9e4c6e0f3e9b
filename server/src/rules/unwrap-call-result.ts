import type { EntryAnalysis } from '../model/analysis';
import type { Val } from '../model/ir';
import { finding, lineOf, quote } from './support/helpers';
import { operationWrites } from './support/relevance';
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

/**
 * Awaits whose result is what is unwrapped: the value itself or a local bound to it, not something computed
 * from the result (decoding, decrypting) that may fail for reasons of its own.
 */
function directAwaits(e: EntryAnalysis, v: Val): number[] {
  const out = [...v.awaits];
  for (const name of v.locals)
    for (const f of e.cfg.nodes)
      if (f.node.kind === 'local' && f.node.name === name) out.push(...f.node.value.awaits);
  return out;
}

export const unwrapCallResult: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind !== 'trap' || (n.cause !== 'unwrap' && n.cause !== 'expect') || !n.value) continue;
        if (out.some((x) => x.range === n.range)) continue;
        const awaited = directAwaits(e, n.value)
          .map((id) => e.cfg.awaits.find((a) => a.id === id))
          .find((a) => a?.call && a.commit !== 'none');
        if (!awaited?.call) continue;
        // Harm needs a change committed at the call that the trap then leaves behind; with none, trapping on
        // a reject just rejects this message, as returning the error would.
        const cp = e.commitPoints.find((c) => c.await === awaited);
        if (!cp || !operationWrites(e, cp).length) continue;
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
