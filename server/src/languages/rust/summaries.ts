/**
 * Function summaries: what a workspace function does to shared state, whether it may trap and whether it
 * performs an inter-canister call, transitively, built from the lowering of its body (`summarise`). The order in
 * which functions are lowered, callees first, is `summary-schedule.ts`'s; it runs over all crates of the
 * workspace at once: a call into another crate is an edge like any other.
 */
import { afterCommitNodes, commitSummary, type CommitSummary } from '../../model/commit-paths';
import { sameSub } from '../../model/state-index';
import { containsRange } from '../../text/positions';
import {
  exclusiveAlternatives,
  forEachNode,
  type CalleeSite,
  type CallInfo,
  type CommitKind,
  type Node,
  type Range,
  type ReachedCall,
  type ReadNode,
  type StatePath,
  type TrapCause,
  type Val,
  type WriteNode,
} from '../../model/ir';
import { displayName, type FnInfo } from './crate-index';
import { markGeneratedKeys } from './generated-keys';
import { cursorPicks, resultReads } from './summary-cursors';
import { guardsOf, readSources } from './summary-guards';
import { paramEntryOps, type ParamEntryCall, type ParamEntryOp } from './param-entries';
import type { TowerVal } from './tower-services';

export interface AccessSummary {
  write: boolean;
  state: StatePath;
  /** Index into the function's parameters when the access is keyed by one (or a field of one, `keyField`). */
  keyParam?: number;
  /** The field path under parameter `keyParam` (`owner` of `receiver.owner`). */
  keyField?: string;
  mark?: 'set' | 'clear';
  /** After the function's own first commit point: at a call site it happens after the `.await` on it. */
  afterCommit?: true;
  /** Where its first such access is, in this function or (transitively) in one it calls. */
  site?: CalleeSite;
  /** For a write: the parameters its value depends on (at a call site, only those arguments flow into it). */
  valueParams?: number[];
  /** For a write: its value comes from the result of a call the function awaits (a re-sync, a record). */
  fromCall?: true;
  /** For a write: its value reads state, here or in a callee (at a call site that read is not in its value). */
  readsState?: true;
  /**
   * For a write before the function's commit point: the function itself restores that state when its call
   * fails (a refund in the `Err` arm), so a caller that ignores the result leaves nothing un-rolled-back.
   */
  handled?: true;
  /** For a write: the state stepped by a constant (`count += 1`), its value reading only that state. */
  step?: true;
  /** For a write: an eviction of what has expired (see `WriteNode.pruning`). */
  pruning?: true;
  /**
   * For a write after a commit point with none after it: it records the result of the call awaited at `at`
   * (the function's own await, or a callee's); `errorAfter` when the function may then return an error with no
   * commit point between, so a caller that traps on that error undoes the record (SPEC §5, Traps).
   */
  recordOf?: { at: CommitSite; errorAfter?: true };
  /**
   * For a write: the whole value (no key, no marker) replaced by what an awaited call returned, reading no state
   * (a re-sync, a lazily filled cache): true whatever other messages did meanwhile.
   */
  resync?: true;
  /** For a write of a function that never commits: it sits under a condition reading the state it writes. */
  rechecked?: true;
  /** Only in the arms of a `match` on parameter `param` that take one of `names` (an event's variant). */
  variant?: VariantOf;
  /** For a read before the function's commit point: it decides whether the function goes on (a check). */
  guard?: true;
  /**
   * For a read before the function's commit point: it picks an entry, and the function moves a cursor (this
   * state) onto the pick before it commits (see `cursorPicks`), so a concurrent call does not pass the same pick.
   */
  cursorPick?: StatePath;
  /**
   * For a check: the first commit point after it (its await, then where that await's callee suspends), so a
   * finding about the check at a call site can point at the await that makes it stale.
   */
  commitNext?: CommitSite[];
  /**
   * For a write after the function's commit point: its value comes from a read of the same state made before
   * it (a copy written back), so at a call site it carries the caller's replay of that read.
   */
  staleRead?: true;
  /**
   * For a write after the function's commit point: the entry it writes is picked by what a call the function
   * awaited returned (`payments.insert(block_index, …)`), so at a call site it is not the entry the caller read
   * before its `.await` on the function, whatever value it stores.
   */
  freshKey?: true;
  /** For a write: its key is a value the function generated (see `WriteNode.generatedKey`): a new entry. */
  generatedKey?: true;
  /** For a `staleRead` write: the await the copy is held across, in the function that made the copy. */
  staleAcross?: CommitSite;
  /** For a `guard` read: the first await that may commit after it, in the function that checks and commits. */
  checkedBefore?: CommitSite;
  /** Made under these alternatives of calls that run one of several impls (see `exclusiveAlternatives`). */
  alts?: string[];
  /** For a read: the function returns what it read, a whole copy of the state (entry as in `StateCopy`). */
  returned?: { entry?: string };
  /** For a write: it stores parameter `param` whole at the constant entry `entry` (`set_state(s)`). */
  writesParam?: { param: number; entry: string };
  /** For a write: the untouched rest of a copy stored back (see `WriteNode.restore`). */
  restore?: true;
  /** Keyed by the message's caller (a local bound to `msg_caller()` in the function that makes it). */
  keyCaller?: true;
  /** Made while the function holds its guard `heldGuards[underGuard]`. */
  underGuard?: number;
}

/**
 * A guard a function takes before its first commit point and holds to its end (its own, bound at the top of its
 * body, or one a callee holds): at a call site it is held across the `.await` on the function, no longer.
 */
export interface HeldGuard {
  typeName: string;
  lock: StatePath;
  keyParam?: number;
  /** Keyed by the message's caller. */
  keyCaller?: true;
  /** A key the code fixes (an enum variant). */
  key?: string;
}

/** A summary entry made only when parameter `param` is one of the enum variants `names`. */
export interface VariantOf {
  param: number;
  names: string[];
}

/** A trap of a summary, with where it is and the variants of a parameter it is limited to. */
export interface TrapSummary {
  cause: TrapCause;
  range: Range;
  file: string;
  /** The function whose body has it (deepest first: a trap replayed from a callee is the callee's). */
  fn?: string;
  variant?: VariantOf;
  /** The parameters whose value it unwraps or tests (`self.unwrap_or_else(|e| trap(e))`). */
  onParams?: number[];
}

export interface FnSummary {
  accesses: AccessSummary[];
  /** The first place it may trap before its first commit point (for `Drop`: anywhere); any variant first. */
  trap?: TrapSummary;
  /** The first place it may trap after a commit point of its own. */
  trapAfterCommit?: TrapSummary;
  /** Whether its future reaches a commit point: on every path, some, possibly (unknown futures), never. */
  commits?: CommitSummary;
  /** The inter-canister call it performs (first found), directly or through `via`. */
  call?: { api: string; wait: CallInfo['wait']; via?: string };
  /** `mutate_state(f)`-style helper: the closure parameter at `paramIndex` is applied to `state`. */
  closureHelper?: { paramIndex: number; state: StatePath; mutable: boolean };
  /**
   * Closure parameters it calls only after a commit point of its own, on every path (`record(&owner, &id)`
   * after `create(…).await?`): what the caller's closure does runs after the `.await` on this function.
   */
  paramsCalledLate?: number[];
  /**
   * A higher-order function that awaits the futures of parameters `params`: its commits when those futures
   * all commit, and when none of them does (SPEC §2: the argument at each call site decides).
   */
  paramAwait?: {
    params: number[];
    ifCommit: CommitSummary;
    ifNever: CommitSummary;
    /**
     * The parameters whose future it awaits before any other commit point of its own: what that future does
     * before its commit point happens before the function's first commit point (at a call site, before the
     * `.await` on the function).
     */
    early?: number[];
  };
  /** It reads the caller (`fn caller() -> Principal { msg_caller() }`); `returnsCaller` when it returns it. */
  readsCaller?: true;
  returnsCaller?: true;
  /** Parameters whose value decides, before its commit point, whether it goes on: the caller's checks. */
  guardParams?: number[];
  /**
   * `&mut` parameters it assigns through before its commit point (`*state = Some(…)`): given a state handle at
   * a call site, that state is written there.
   */
  paramWrites?: number[];
  /**
   * Where its first commit point is: the await in its body, then (when that awaits a workspace callee) where
   * the callee's is, and so on; a finding at a call site points there.
   */
  commitAt?: CommitSite[];
  /** It returns a tower service stack or layers (`fn http_client() -> impl Service`): what calling it does. */
  tower?: TowerVal;
  /** It drops the result of a call it awaits unchecked (`let _ = …`, `….await;`): a failure goes unnoticed. */
  ignoresCallFailure?: true;
  /** Guards it holds across its commit points; its accesses made under one say which (`underGuard`). */
  heldGuards?: HeldGuard[];
  /** Map parameters it touches at one entry keyed by another parameter (see `param-entries.ts`). */
  paramEntries?: ParamEntryOp[];
  /** The inter-canister calls its commit points reach, transitively (see `reached-calls.ts`). */
  calls?: ReachedCall[];
}

export interface CommitSite {
  file: string;
  range: Range;
}

/**
 * The nodes inside arms of a `match` on a parameter that select enum variants: an access there happens only
 * for calls passing one of those variants. The outermost such match decides.
 */
function variantArms(nodes: Node[], params: string[]): Map<Node, VariantOf> {
  const out = new Map<Node, VariantOf>();
  // Pre-order visits an outer `match` first, and a node keeps the first constraint it gets.
  eachNode(nodes, (n) => {
    if (n.kind !== 'branch' || !n.armVariants || n.cond.reads.length || n.cond.locals.length !== 1) return;
    const param = params.indexOf(n.cond.locals[0]);
    if (param < 0) return;
    n.arms.forEach((arm, i) => {
      const names = n.armVariants?.[i];
      if (names) eachNode(arm, (x) => void (out.has(x) || out.set(x, { param, names })));
    });
  });
  return out;
}

/**
 * The writes of a function that never commits that sit under a condition reading the state they write
 * (`if s.max_index < index { s.max_index = index }`): checked again when the write happens, so a value the
 * caller read before its own await is compared with the current one, not written back blindly.
 */
function recheckedWrites(nodes: Node[], readStates: Map<number, StatePath>): Set<Node> {
  const out = new Set<Node>();
  let commits = false;
  eachNode(nodes, (n) => void (n.kind === 'await' && n.commit !== 'none' && (commits = true)));
  if (commits) return out;
  const walk = (ns: Node[], conds: Val[]): void => {
    for (const n of ns) {
      if (n.kind === 'write' && !n.mark) {
        const same = (id: number) => {
          const r = readStates.get(id);
          return (
            r !== undefined && r.root === n.state.root && r.field === n.state.field && sameSub(r, n.state)
          );
        };
        if (conds.some((c) => c.reads.some(same))) out.add(n);
      } else if (n.kind === 'branch') n.arms.forEach((arm) => walk(arm, [...conds, n.cond]));
      else if (n.kind === 'loop' || n.kind === 'block') walk(n.body, conds);
      else if (n.kind === 'try')
        [n.body, n.catchBody ?? [], n.finallyBody ?? []].forEach((b) => walk(b, conds));
    }
  };
  walk(nodes, []);
  return out;
}

/** A write whose value reads only the state it writes, with no local or call: `count += 1`. */
function isConstantStep(value: Val, state: StatePath, readStates: Map<number, StatePath>): boolean {
  if (value.reads.length === 0 || value.locals.length || value.awaits.length) return false;
  return value.reads.every((id) => {
    const r = readStates.get(id);
    return r !== undefined && r.root === state.root && r.field === state.field && sameSub(r, state);
  });
}

/** What lowering one function reports besides its nodes. */
export interface FnFacts {
  nodes: Node[];
  call?: FnSummary['call'];
  closureHelper?: FnSummary['closureHelper'];
  returnsCaller?: true;
  tower?: TowerVal;
  /** The value its body ends with; `ok` when that is an `Ok(…)`/`Some(…)`, which passes no callee's error on. */
  tail?: { val: Val; ok: boolean };
  /** Workspace functions it calls: the edges of the call graph. */
  callees?: FnInfo[];
  /** Locals bound to the message's caller (`let caller = msg_caller();`). */
  callerNames?: string[];
  /**
   * Awaits of a parameter's future: await id → parameter index. An await on a workspace function the parameter
   * is handed on to (`run(f)` inside `wrap(f)`) follows the parameter with that function's own kinds
   * (`ifCommit`/`ifNever`, default commit/none); `late` when that function awaits it after a commit of its own.
   */
  paramAwaits?: ParamAwait[];
  /** Where it calls a closure parameter (`record(&id)`): an empty marker block in its nodes, per parameter. */
  paramCalls?: { index: number; at: Node }[];
  /** Its result is a whole copy of the state this read gave (`fn get_state() -> State`). */
  returnsCopy?: { read: ReadNode; entry?: string };
  /** Writes that store a parameter whole at a constant entry (`fn set_state(s: State)`). */
  wholeParamWrites?: Map<WriteNode, { param: number; entry: string }>;
  /** Methods called on its parameters (`map.insert(*id, v)`), for `paramEntries`. */
  paramEntryCalls?: ParamEntryCall[];
  /** The calls its commit points reach (see `reached-calls.ts`). */
  calls?: ReachedCall[];
}

export interface ParamAwait {
  id: number;
  index: number;
  ifCommit?: CommitKind;
  ifNever?: CommitKind;
  late?: true;
}

/** Enough hops to lead from an entry point's call into the callee that commits, short enough for a hover. */
const MAX_COMMIT_CHAIN = 4;

export type SummaryMap = Map<FnInfo, FnSummary>;

/** The nodes with the awaits of `kinds` given their kinds, to ask what the body does for a given argument. */
function withAwaitKinds(nodes: Node[], kinds: Map<number, CommitKind>): Node[] {
  const map = (ns: Node[]): Node[] =>
    ns.map((n): Node => {
      const commit = n.kind === 'await' ? kinds.get(n.id) : undefined;
      if (n.kind === 'await' && commit) return { ...n, commit };
      if (n.kind === 'branch') return { ...n, arms: n.arms.map(map) };
      if (n.kind === 'loop' || n.kind === 'block') return { ...n, body: map(n.body) };
      if (n.kind === 'try') {
        return {
          ...n,
          body: map(n.body),
          ...(n.catchBody ? { catchBody: map(n.catchBody) } : {}),
          ...(n.finallyBody ? { finallyBody: map(n.finallyBody) } : {}),
        };
      }
      return n;
    });
  return map(nodes);
}

/** The closure parameters every call of which comes after a commit point on every path to it. */
function paramsCalledLateOf(facts: FnFacts): number[] {
  const calls = facts.paramCalls;
  if (!calls?.length) return [];
  const late = afterCommitNodes(facts.nodes, (n) => n.commit !== 'none', true);
  const params = new Set(calls.map((c) => c.index));
  return [...params].filter((p) => calls.every((c) => c.index !== p || late.has(c.at))).sort((a, b) => a - b);
}

function paramAwaitOf(facts: FnFacts): FnSummary['paramAwait'] {
  const awaits = facts.paramAwaits;
  if (!awaits?.length) return undefined;
  const kinds = (pick: (a: ParamAwait) => CommitKind) => new Map(awaits.map((a) => [a.id, pick(a)]));
  // A parameter awaited before anything else may commit on its path (the parameter's own futures count: when
  // it commits, what follows its await runs in a later message).
  const paramIds = new Set(awaits.map((a) => a.id));
  const after = afterCommitNodes(facts.nodes, (n) => paramIds.has(n.id) || n.commit !== 'none');
  const early = new Set<number>();
  eachNode(facts.nodes, (n) => {
    if (n.kind !== 'await' || after.has(n)) return;
    for (const a of awaits) if (a.id === n.id && !a.late) early.add(a.index);
  });
  return {
    params: [...new Set(awaits.map((a) => a.index))].sort((a, b) => a - b),
    ifCommit: commitSummary(
      withAwaitKinds(
        facts.nodes,
        kinds((a) => a.ifCommit ?? 'commit'),
      ),
    ),
    ifNever: commitSummary(
      withAwaitKinds(
        facts.nodes,
        kinds((a) => a.ifNever ?? 'none'),
      ),
    ),
    ...(early.size ? { early: [...early].sort((a, b) => a - b) } : {}),
  };
}

/** What a local of a body depends on (transitively): locals, whether it holds an awaited result, and which. */
interface LocalSource {
  locals: Set<string>;
  fromCall: boolean;
  awaits: Set<number>;
}

/** Per local of a body: what it depends on. */
function localSources(nodes: Node[]): Map<string, LocalSource> {
  const direct = new Map<string, Val[]>();
  eachNode(nodes, (n) => {
    if (n.kind === 'local') direct.set(n.name, [...(direct.get(n.name) ?? []), n.value]);
  });
  const done = new Map<string, LocalSource>();
  const resolving = new Set<string>();
  const resolve = (name: string): LocalSource => {
    const known = done.get(name);
    if (known) return known;
    const out: LocalSource = { locals: new Set<string>(), fromCall: false, awaits: new Set<number>() };
    if (resolving.has(name)) return out;
    resolving.add(name);
    for (const v of direct.get(name) ?? []) {
      if (v.awaits.length) out.fromCall = true;
      v.awaits.forEach((a) => out.awaits.add(a));
      for (const l of v.locals) {
        out.locals.add(l);
        const sub = resolve(l);
        sub.locals.forEach((x) => out.locals.add(x));
        sub.awaits.forEach((a) => out.awaits.add(a));
        out.fromCall ||= sub.fromCall;
      }
    }
    resolving.delete(name);
    done.set(name, out);
    return out;
  };
  for (const name of direct.keys()) resolve(name);
  return done;
}

/** The states a body writes on the failure path of a call it awaits: `Err` arms of a branch on the result. */
function failurePathWrites(nodes: Node[], sources: Map<string, LocalSource>): StatePath[] {
  const out: StatePath[] = [];
  const onResult = (v: Val): boolean => v.awaits.length > 0 || v.locals.some((l) => sources.get(l)?.fromCall);
  const walk = (ns: Node[], failing: boolean): void => {
    for (const n of ns) {
      if (n.kind === 'write' && failing) out.push(n.state);
      else if (n.kind === 'branch') {
        const decides = onResult(n.cond);
        n.arms.forEach((arm, i) => walk(arm, failing || (decides && n.failureArms?.[i] === true)));
      } else if (n.kind === 'loop' || n.kind === 'block') walk(n.body, failing);
      else if (n.kind === 'try') {
        walk(n.body, failing);
        walk(n.catchBody ?? [], true);
        walk(n.finallyBody ?? [], failing);
      }
    }
  };
  walk(nodes, false);
  return out;
}

/**
 * The pre-order of the body being summarised (`forEachNode`'s order): the summary walks it a dozen times, and
 * a body with callees replayed into it is large.
 */
let walking: { nodes: Node[]; order: Node[] } | undefined;

/** `forEachNode`, from the pre-order above when `nodes` is the body being summarised. */
function eachNode(nodes: Node[], f: (n: Node) => void): void {
  if (walking?.nodes !== nodes) return forEachNode(nodes, f);
  for (const n of walking.order) f(n);
}

export function summarise(fn: FnInfo, facts: FnFacts): FnSummary {
  const outer = walking;
  const order: Node[] = [];
  forEachNode(facts.nodes, (n) => void order.push(n));
  walking = { nodes: facts.nodes, order };
  try {
    return summariseBody(fn, facts);
  } finally {
    walking = outer;
  }
}

function summariseBody(fn: FnInfo, facts: FnFacts): FnSummary {
  const seen = new Map<string, AccessSummary>();
  const sources = localSources(facts.nodes);
  markGeneratedKeys(facts.nodes);
  const restored = failurePathWrites(facts.nodes, sources);
  const guards = guardsOf(facts.nodes, fn.params);
  const readSrc = readSources(facts.nodes);
  const readsBefore = new Map<number, StatePath>();
  // A check of state the function itself writes before it commits is check-and-mark, its own affair: the
  // caller need not see it as a check (it would look like a lock taken there). Not so for a write an earlier
  // call made before a check replayed from a later call (a config stored, then a salt checked by another
  // helper): the two calls are separate steps.
  const marked: { node: WriteNode; at: number; call?: Range }[] = [];
  const position = new Map<Node, number>();
  let committed = false;
  eachNode(facts.nodes, (n) => {
    position.set(n, position.size);
    if (n.kind === 'await' && n.commit !== 'none') committed = true;
    if (n.kind === 'write' && !committed)
      marked.push({ node: n, at: position.get(n) ?? 0, ...(n.inCallee ? { call: n.range } : {}) });
  });
  // A replayed check the callee already kept as one (it has its own next commit point) is not undone by the
  // callee's own earlier writes either.
  const earlierCall = (m: { at: number; call?: Range }, read: ReadNode): boolean =>
    !!m.call &&
    !!read.inCallee &&
    m.at < (position.get(read) ?? 0) &&
    (!!read.commitNext ||
      m.call.start.line !== read.range.start.line ||
      m.call.start.character !== read.range.start.character);
  const arms = armsOf(facts.nodes);
  // A write in another arm of a branch the read is in (another impl of a trait, another `match` arm) is not
  // made on the read's path.
  const marksItself = (read: ReadNode) =>
    marked.some(
      (m) =>
        sameStateOf(m.node.state, read.state) &&
        !earlierCall(m, read) &&
        !exclusive(arms, read, m.node) &&
        !exclusiveAlternatives(read.alts, m.node.alts),
    );
  const sameRoot = (a: StatePath, b: StatePath) => a.root === b.root;
  const readStates = new Map<number, StatePath>();
  eachNode(facts.nodes, (n) => {
    if (n.kind === 'read') readStates.set(n.id, n.state);
  });
  let afterCommit = false;
  let readsCaller = false;
  let trap: TrapSummary | undefined;
  let trapAfterCommit: TrapSummary | undefined;
  const nextCommit = commitsAfter(fn, facts.nodes);
  const records = recordsOfCalls(fn, facts, sources);
  const variants = variantArms(facts.nodes, fn.params);
  const rechecked = recheckedWrites(facts.nodes, readStates);
  const committing = new Set<number>();
  forEachNode(facts.nodes, (n) => void (n.kind === 'await' && n.commit !== 'none' && committing.add(n.id)));
  // A key made from what an await that may commit returned (directly or through locals), and from nothing the
  // caller gave or the function read before its commit point: those may name the entry read before.
  const keyedByCommit = (key: Val | undefined): boolean => {
    if (!key) return false;
    const locals = new Set(key.locals);
    key.locals.forEach((l) => sources.get(l)?.locals.forEach((x) => locals.add(x)));
    const awaits = [...key.awaits, ...[...locals].flatMap((l) => [...(sources.get(l)?.awaits ?? [])])];
    const reads = [...key.reads, ...[...locals].flatMap((l) => [...(readSrc.get(l)?.reads ?? [])])];
    return (
      awaits.some((id) => committing.has(id)) &&
      !fn.params.some((p) => locals.has(p)) &&
      !reads.some((id) => earlyReads.has(id))
    );
  };
  const callerKey = (key: string) =>
    !fn.params.includes(key) && (key === CALLER_KEY || !!facts.callerNames?.includes(key));
  // A trap limited to some variants is kept only until one that any call may reach is found.
  const firstTrap = (old: TrapSummary | undefined, t: TrapSummary) =>
    !old || (old.variant && !t.variant) ? t : old;
  // After an await that may commit, the rest of that path may run in a later message: replay it after the
  // caller's await. A path that left before the await (an early `return`) does not lead to what follows it.
  const lateNodes = afterCommitNodes(facts.nodes, (n) => n.commit !== 'none');
  const held = heldGuards(fn, facts.nodes, lateNodes, callerKey);
  const decides = new Set([...guards.reads, ...resultReads(facts.nodes, readSrc, facts.tail?.val)]);
  const picks = cursorPicks(facts.nodes, readSrc, lateNodes, fn.params, decides);
  const earlyReads = new Set<number>();
  forEachNode(facts.nodes, (n) => void (n.kind === 'read' && !lateNodes.has(n) && earlyReads.add(n.id)));
  let firstCommit: Range | undefined;
  let commitAhead: Range | undefined;
  eachNode(facts.nodes, (n) => {
    if (!commitAhead && n.kind === 'await' && n.commit !== 'none') commitAhead = n.range;
  });
  eachNode(facts.nodes, (n) => {
    afterCommit = lateNodes.has(n);
    if (n.kind === 'await' && n.commit !== 'none') firstCommit ??= n.range;
    if (n.kind === 'caller') readsCaller = true;
    const variant = variants.get(n);
    if (n.kind === 'trap') {
      const onParams = paramsOf(fn, sources, [n.value, n.cond]);
      // A trap replayed from a callee is where it is in that callee (the deepest function, named).
      const where: TrapSummary = {
        cause: n.cause,
        ...(n.inCallee ?? { range: n.range, file: fn.file.path, fn: displayName(fn) }),
        ...(variant ? { variant } : {}),
        ...(onParams.length ? { onParams } : {}),
      };
      if (afterCommit) trapAfterCommit = firstTrap(trapAfterCommit, where);
      else trap = firstTrap(trap, where);
    }
    if (n.kind !== 'read' && n.kind !== 'write') return;
    const { keyParam: idx, keyField } = keyOfParams(fn, n.key);
    const access: AccessSummary = { write: n.kind === 'write', state: n.state };
    if (variant) access.variant = variant;
    if (idx >= 0) access.keyParam = idx;
    if (idx >= 0 && keyField) access.keyField = keyField;
    else if (n.key !== undefined && callerKey(n.key)) access.keyCaller = true;
    const region = held.regionOf(n);
    if (region !== undefined) access.underGuard = region;
    if (n.kind === 'write' && n.mark) access.mark = n.mark;
    if (afterCommit) access.afterCommit = true;
    if ((n.kind === 'read' || n.kind === 'write') && n.alts) access.alts = n.alts;
    if (n.kind === 'read' && facts.returnsCopy?.read === n)
      access.returned = { entry: facts.returnsCopy.entry };
    if (n.kind === 'write') {
      const whole = facts.wholeParamWrites?.get(n);
      if (whole) access.writesParam = whole;
      if (n.restore) access.restore = true;
    }
    if (n.kind === 'read' && guards.reads.has(n.id) && !marksItself(n)) access.guard = true;
    const cursor = n.kind === 'read' ? picks.get(n.id) : undefined;
    if (cursor) access.cursorPick = cursor;
    if (n.kind === 'read' && !afterCommit) readsBefore.set(n.id, n.state);
    // An entry picked by a call's result after the commit point is none the function read before it.
    if (n.kind === 'write' && afterCommit && (n.freshKey || keyedByCommit(n.keyVal))) access.freshKey = true;
    if (n.kind === 'write' && n.generatedKey) access.generatedKey = true;
    // A plain store (not an insert/remove of a marker) of exactly the state read before: a copy written back.
    if (n.kind === 'write' && afterCommit && !n.mark && !access.freshKey) {
      const ids = [...n.value.reads, ...n.value.locals.flatMap((l) => [...(readSrc.get(l)?.reads ?? [])])];
      const copied = (id: number) => {
        const r = readsBefore.get(id);
        return r !== undefined && r.root === n.state.root && r.field === n.state.field && sameSub(r, n.state);
      };
      if (ids.some(copied)) access.staleRead = true;
    }
    if (n.kind === 'write') {
      const locals = new Set(n.value.locals);
      let fromCall = n.value.awaits.length > 0;
      for (const l of n.value.locals) {
        const src = sources.get(l);
        src?.locals.forEach((x) => locals.add(x));
        fromCall ||= src?.fromCall ?? false;
      }
      const params = fn.params.flatMap((p, i) => (locals.has(p) ? [i] : []));
      if (params.length) access.valueParams = params;
      if (fromCall) access.fromCall = true;
      const readsState =
        n.value.reads.length > 0 || n.value.locals.some((l) => (readSrc.get(l)?.reads.size ?? 0) > 0);
      if (readsState || n.valueReadsState) access.readsState = true;
      if (fromCall && !readsState && n.key === undefined && !n.mark && !n.unknown && !n.resync && !n.inCallee)
        access.resync = true;
      else if (n.resync) access.resync = true;
      if (n.rechecked || rechecked.has(n)) access.rechecked = true;
      const record = records.get(n);
      if (record) access.recordOf = record;
      if (n.step || isConstantStep(n.value, n.state, readStates)) access.step = true;
      if (n.pruning) access.pruning = true;
      // Restored on the failure path here, or already by a callee it replays.
      if (n.handled || (!afterCommit && restored.some((r) => sameRoot(r, n.state)))) access.handled = true;
    }
    // The first occurrence's place is kept; it is not part of the access's identity. A copy written back is
    // shown where it is made stale (here, unless a callee made it), not in the helper that stores it.
    // A check followed by another commit point is another check (a finding points at its own await).
    if (access.guard) {
      const commitNext = nextCommit(n);
      if (commitNext) access.commitNext = commitNext;
    }
    const identity = JSON.stringify(access);
    const here = { fn: displayName(fn), file: fn.file.path, range: n.range };
    const copiedHere = access.staleRead && n.kind === 'write' && !n.staleCopy;
    if (!seen.has(identity)) {
      const across =
        n.kind === 'write' && access.staleRead
          ? (n.staleCopy ?? (firstCommit && { file: fn.file.path, range: firstCommit }))
          : undefined;
      const checked =
        n.kind === 'read' && access.guard
          ? (n.checkedBefore ?? (commitAhead && { file: fn.file.path, range: commitAhead }))
          : undefined;
      seen.set(identity, {
        ...access,
        site: copiedHere ? here : (n.inCallee ?? here),
        ...(across ? { staleAcross: across } : {}),
        ...(checked ? { checkedBefore: checked } : {}),
      });
    }
  });
  const paramAwait = paramAwaitOf(facts);
  const paramsCalledLate = paramsCalledLateOf(facts);
  const paramWrites = mutRefParamsAssigned(fn, facts.nodes);
  const paramEntries = paramEntryOps(fn, facts.paramEntryCalls, committing.size > 0, (v) =>
    paramsOfPlainValue(fn, sources, readSrc, v),
  );
  let commitAt: CommitSite[] | undefined;
  eachNode(facts.nodes, (n) => {
    if (commitAt || n.kind !== 'await' || n.commit === 'none') return;
    commitAt = [{ file: fn.file.path, range: n.range }, ...(n.within ?? [])].slice(0, MAX_COMMIT_CHAIN);
  });
  // In the order they first happen: replayed at a call site, a write before a check stays before it.
  const accesses = [...seen.values()];
  let ignoresCallFailure = false;
  eachNode(facts.nodes, (n) => {
    if (n.kind === 'await' && n.commit !== 'none' && n.handling === 'ignored') ignoresCallFailure = true;
  });
  return {
    accesses,
    commits: commitSummary(facts.nodes),
    ...(trap ? { trap } : {}),
    ...(trapAfterCommit ? { trapAfterCommit } : {}),
    ...(facts.call ? { call: facts.call } : {}),
    ...(facts.closureHelper ? { closureHelper: facts.closureHelper } : {}),
    ...(paramAwait ? { paramAwait } : {}),
    ...(paramsCalledLate.length ? { paramsCalledLate } : {}),
    ...(readsCaller ? { readsCaller: true as const } : {}),
    ...(readsCaller && facts.returnsCaller ? { returnsCaller: true as const } : {}),
    ...(guards.params.length ? { guardParams: guards.params } : {}),
    ...(paramWrites.length ? { paramWrites } : {}),
    ...(commitAt ? { commitAt } : {}),
    ...(facts.tower ? { tower: facts.tower } : {}),
    ...(ignoresCallFailure ? { ignoresCallFailure: true as const } : {}),
    ...(held.guards.length ? { heldGuards: held.guards } : {}),
    ...(paramEntries.length ? { paramEntries } : {}),
    ...(facts.calls?.length ? { calls: facts.calls } : {}),
  };
}

/** The parameters a value is built from, when it reads no state and no call's result; else undefined. */
function paramsOfPlainValue(
  fn: FnInfo,
  sources: Map<string, LocalSource>,
  readSrc: ReturnType<typeof readSources>,
  v: Val,
): number[] | undefined {
  const locals = new Set(v.locals);
  v.locals.forEach((l) => sources.get(l)?.locals.forEach((x) => locals.add(x)));
  const fromCall = v.awaits.length > 0 || v.locals.some((l) => sources.get(l)?.fromCall);
  const reads = v.reads.length > 0 || [...locals].some((l) => (readSrc.get(l)?.reads.size ?? 0) > 0);
  if (fromCall || reads) return undefined;
  return fn.params.flatMap((p, i) => (locals.has(p) ? [i] : []));
}

/** A key naming a parameter or a field path under one (`receiver.owner`), not under `self`. */
function keyOfParams(fn: FnInfo, key: string | undefined): { keyParam: number; keyField?: string } {
  if (key === undefined) return { keyParam: -1 };
  const whole = fn.params.indexOf(key);
  if (whole >= 0) return { keyParam: whole };
  const [head, ...rest] = key.split('.');
  const param = head === 'self' || !rest.length ? -1 : fn.params.indexOf(head);
  return param >= 0 ? { keyParam: param, keyField: rest.join('.') } : { keyParam: -1 };
}

/** The key a replayed access or guard gets when the callee keyed it by the message's caller. */
export const CALLER_KEY = 'msg_caller()';

/** A key naming an enum variant (`TaskType::Sync`): the same in every call. */
const CONSTANT_KEY = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)+$/;

/**
 * The guards a body holds across its commit points, and which of them covers a given access: its own guards
 * bound at the top of the body before its first commit point (dropped at its end) cover what follows them; a
 * callee's replayed guard covers the accesses replayed under it. A guard whose key a call site cannot name is
 * left out (without a key it would exclude every holder).
 */
function heldGuards(
  fn: FnInfo,
  nodes: Node[],
  late: Set<Node>,
  callerKey: (key: string) => boolean,
): { guards: HeldGuard[]; regionOf: (n: Node) => number | undefined } {
  const guards: HeldGuard[] = [];
  const own: { at: number; index: number }[] = [];
  const scoped = new Map<number, number>();
  const position = new Map<Node, number>();
  eachNode(nodes, (n) => void position.set(n, position.size));
  const top = new Set(nodes);
  eachNode(nodes, (n) => {
    if (n.kind !== 'guard' || n.droppedImmediately || late.has(n)) return;
    if (n.scope === undefined && (!top.has(n) || droppedEarly(fn, n.binding))) return;
    const key = heldKey(fn, n.key, callerKey);
    if (!key) return;
    guards.push({ typeName: n.typeName, lock: n.lock, ...key });
    if (n.scope !== undefined) scoped.set(n.scope, guards.length - 1);
    else own.push({ at: position.get(n) ?? 0, index: guards.length - 1 });
  });
  const regionOf = (n: Node): number | undefined => {
    const inCallee = (n.kind === 'read' || n.kind === 'write') && n.underGuard !== undefined;
    const replayed = inCallee ? scoped.get(n.underGuard!) : undefined;
    if (replayed !== undefined) return replayed;
    const at = position.get(n) ?? -1;
    return own.find((g) => g.at < at)?.index;
  };
  return { guards, regionOf };
}

/** The body drops the guard's binding itself (`drop(guard)`): it may be released before the end. */
function droppedEarly(fn: FnInfo, binding: string | undefined): boolean {
  return !!binding && new RegExp(`\\bdrop\\(\\s*${binding}\\s*\\)`).test(fn.node.text);
}

function heldKey(
  fn: FnInfo,
  key: string | undefined,
  callerKey: (key: string) => boolean,
): Omit<HeldGuard, 'typeName' | 'lock'> | undefined {
  if (key === undefined) return {};
  const param = fn.params.indexOf(key);
  if (param >= 0) return { keyParam: param };
  if (callerKey(key)) return { keyCaller: true };
  return CONSTANT_KEY.test(key) ? { key } : undefined;
}

/**
 * For a read: the first commit point after it in the body (pre-order is evaluation order), as a chain into the
 * callees; a read replayed from a callee keeps the callee's own, which is nearer.
 */
function commitsAfter(fn: FnInfo, nodes: Node[]): (read: Node) => CommitSite[] | undefined {
  const order = new Map<Node, number>();
  const commits: { at: number; chain: CommitSite[] }[] = [];
  eachNode(nodes, (n) => {
    order.set(n, order.size);
    if (n.kind === 'await' && n.commit !== 'none')
      commits.push({
        at: order.size,
        chain: [{ file: fn.file.path, range: n.range }, ...(n.within ?? [])].slice(0, MAX_COMMIT_CHAIN),
      });
  });
  return (read) => {
    if (read.kind === 'read' && read.commitNext) return read.commitNext;
    const at = order.get(read) ?? Infinity;
    return commits.find((c) => c.at > at)?.chain;
  };
}

/** For each node of a body: the branch arms it sits in (branch, arm index), outermost first. */
function armsOf(nodes: Node[]): Map<Node, [Node, number][]> {
  const out = new Map<Node, [Node, number][]>();
  const walk = (ns: Node[], path: [Node, number][]): void => {
    for (const n of ns) {
      out.set(n, path);
      if (n.kind === 'branch') n.arms.forEach((arm, i) => walk(arm, [...path, [n, i]]));
      else if (n.kind === 'loop' || n.kind === 'block') walk(n.body, path);
      else if (n.kind === 'try')
        [n.body, n.catchBody ?? [], n.finallyBody ?? []].forEach((b) => walk(b, path));
    }
  };
  walk(nodes, []);
  return out;
}

/** `a` and `b` sit in different arms of one branch: no run reaches both. */
function exclusive(arms: Map<Node, [Node, number][]>, a: Node, b: Node): boolean {
  const pa = arms.get(a) ?? [];
  const pb = arms.get(b) ?? [];
  return pa.some(([br, i]) => pb.some(([bb, j]) => bb === br && j !== i));
}

/** The `&mut` parameters a body assigns (a `local` node of the parameter's own name) before it commits. */
function mutRefParamsAssigned(fn: FnInfo, nodes: Node[]): number[] {
  const assigned = new Set<string>();
  let committed = false;
  eachNode(nodes, (n) => {
    if (n.kind === 'await' && n.commit !== 'none') committed = true;
    if (n.kind === 'local' && !committed) assigned.add(n.name);
  });
  return fn.params.flatMap((p, i) =>
    /^&\s*mut\b/.test(fn.paramTypes[i]?.trim() ?? '') && assigned.has(p) ? [i] : [],
  );
}

/** The same state, or one a field of the other (a read of the whole root covers its fields). */
export function sameStateOf(a: StatePath | undefined, b: StatePath): boolean {
  return (
    !!a &&
    a.root === b.root &&
    (a.field === undefined || b.field === undefined || (a.field === b.field && sameSub(a, b)))
  );
}

/** The parameters (through the locals they flow into) that any of `vals` depends on. */
function paramsOf(fn: FnInfo, sources: Map<string, LocalSource>, vals: (Val | undefined)[]): number[] {
  const locals = new Set<string>();
  for (const v of vals)
    for (const l of v?.locals ?? []) {
      locals.add(l);
      sources.get(l)?.locals.forEach((x) => locals.add(x));
    }
  return fn.params.flatMap((p, i) => (locals.has(p) ? [i] : []));
}

/**
 * The writes that record a committed call (SPEC §5, Traps): made after an await that may commit, from that
 * call's result (or replayed from a callee where they are such a record), with no commit point after them in
 * this function (in source order, which counts a commit in another arm too: fewer records, never more).
 * `errorAfter` when the next exit after one, before any commit point, is an error (`return Err(…)`, a `?` other
 * than on the writing call's own result), or the callee already said so.
 */
function recordsOfCalls(
  fn: FnInfo,
  facts: FnFacts,
  sources: Map<string, LocalSource>,
): Map<Node, { at: CommitSite; errorAfter?: true }> {
  const nodes = facts.nodes;
  // Each node in source order, with the lists that hold it (its own, then the enclosing ones).
  const order: Node[] = [];
  const lists = new Map<Node, Node[][]>();
  const walk = (list: Node[], outer: Node[][]): void => {
    const chain = [list, ...outer];
    for (const n of list) {
      order.push(n);
      lists.set(n, chain);
      if (n.kind === 'branch') n.arms.forEach((arm) => walk(arm, chain));
      else if (n.kind === 'loop' || n.kind === 'block') walk(n.body, chain);
      else if (n.kind === 'try')
        [n.body, n.catchBody ?? [], n.finallyBody ?? []].forEach((b) => walk(b, chain));
    }
  };
  walk(nodes, []);
  const commits = (n: Node) => n.kind === 'await' && n.commit !== 'none';
  const awaitIds = order.map((n) => (n.kind === 'await' ? n.id : -1));
  const out = new Map<Node, { at: CommitSite; errorAfter?: true }>();
  let lastCommit: Node | undefined;
  order.forEach((n, i) => {
    if (commits(n)) lastCommit = n;
    if (n.kind !== 'write' || n.unknown || n.mark || !lastCommit) return;
    // Its value comes from a call's result (here, or given to a synchronous helper that stores it).
    const direct =
      !n.recordOf &&
      (n.value.awaits.length > 0 || n.value.locals.some((l) => sources.get(l)?.fromCall)) &&
      !n.resync;
    const at = n.recordOf?.at ?? (direct ? { file: fn.file.path, range: lastCommit.range } : undefined);
    if (!at) return;
    // A callee's error after its record reaches this function's caller only when this function passes the
    // callee's result on (`return f().await`, a tail `f().await`), not when it wraps it (`Ok(f().await)`).
    const calleeError = !!n.recordOf?.errorAfter;
    // (The callee's await is not always the last one before the record: what a closure given to it awaits is
    // replayed between them.)
    const before = new Set(awaitIds.slice(0, i + 1).filter((id) => id >= 0));
    const passesOn = (v: Val | undefined, ok: boolean) =>
      calleeError && !ok && !!v?.awaits.some((id) => before.has(id));
    let errorAfter = false;
    let ended = false;
    for (const next of order.slice(i + 1)) {
      if (commits(next)) return;
      if (next.kind !== 'exit' || next.calleeCheck) continue;
      if (containsRange(next.range, n.range)) {
        // On the awaited callee's result (`f().await?`) it passes the callee's error on; on a synchronous
        // helper's (`store(…)?`, a check replayed at the call) it is the helper's own failure: no record made.
        if (n.recordOf && calleeError && next.how === 'propagate') errorAfter = true;
      } else if (next.how === 'propagate' || (next.how === 'return' && next.error)) errorAfter = true;
      if (next.how === 'return' && passesOn(next.value, !!next.ok)) errorAfter = true;
      // A `return` in this write's own list or an enclosing one ends every path through the write.
      if (next.how !== 'propagate' && lists.get(n)?.includes(lists.get(next)![0])) {
        ended = true;
        break;
      }
    }
    if (!ended && facts.tail && passesOn(facts.tail.val, facts.tail.ok)) errorAfter = true;
    out.set(n, { at, ...(errorAfter ? { errorAfter: true as const } : {}) });
  });
  return out;
}
