/** Which possible traps cannot happen (SPEC §5, Precision: guarded or saturating operations do not trap). */
import type { EntryAnalysis } from '../../model/analysis';
import { stateName, type TrapNode, type Val } from '../../model/ir';

/**
 * A `Nat` subtraction under a condition that compares its two operands (`if (amount < fee * 2) return …;`
 * before `amount - fee`, `if (balance >= k) balance -= k`): the code checked the order it needs, so the
 * subtraction is taken not to underflow. The condition must depend on both the minuend and the subtrahend.
 */
export function isGuardedSubtraction(e: EntryAnalysis, at: number, trap: TrapNode): boolean {
  if (trap.cause !== 'underflow' || !trap.operands) return false;
  const [left, right] = trap.operands.map((v) => sourcesOf(e, v));
  if (!left.size || !right.size) return false;
  return e.cfg.nodes[at].controls.some((c) => {
    const cond = sourcesOf(e, c);
    return [...left].some((s) => cond.has(s)) && [...right].some((s) => cond.has(s));
  });
}

/** The locals and the state a value depends on. */
function sourcesOf(e: EntryAnalysis, v: Val): Set<string> {
  const out = new Set<string>([...e.flow.locals(v)].map((l) => `local ${l}`));
  for (const id of e.flow.reads(v)) {
    const r = e.readById.get(id);
    if (r) out.add(`state ${stateName(r.state)}`);
  }
  return out;
}
