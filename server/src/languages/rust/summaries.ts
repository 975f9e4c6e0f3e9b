/**
 * Function summaries: what a workspace function does to shared state, whether it may trap and whether it
 * performs an inter-canister call, transitively. Computed by lowering every function with the current
 * summaries until nothing changes (a fixpoint over the call graph, cycles included), over all crates of the
 * workspace at once: a call into another crate is an edge like any other.
 */
import { afterCommitNodes, commitSummary, type CommitSummary } from '../../model/commit-paths';
import {
  exclusiveAlternatives,
  forEachNode,
  type CalleeSite,
  type CallInfo,
  type CommitKind,
  type Node,
  type Range,
  type ReadNode,
  type StatePath,
  type TrapCause,
  type Val,
  type WriteNode,
} from '../../model/ir';
import { displayName, type FnInfo } from './crate-index';
import { guardsOf, readSources } from './summary-guards';
import type { TowerVal } from './tower-services';

export interface AccessSummary {
  write: boolean;
  state: StatePath;
  /** Index into the function's parameters when the access is keyed by one. */
  keyParam?: number;
  mark?: 'set' | 'clear';
  /** After the function's own first commit point: at a call site it happens after the `.await` on it. */
  afterCommit?: true;
  /** Where its first such access is, in this function or (transitively) in one it calls. */
  site?: CalleeSite;
  /** For a write: the parameters its value depends on (at a call site, only those arguments flow into it). */
  valueParams?: number[];
  /** For a write: its value comes from the result of a call the function awaits (a re-sync, a record). */
  fromCall?: true;
  /**
   * For a write before the function's commit point: the function itself restores that state when its call
   * fails (a refund in the `Err` arm), so a caller that ignores the result leaves nothing un-rolled-back.
   */
  handled?: true;
  /** For a write: the state stepped by a constant (`count += 1`), its value reading only that state. */
  step?: true;
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
   * For a check: the first commit point after it (its await, then where that await's callee suspends), so a
   * finding about the check at a call site can point at the await that makes it stale.
   */
  commitNext?: CommitSite[];
  /**
   * For a write after the function's commit point: its value comes from a read of the same state made before
   * it (a copy written back), so at a call site it carries the caller's replay of that read.
   */
  staleRead?: true;
  /** For a `staleRead` write: the await the copy is held across, in the function that made the copy. */
  staleAcross?: CommitSite;
  /** For a `guard` read: the first await that may commit after it, in the function that checks and commits. */
  checkedBefore?: CommitSite;
  /** Made under these alternatives of calls that run one of several impls (see `exclusiveAlternatives`). */
  alts?: string[];
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
  forEachNode(nodes, (n) => {
    if (n.kind !== 'branch' || !n.armVariants || n.cond.reads.length || n.cond.locals.length !== 1) return;
    const param = params.indexOf(n.cond.locals[0]);
    if (param < 0) return;
    n.arms.forEach((arm, i) => {
      const names = n.armVariants?.[i];
      if (names) forEachNode(arm, (x) => void (out.has(x) || out.set(x, { param, names })));
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
  forEachNode(nodes, (n) => void (n.kind === 'await' && n.commit !== 'none' && (commits = true)));
  if (commits) return out;
  const walk = (ns: Node[], conds: Val[]): void => {
    for (const n of ns) {
      if (n.kind === 'write' && !n.mark) {
        const same = (id: number) => {
          const r = readStates.get(id);
          return r !== undefined && r.root === n.state.root && r.field === n.state.field;
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
    return r !== undefined && r.root === state.root && r.field === state.field;
  });
}

/** What lowering one function reports besides its nodes. */
export interface FnFacts {
  nodes: Node[];
  call?: FnSummary['call'];
  closureHelper?: FnSummary['closureHelper'];
  returnsCaller?: true;
  tower?: TowerVal;
  /** Workspace functions it calls: the edges of the call graph. */
  callees?: FnInfo[];
  /**
   * Awaits of a parameter's future: await id → parameter index. An await on a workspace function the parameter
   * is handed on to (`run(f)` inside `wrap(f)`) follows the parameter with that function's own kinds
   * (`ifCommit`/`ifNever`, default commit/none); `late` when that function awaits it after a commit of its own.
   */
  paramAwaits?: ParamAwait[];
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

function paramAwaitOf(facts: FnFacts): FnSummary['paramAwait'] {
  const awaits = facts.paramAwaits;
  if (!awaits?.length) return undefined;
  const kinds = (pick: (a: ParamAwait) => CommitKind) => new Map(awaits.map((a) => [a.id, pick(a)]));
  // A parameter awaited before anything else may commit on its path (the parameter's own futures count: when
  // it commits, what follows its await runs in a later message).
  const paramIds = new Set(awaits.map((a) => a.id));
  const after = afterCommitNodes(facts.nodes, (n) => paramIds.has(n.id) || n.commit !== 'none');
  const early = new Set<number>();
  forEachNode(facts.nodes, (n) => {
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

/** Per local of a body: the locals it depends on (transitively) and whether it holds an awaited result. */
function localSources(nodes: Node[]): Map<string, { locals: Set<string>; fromCall: boolean }> {
  const direct = new Map<string, Val[]>();
  forEachNode(nodes, (n) => {
    if (n.kind === 'local') direct.set(n.name, [...(direct.get(n.name) ?? []), n.value]);
  });
  const done = new Map<string, { locals: Set<string>; fromCall: boolean }>();
  const resolving = new Set<string>();
  const resolve = (name: string): { locals: Set<string>; fromCall: boolean } => {
    const known = done.get(name);
    if (known) return known;
    const out = { locals: new Set<string>(), fromCall: false };
    if (resolving.has(name)) return out;
    resolving.add(name);
    for (const v of direct.get(name) ?? []) {
      if (v.awaits.length) out.fromCall = true;
      for (const l of v.locals) {
        out.locals.add(l);
        const sub = resolve(l);
        sub.locals.forEach((x) => out.locals.add(x));
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
function failurePathWrites(
  nodes: Node[],
  sources: Map<string, { locals: Set<string>; fromCall: boolean }>,
): StatePath[] {
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

export function summarise(fn: FnInfo, facts: FnFacts): FnSummary {
  const seen = new Map<string, AccessSummary>();
  const sources = localSources(facts.nodes);
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
  forEachNode(facts.nodes, (n) => {
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
  forEachNode(facts.nodes, (n) => {
    if (n.kind === 'read') readStates.set(n.id, n.state);
  });
  let afterCommit = false;
  let readsCaller = false;
  let trap: TrapSummary | undefined;
  let trapAfterCommit: TrapSummary | undefined;
  const nextCommit = commitsAfter(fn, facts.nodes);
  const variants = variantArms(facts.nodes, fn.params);
  const rechecked = recheckedWrites(facts.nodes, readStates);
  // A trap limited to some variants is kept only until one that any call may reach is found.
  const firstTrap = (old: TrapSummary | undefined, t: TrapSummary) =>
    !old || (old.variant && !t.variant) ? t : old;
  // After an await that may commit, the rest of that path may run in a later message: replay it after the
  // caller's await. A path that left before the await (an early `return`) does not lead to what follows it.
  const lateNodes = afterCommitNodes(facts.nodes, (n) => n.commit !== 'none');
  let firstCommit: Range | undefined;
  let commitAhead: Range | undefined;
  forEachNode(facts.nodes, (n) => {
    if (!commitAhead && n.kind === 'await' && n.commit !== 'none') commitAhead = n.range;
  });
  forEachNode(facts.nodes, (n) => {
    afterCommit = lateNodes.has(n);
    if (n.kind === 'await' && n.commit !== 'none') firstCommit ??= n.range;
    if (n.kind === 'caller') readsCaller = true;
    const variant = variants.get(n);
    if (n.kind === 'trap') {
      // A trap replayed from a callee is where it is in that callee (the deepest function, named).
      const where: TrapSummary = {
        cause: n.cause,
        ...(n.inCallee ?? { range: n.range, file: fn.file.path, fn: displayName(fn) }),
        ...(variant ? { variant } : {}),
      };
      if (afterCommit) trapAfterCommit = firstTrap(trapAfterCommit, where);
      else trap = firstTrap(trap, where);
    }
    if (n.kind !== 'read' && n.kind !== 'write') return;
    const idx = n.key === undefined ? -1 : fn.params.indexOf(n.key);
    const access: AccessSummary = { write: n.kind === 'write', state: n.state };
    if (variant) access.variant = variant;
    if (idx >= 0) access.keyParam = idx;
    if (n.kind === 'write' && n.mark) access.mark = n.mark;
    if (afterCommit) access.afterCommit = true;
    if ((n.kind === 'read' || n.kind === 'write') && n.alts) access.alts = n.alts;
    if (n.kind === 'read' && guards.reads.has(n.id) && !marksItself(n)) access.guard = true;
    if (n.kind === 'read' && !afterCommit) readsBefore.set(n.id, n.state);
    // A plain store (not an insert/remove of a marker) of exactly the state read before: a copy written back.
    if (n.kind === 'write' && afterCommit && !n.mark) {
      const ids = [...n.value.reads, ...n.value.locals.flatMap((l) => [...(readSrc.get(l)?.reads ?? [])])];
      const copied = (id: number) => {
        const r = readsBefore.get(id);
        return r !== undefined && r.root === n.state.root && r.field === n.state.field;
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
      if (fromCall && !readsState && n.key === undefined && !n.mark && !n.unknown && !n.resync && !n.inCallee)
        access.resync = true;
      else if (n.resync) access.resync = true;
      if (n.rechecked || rechecked.has(n)) access.rechecked = true;
      if (n.step || isConstantStep(n.value, n.state, readStates)) access.step = true;
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
  const paramWrites = mutRefParamsAssigned(fn, facts.nodes);
  let commitAt: CommitSite[] | undefined;
  forEachNode(facts.nodes, (n) => {
    if (commitAt || n.kind !== 'await' || n.commit === 'none') return;
    commitAt = [{ file: fn.file.path, range: n.range }, ...(n.within ?? [])].slice(0, MAX_COMMIT_CHAIN);
  });
  // In the order they first happen: replayed at a call site, a write before a check stays before it.
  const accesses = [...seen.values()];
  let ignoresCallFailure = false;
  forEachNode(facts.nodes, (n) => {
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
    ...(readsCaller ? { readsCaller: true as const } : {}),
    ...(readsCaller && facts.returnsCaller ? { returnsCaller: true as const } : {}),
    ...(guards.params.length ? { guardParams: guards.params } : {}),
    ...(paramWrites.length ? { paramWrites } : {}),
    ...(commitAt ? { commitAt } : {}),
    ...(facts.tower ? { tower: facts.tower } : {}),
    ...(ignoresCallFailure ? { ignoresCallFailure: true as const } : {}),
  };
}

/**
 * For a read: the first commit point after it in the body (pre-order is evaluation order), as a chain into the
 * callees; a read replayed from a callee keeps the callee's own, which is nearer.
 */
function commitsAfter(fn: FnInfo, nodes: Node[]): (read: Node) => CommitSite[] | undefined {
  const order = new Map<Node, number>();
  const commits: { at: number; chain: CommitSite[] }[] = [];
  forEachNode(nodes, (n) => {
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
  forEachNode(nodes, (n) => {
    if (n.kind === 'await' && n.commit !== 'none') committed = true;
    if (n.kind === 'local' && !committed) assigned.add(n.name);
  });
  return fn.params.flatMap((p, i) =>
    /^&\s*mut\b/.test(fn.paramTypes[i]?.trim() ?? '') && assigned.has(p) ? [i] : [],
  );
}

/** The same state, or one a field of the other (a read of the whole root covers its fields). */
export function sameStateOf(a: StatePath | undefined, b: StatePath): boolean {
  return !!a && a.root === b.root && (a.field === undefined || b.field === undefined || a.field === b.field);
}

/** Callees before callers (DFS post-order), so one round settles an acyclic call graph. */
function calleesFirst(fns: FnInfo[], edges: Map<FnInfo, FnInfo[]>): { order: FnInfo[]; cyclic: boolean } {
  const order: FnInfo[] = [];
  const seen = new Set<FnInfo>();
  const onStack = new Set<FnInfo>();
  let cyclic = false;
  const visitFn = (root: FnInfo): void => {
    // Iterative DFS: long call chains must not overflow the stack.
    const stack: { fn: FnInfo; next: number }[] = [{ fn: root, next: 0 }];
    seen.add(root);
    onStack.add(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const callees = edges.get(top.fn) ?? [];
      if (top.next < callees.length) {
        const callee = callees[top.next++];
        if (onStack.has(callee)) cyclic = true;
        if (!seen.has(callee)) {
          seen.add(callee);
          onStack.add(callee);
          stack.push({ fn: callee, next: 0 });
        }
      } else {
        order.push(top.fn);
        onStack.delete(top.fn);
        stack.pop();
      }
    }
  };
  fns.forEach((f) => seen.has(f) || visitFn(f));
  return { order, cyclic };
}

/** A summary map that notes which summaries a lowering reads: those functions must be settled first. */
class ReadSummaries extends Map<FnInfo, FnSummary> {
  reads: Set<FnInfo> | undefined;
  override get(fn: FnInfo): FnSummary | undefined {
    this.reads?.add(fn);
    return super.get(fn);
  }
}

/** What a function nobody settled answers, should it be read anyway: unknown, never "no call". */
const UNSETTLED: FnSummary = { accesses: [], commits: 'unknown' };

/**
 * Iterates `lowerFn` until the summaries are stable: one pass in file order over the functions `needed`
 * (and every function their lowering reads the summary of, found as it goes) finds the call graph, then
 * passes in callee-first order re-lower only the functions a changed summary can affect (callers that saw a
 * callee's summary before it changed), so an acyclic graph settles in one pass and a cycle costs only its own
 * functions. Bounded, for pathological cycles. A function that is not needed and that no needed function
 * calls (test code only test code calls) is never lowered: its summary says "unknown".
 */
export function computeSummaries(
  fns: FnInfo[],
  lowerFn: (fn: FnInfo, s: SummaryMap) => FnFacts,
  needed: (fn: FnInfo) => boolean = () => true,
  /** `summarise`, or a caller's memo of it (the language server's, for facts it kept). */
  summariseFacts: (fn: FnInfo, facts: FnFacts) => FnSummary = summarise,
): SummaryMap {
  const summaries = new ReadSummaries(fns.map((f) => [f, { accesses: [] }]));
  const keys = new Map<FnInfo, string>();
  const edges = new Map<FnInfo, FnInfo[]>();
  const callers = new Map<FnInfo, Set<FnInfo>>();
  /** Lowers `fn` with the current summaries; true when its summary changed. */
  const settle = (fn: FnInfo): boolean => {
    summaries.reads = new Set();
    const facts = lowerFn(fn, summaries);
    const read = summaries.reads;
    summaries.reads = undefined;
    // The callees it names, then any other function whose summary it read.
    const callees = [...new Set([...(facts.callees ?? []), ...read])].filter((c) => summaries.has(c));
    edges.set(fn, callees);
    for (const c of callees) {
      let set = callers.get(c);
      if (!set) callers.set(c, (set = new Set()));
      set.add(fn);
    }
    const next = summariseFacts(fn, facts);
    const key = JSON.stringify(next);
    if (key === keys.get(fn)) return false;
    keys.set(fn, key);
    summaries.set(fn, next);
    return true;
  };
  // A caller lowered before its callee saw the callee's empty summary: only it needs another look.
  const step = new Map<FnInfo, number>();
  const queue = fns.filter(needed);
  for (let i = 0; i < queue.length; i++) {
    const fn = queue[i];
    if (step.has(fn)) continue;
    step.set(fn, step.size);
    settle(fn);
    for (const c of edges.get(fn) ?? []) if (!step.has(c)) queue.push(c);
  }
  const settled = fns.filter((f) => step.has(f));
  const { order } = calleesFirst(settled, edges);
  const dirty = new Set<FnInfo>();
  for (const [callee, set] of callers)
    for (const c of set) if (step.get(c)! < step.get(callee)! || c === callee) dirty.add(c);
  for (let pass = 0; pass < 11 && dirty.size; pass++) {
    for (const fn of order) {
      if (!dirty.delete(fn)) continue;
      if (settle(fn)) for (const c of callers.get(fn) ?? []) dirty.add(c);
    }
  }
  const out: SummaryMap = new Map(summaries);
  for (const f of fns) if (!step.has(f)) out.set(f, UNSETTLED);
  return out;
}
