/**
 * Re-checks (SPEC §5, Precision): a write after a commit point made under a fresh read of the state it writes
 * (`if (Map.get(orders, id) == ?#open) orders.put(id, #filled)`) happens only if the condition still holds
 * when it does, so a change made meanwhile cannot make it wrong.
 */
import { sameState, type Access, type CommitPointInfo, type EntryAnalysis } from '../../model/analysis';
import type { AwaitNode, ReadNode, WriteNode } from '../../model/ir';
import { happensBefore } from './helpers';

/**
 * The write sits under a condition that reads the state it writes after the commit point (`if max < v { max = v
 * }`), or is replayed from a synchronous helper where it does.
 */
export function rechecked(e: EntryAnalysis, cpFlat: number[], w: Access): boolean {
  if ((w.node as WriteNode).rechecked) return true;
  return w.flat.some((f) =>
    e.cfg.nodes[f].controls.some((c) =>
      [...e.flow.reads(c)].some((id) => {
        const r = e.readById.get(id);
        return r !== undefined && sameState(r.state, w.state) && happensBefore(e, cpFlat, r.flat);
      }),
    ),
  );
}

/**
 * Whether a re-check after commit point `cp` makes the writes it guards safe for `check`. It guards only the
 * write: the calls made after the stale check still happen once per message that passed it. So it is no fix
 * when the call sends what the check compared, or when a call after the check moves value (a ledger transfer,
 * a payout: a second message that passed the check pays again; a query or a notification repeated is no harm).
 */
export function recheckProtects(e: EntryAnalysis, cp: CommitPointInfo, check: Access): boolean {
  if (callSendsChecked(e, cp, check)) return false;
  return !e.commitPoints.some(
    (other) =>
      (other === cp || happensBefore(e, check.flat, e.cfg.awaitNode.get(other.await.id) ?? [])) &&
      awaitMovesValue(other.await),
  );
}

/**
 * The awaited call, or one a workspace function it awaits makes (`settle().await` paying through the ledger),
 * is named for a value move, other than one asking for the value to come here (`destination_id: id()`).
 * `unknownMoves`: a call whose callees are not known (a closure's future, a Motoko await, whose calls are not
 * listed) counts as one that may move value.
 */
export function awaitMovesValue(a: AwaitNode, unknownMoves = false): boolean {
  const reaches = a.reaches;
  if (!reaches?.length) return unknownMoves || movesValue(a.call?.callee ?? '');
  return reaches.some((c) => (unknownMoves && c.opaque) || (!c.toSelf && movesValue(c.callee)));
}

/**
 * Method and function names that move value: the ICRC and ICP ledger methods (`icrc1_transfer`,
 * `icrc2_transfer_from`, `send_dfx`, `icrc2_approve`), the cycles ledger and CMC ones (`withdraw`,
 * `notify_top_up`, `deposit_cycles`), and workspace wrappers named for what they do (`pay_out`, `refund`, `mint`).
 */
const MOVES_VALUE =
  /(?:^|[^A-Za-z])(?:icrc\d+_)?(?:transfer|send|pay|payout|withdraw|refund|mint|burn|approve|top_?up|deposit_cycles|airdrop)/i;

export function movesValue(callee: string): boolean {
  return MOVES_VALUE.test(callee);
}

/**
 * The awaited call sends what the check compared: a value the check's condition uses (`if balance >= amount`,
 * then `transfer(amount)`) or the checked state itself (`pay(balance)`).
 */
function callSendsChecked(e: EntryAnalysis, cp: CommitPointInfo, check: Access): boolean {
  const args = cp.await.args;
  if (!args) return false;
  const sent = e.flow.locals(args);
  for (const id of e.flow.reads(args)) {
    const r = e.readById.get(id);
    if (r && sameState(r.state, check.state)) return true;
  }
  const { id } = check.node as ReadNode;
  return [...conditionLocals(e, id)].some((l) => sent.has(l));
}

/** Per entry point: for each read, the locals of the conditions that use it. */
const conditionLocalsCache = new WeakMap<EntryAnalysis, Map<number, Set<string>>>();

function conditionLocals(e: EntryAnalysis, readId: number): Set<string> {
  let byRead = conditionLocalsCache.get(e);
  if (!byRead) {
    byRead = new Map();
    const seen = new Set<object>();
    for (const f of e.cfg.nodes)
      for (const c of f.controls) {
        if (seen.has(c)) continue;
        seen.add(c);
        const locals = e.flow.locals(c);
        for (const r of e.flow.reads(c)) {
          const into = byRead.get(r) ?? new Set<string>();
          locals.forEach((l) => into.add(l));
          byRead.set(r, into);
        }
      }
    conditionLocalsCache.set(e, byRead);
  }
  return byRead.get(readId) ?? new Set();
}
