/**
 * Idempotent acts (SPEC §5, Precision): a check of one entry (`get_orbiter(id) == None`, `exists(id)`) whose
 * act after the commit point only puts a record built from the parameters back under that same key, or removes
 * that key. Two messages that both pass the check make the same change twice, which is the change made once:
 * nothing is spent or counted twice, unless a call between the check and the act moves value (a payout, a
 * transfer: each message that passed the check pays again), which keeps the finding.
 */
import { CALLER_KEYS, type Access, type CommitPointInfo, type EntryAnalysis } from '../../model/analysis';
import type { ReadNode, Val, WriteNode } from '../../model/ir';
import { awaitFlat, happensBefore } from './helpers';
import { awaitMovesValue } from './rechecks';

/**
 * Every write in `writes` (the acts the check guards) is an idempotent change of the entry `check` looked at,
 * and no call the method makes after the check moves value out of the canister.
 */
export function idempotentActs(e: EntryAnalysis, check: Access, writes: Access[]): boolean {
  const key = (check.node as ReadNode).key;
  if (key === undefined || !fixedKey(e, key)) return false;
  if (!writes.every((w) => idempotentWrite(e, w.node as WriteNode, key))) return false;
  return !e.commitPoints.some((cp) => happensBefore(e, check.flat, awaitFlat(e, cp)) && mayMoveValue(cp));
}

/** A parameter or the caller: the same entry at the check and at the act, whatever happens between. */
function fixedKey(e: EntryAnalysis, key: string): boolean {
  return e.ir.params.includes(key) || CALLER_KEYS.has(key) || !!e.ir.callerNames?.includes(key);
}

/**
 * A removal of entry `key`, or a store there of a value that reads no state and no call's result (built from
 * parameters and constants): made twice, it leaves what it leaves once.
 */
function idempotentWrite(e: EntryAnalysis, w: WriteNode, key: string): boolean {
  if (w.key !== key || w.freshKey || w.unknown || w.valueReadsState || plainOf(e, w.keyVal) === false)
    return false;
  if (w.mark === 'clear') return true;
  return plainOf(e, w.stored ?? w.value) === true;
}

/** Whether a value depends on no state read and no awaited result (undefined when there is none). */
function plainOf(e: EntryAnalysis, v: Val | undefined): boolean | undefined {
  if (!v) return undefined;
  return e.flow.reads(v).size === 0 && e.flow.awaits(v).size === 0;
}

/** The await may move value out, a call it reaches that is not known included. */
function mayMoveValue(cp: CommitPointInfo): boolean {
  return awaitMovesValue(cp.await, true);
}
