/**
 * Which in-flight writes belong to the operation a call performs (SPEC §5, Precision): only those can be a
 * change the call's failure or a later trap leaves half-done. Logs, counters, timestamps, caches, lazy
 * initialisation and registries of effects that already happened are nobody's to roll back.
 */
import { sameState, type Access, type CommitPointInfo, type EntryAnalysis } from '../../model/analysis';
import type { WriteNode } from '../../model/ir';
import { isPruningName } from '../../model/pruning';
import { awaitFlat } from './helpers';

/**
 * The writes made before the commit point, in the same iteration, of known effect and not lock markers, that
 * belong to the call: the state was checked before it (a debit or mark made after a check), the write's key
 * or value shares a source with the call's arguments, or the same state is written again after the await
 * (the code after it completes the change).
 */
export function operationWrites(e: EntryAnalysis, cp: CommitPointInfo, forTrap = false): readonly Access[] {
  // Several rules ask for the same commit point: worked out once each way.
  let known = operationCache.get(cp);
  if (!known) operationCache.set(cp, (known = new Map<boolean, readonly Access[]>()));
  let writes = known.get(forTrap);
  if (!writes) known.set(forTrap, (writes = findOperationWrites(e, cp, forTrap)));
  return writes;
}

const operationCache = new WeakMap<CommitPointInfo, Map<boolean, readonly Access[]>>();

function findOperationWrites(e: EntryAnalysis, cp: CommitPointInfo, forTrap: boolean): Access[] {
  if (cp.await.call && isRecordCall(cp.await.call.callee)) return [];
  const flat = awaitFlat(e, cp);
  const argReads = sentReads(e, cp);
  const sentByRoot = byRoot([...argReads].flatMap((id) => e.readById.get(id) ?? []));
  const argLocals = e.flow.locals(cp.await.args);
  const callerLocals = new Set(['msg.caller', ...(e.ir.callerNames ?? [])]);
  // One backward search from the call answers "made before it, in the same iteration" for every write.
  const beforeCall = e.reach.reachingInOrder(flat);
  let completions: Map<string, Access[]> | undefined;
  return cp.inFlightWrites.filter((w) => {
    if (!w.flat.some((x) => beforeCall.has(x)) || neverOperation(e, w, forTrap)) return false;
    const node = w.node as WriteNode;
    const valueLocals = [...e.flow.locals(node.value)];
    // Checked first, then changed: a debit or mark. A reset made before the check (`cache := null` and then
    // `switch (cache)`) is not guarded by it.
    if (cp.checkedReads.some((r) => sameState(r.state, w.state) && !e.reach.beforeInOrder(w.flat, r.flat)))
      return true;
    // Motoko: the caller says whose change it is, not that it belongs to this call (`assignQueue(caller)`
    // before `await rs.setRS(caller, …)`); a debit keyed by the caller is checked or sends its amount.
    const shared = (l: string) => argLocals.has(l) && !(e.language === 'motoko' && callerLocals.has(l));
    if ((w.key !== undefined && shared(w.key)) || valueLocals.some(shared)) return true;
    // The call sends what was read from the changed state (`let amount = balance; balance := 0; pay(amount)`),
    // or the written value and the arguments come from the same read of other state.
    // Read after the change, the state holds what was written: a constant (`cache := null`) sends nothing of it.
    const constant =
      valueLocals.length === 0 && e.flow.reads(node.value).size === 0 && e.flow.awaits(node.value).size === 0;
    const sentOfRoot = sentByRoot.get(w.state.root) ?? [];
    if (
      sentOfRoot.some(
        (r) => sameState(r.state, w.state) && !(constant && e.reach.beforeInOrder(w.flat, r.flat)),
      )
    )
      return true;
    if ([...e.flow.reads(node.value)].some((r) => argReads.has(r) && !sameReadState(e, r, w))) return true;
    // Completed after the await; filling a cache again from a reply (a re-sync) completes nothing.
    completions ??= byRoot(completingWrites(e, flat));
    return (completions.get(w.state.root) ?? []).some((x) => x !== w && sameState(x.state, w.state));
  });
}

/**
 * Writes that belong to no call's operation, whatever the commit point (asked again at each one it is in flight
 * at, so answered once per write).
 */
function neverOperation(e: EntryAnalysis, w: Access, forTrap: boolean): boolean {
  let known = neverOperationCache.get(w);
  if (!known) neverOperationCache.set(w, (known = []));
  const i = forTrap ? 1 : 0;
  return (known[i] ??= findNeverOperation(e, w, forTrap));
}

const neverOperationCache = new WeakMap<Access, boolean[]>();

function findNeverOperation(e: EntryAnalysis, w: Access, forTrap: boolean): boolean {
  const node = w.node as WriteNode;
  // A method of unknown effect (`logger.log(…)`, `ledger.claim(…)`) never makes a finding on its own (SPEC §5).
  if (node.mark !== undefined || node.unknown) return true;
  // A callee that compensates its own call's failure owns this change (SPEC §5, issue #9 item 1).
  if (node.handled) return true;
  // Made by an earlier awaited `async` function in its own message: that call's effect, already complete.
  if (node.ownMessage) return true;
  // A log line or a metric, written directly or through a `log(…)` helper, records what happened.
  if (isRecordWrite(w)) return true;
  // Evicting what has expired is upkeep of a cache or statistic: no failure brings expired entries back.
  if (isPruningWrite(w)) return true;
  // For a trap: a record of an earlier call's result (a re-sync, a registry of what already happened) is
  // consistent whatever comes after; a failure of this call may still have to undo it.
  if (forTrap && (node.fromCall || e.flow.awaits(node.value).size > 0)) return true;
  // A whole value filled from an earlier call's reply (a cache, a re-sync) is true whatever this call does.
  if (isResync(e, w)) return true;
  // A counter stepped by a constant that no check of it decides (`count += 1`, an id allocator starting a new
  // key at 0): a metric or an id, consistent whatever the call does. A step under a limit is a debit.
  return isConstantStep(e, w) && !decidedByOwnState(e, w);
}

/**
 * The writes after the call (in the same iteration) that can complete a change made before it: of known effect,
 * not an earlier awaited call's own, not a re-sync. Found once per commit point, then matched by state.
 */
function completingWrites(e: EntryAnalysis, flat: number[]): Access[] {
  return e.accesses.filter(
    (x) =>
      x.kind === 'write' &&
      !(x.node as WriteNode).unknown &&
      !(x.node as WriteNode).ownMessage &&
      e.reach.beforeInOrder(flat, x.flat) &&
      !isResync(e, x),
  );
}

/** Accesses by state root, in their order: only accesses of the same root can be of the same state. */
function byRoot(accesses: Access[]): Map<string, Access[]> {
  const out = new Map<string, Access[]>();
  for (const a of accesses) {
    const list = out.get(a.state.root);
    if (list) list.push(a);
    else out.set(a.state.root, [a]);
  }
  return out;
}

/**
 * The state reads that the call sends. The object whose method is called (`anvil.update()` on a held
 * `anvil`) is where the call goes, not what it sends: a read of it at the start of the call is left out.
 */
function sentReads(e: EntryAnalysis, cp: CommitPointInfo): Set<number> {
  const reads = new Set(e.flow.reads(cp.await.args));
  const receiver = cp.await.call?.callee.split(/[.(]/)[0];
  const start = cp.await.exprRange.start;
  for (const id of reads) {
    const r = e.readById.get(id);
    const at = r?.range.start;
    if (r && r.state.root === receiver && at?.line === start.line && at.character === start.character)
      reads.delete(id);
  }
  return reads;
}

/**
 * A lock, not just a marker: a `set` whose state was checked before it (the check that keeps a second caller
 * out), as SPEC §5 defines locks; a queue entry or an index of emitted blocks is set without such a check.
 */
export function isCheckedLock(e: EntryAnalysis, cp: CommitPointInfo, set: Access): boolean {
  // Test-and-set (`if !set.insert(k) { return }`): the read of the lock decides whether the call happens.
  if (cp.checkedReads.some((r) => sameState(r.state, set.state) && testedThenSet(e, r, set))) return true;
  return set.flat.some((f) =>
    e.cfg.nodes[f].controls.some((c) =>
      [...e.flow.reads(c)].some((r) => {
        const read = e.readById.get(r);
        return read !== undefined && sameState(read.state, set.state) && testedThenSet(e, read, set);
      }),
    ),
  );
}

/** Test-and-set: the check comes first, with no commit point between (a check and a set in separate messages lock nothing). */
function testedThenSet(e: EntryAnalysis, check: Access, set: Access): boolean {
  if (!e.reach.beforeInOrder(check.flat, set.flat)) return false;
  return !e.commitPoints.some((c) => {
    const at = awaitFlat(e, c);
    return (
      c.index !== undefined && e.reach.beforeInOrder(check.flat, at) && e.reach.beforeInOrder(at, set.flat)
    );
  });
}

/**
 * A plain re-sync (SPEC §5): the write replaces the whole value (no key, no marker) with what an awaited call
 * returned, and reads no state. A lazily filled cache (`if key == None { key = Some(fetch().await) }`) is one:
 * concurrent fills store the reply again, and nothing of an operation depends on the old value.
 */
export function isResync(e: EntryAnalysis, w: Access): boolean {
  const node = w.node as WriteNode;
  if (w.kind !== 'write' || w.key !== undefined || node.mark !== undefined || node.unknown) return false;
  // Replayed from a helper, the value keeps only the arguments it uses, not the helper's own reads: the
  // helper's summary says whether it was a re-sync there.
  if (node.via !== undefined) return node.resync === true;
  return e.flow.awaits(node.value).size > 0 && e.flow.reads(node.value).size === 0;
}

/** A condition on the state `w` writes decides whether it happens (an arm of a branch on it, or after an exit). */
function decidedByOwnState(e: EntryAnalysis, w: Access): boolean {
  return w.flat.some((f) =>
    e.cfg.nodes[f].controls.some((c) =>
      [...e.flow.reads(c)].some((r) => {
        const read = e.readById.get(r);
        return read !== undefined && sameState(read.state, w.state);
      }),
    ),
  );
}

/**
 * `w` writes its own state plus or minus a constant: what it stores reads only that state (through locals, as
 * in `switch (Map.get(ids, k)) { case (?n) count := n … }; Map.add(ids, k, count + 1)`), no parameter, no call.
 */
function isConstantStep(e: EntryAnalysis, w: Access): boolean {
  const node = w.node as WriteNode;
  if (node.step) return true;
  const value = node.stored ?? node.value;
  const reads = [...e.flow.reads(value)];
  return (
    reads.length > 0 &&
    e.flow.params(value).size === 0 &&
    e.flow.awaits(value).size === 0 &&
    reads.every((r) => sameReadState(e, r, w))
  );
}

/** The read `readId` is of the state `w` writes. */
function sameReadState(e: EntryAnalysis, readId: number, w: Access): boolean {
  const r = e.readById.get(readId);
  return r !== undefined && sameState(r.state, w.state);
}

/** Words that name a record of what already happened: a history, log, archive or event canister, a notification. */
const RECORD_WORDS = new Set([
  'history',
  'histories',
  'log',
  'logs',
  'logger',
  'archive',
  'event',
  'events',
  'audit',
  'publish',
  'notify',
  'notification',
  'notifications',
  'metric',
  'metrics',
  'stats',
  'analytics',
]);

/** Words of a state or helper name that keeps a record: a log, a history, metrics (not events, which apply state). */
const RECORD_STATE_WORDS = new Set([
  'log',
  'logs',
  'logger',
  'history',
  'histories',
  'audit',
  'metric',
  'metrics',
  'stats',
  'analytics',
  'archive',
]);

/** A write to a log-like state (`_log`, `EVENT_LOG`, `metrics`) or through a log-like helper (`log(msg)`). */
export function isRecordWrite(w: Access): boolean {
  const via = (w.node as WriteNode).via;
  return [w.state.root, w.state.field, via].some(
    (name) => name !== undefined && nameWords(name).some((x) => RECORD_STATE_WORDS.has(x)),
  );
}

/**
 * An eviction of what has expired: made by a method so named or with a `retain` on the time (`pruning`), or
 * in a function so named (`rank_ascending_evict`, `pruneExpired`), the one that makes it or the helper called.
 */
function isPruningWrite(w: Access): boolean {
  const node = w.node as WriteNode;
  if (node.pruning) return true;
  return [node.inCallee?.fn, node.via].some((name) => name !== undefined && isPruningName(name));
}

/** `_event_log` → event, log; `logMessage` → log, message; `history.add` → history, add. */
function nameWords(name: string): string[] {
  let words = wordsOfName.get(name);
  if (!words) {
    // Asked for every write at every commit point: the same few names, split once (the cache is kept small).
    if (wordsOfName.size > 10_000) wordsOfName.clear();
    words = name
      .replace(/\([^()]*\)/g, '')
      .split(/[.:_\s]+|(?<=[a-z0-9])(?=[A-Z])/)
      .map((w) => w.toLowerCase());
    wordsOfName.set(name, words);
  }
  return words;
}

const wordsOfName = new Map<string, string[]>();

/**
 * A call that records or announces an operation already done (`history.add(…)`, `publishChangesForUser(…)`,
 * `router.event_history_full(…)`): its failure undoes nothing of that operation, so the changes made before it
 * are not its to roll back (SPEC §5, Relevance). Judged by the words of the callee's path.
 */
export function isRecordCall(callee: string): boolean {
  return nameWords(callee).some((w) => RECORD_WORDS.has(w));
}
