/**
 * Cursor picks (SPEC §5, Precision): a read that picks the next entry to work on from a position kept in state,
 * where the position is moved onto the pick before the commit point (`last = next`). A call that runs at the
 * commit point starts its search after that pick, so it does not pass the same check: the read selects, it
 * does not guard. A store of the pick that the pick does not start from (a "last seen" for display) is none.
 */
import { sameState, type Access, type CommitPointInfo, type EntryAnalysis } from '../../model/analysis';
import type { ReadNode, StatePath, WriteNode } from '../../model/ir';
import { containsRange } from '../../text/positions';
import { awaitFlat } from './helpers';

/**
 * The check is a cursor pick, or a check the awaited call makes of the picked state after being given the pick
 * (`swap_canister_from_index(index).expect(…)` in the function handed `index`): it looks up the entry no
 * concurrent call picks.
 */
export function isCursorPick(e: EntryAnalysis, cp: CommitPointInfo, check: Access): boolean {
  if (picks(e, cp, check)) return true;
  if (!check.node.inCallee || !containsRange(cp.await.exprRange, check.range)) return false;
  return [...e.flow.reads(cp.await.args)].some((id) => {
    const pick = e.readById.get(id);
    return pick !== undefined && pick !== check && sameState(pick.state, check.state) && picks(e, cp, pick);
  });
}

/**
 * `read` picks an entry from a cursor moved onto the pick before the await, and what decides whether the call
 * happens also reads the cursor (the search starts from it; a total fed from the scanned state decides nothing).
 */
function picks(e: EntryAnalysis, cp: CommitPointInfo, read: Access): boolean {
  const steers = (cursor: StatePath) => cp.checkedReads.some((c) => c !== read && sameState(c.state, cursor));
  // Picked in a callee that moves its cursor (see the Rust summaries' `cursorPicks`).
  const replayed = (read.node as ReadNode).cursorPick;
  if (replayed) return steers(replayed);
  const { id } = read.node as ReadNode;
  const flat = awaitFlat(e, cp);
  return e.accesses.some((w) => {
    const node = w.node as WriteNode;
    if (w.kind !== 'write' || node.mark !== undefined || node.unknown || sameState(w.state, read.state))
      return false;
    // (The cheap conditions first: few writes store a value made from the pick.)
    const reads = e.flow.reads(node.value);
    if (!reads.has(id) || !steers(w.state)) return false;
    // A position the caller gives is no cursor the code keeps.
    if (e.flow.params(node.value).size > 0 || e.flow.awaits(node.value).size > 0) return false;
    // Moved in the same message as the pick: no commit point between the write and the await.
    if (!e.reach.beforeInOrder(read.flat, w.flat) || !e.reach.beforeInOrder(w.flat, flat)) return false;
    if (e.commitPoints.some((c) => c !== cp && between(e, w.flat, awaitFlat(e, c), flat))) return false;
    // The new position is worked out from the old one: the pick starts from the cursor.
    return [...reads].some((r) => {
      const cursor = e.readById.get(r);
      return (
        cursor !== undefined && sameState(cursor.state, w.state) && e.reach.beforeInOrder(cursor.flat, w.flat)
      );
    });
  });
}

function between(e: EntryAnalysis, from: number[], at: number[], to: number[]): boolean {
  return e.reach.beforeInOrder(from, at) && e.reach.beforeInOrder(at, to);
}
