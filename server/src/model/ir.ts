/**
 * The language-neutral message model as the frontends produce it.
 *
 * A frontend (Rust, Motoko) lowers every entry point's body into a small structured IR of the events that
 * matter for commit points: state reads and writes, awaits, local data flow, branches, loops, try/finally,
 * exits, traps and guards. Everything downstream (segments, exposure, rules, LSP, CLI, timeline) is computed
 * from this IR by `analysis.ts`; nothing downstream looks at syntax again.
 *
 * Positions are 0-based lines and 0-based UTF-16 columns (LSP's convention); `positions.ts` converts.
 */

export type Language = 'motoko' | 'rust';

export interface Pos {
  line: number;
  character: number;
}

export interface Range {
  start: Pos;
  end: Pos;
}

/** A state location below a canister's root state: `root`, `root.field` or `root.field.sub`. */
export interface StatePath {
  root: string;
  field?: string;
  /**
   * The field of `field` reached (`STATE.heap.controllers`; Rust): two parts of one struct checked and written
   * apart are two places. Absent when the whole `field` is reached. Names and labels keep `root.field`.
   */
  sub?: string;
  /**
   * The class whose instance owns the variable, when it is a `var` of an object the canister holds (Motoko): it
   * is another variable than the canister's own field of the same name.
   */
  holder?: string;
}

/**
 * What a value depends on. `reads` are ids of `read` nodes; `locals` are local names whose own dependencies are
 * added transitively (flow-insensitively per entry point); `awaits` are ids of `await` nodes whose results flow in.
 */
export interface Val {
  reads: number[];
  locals: string[];
  awaits: number[];
}

export type CommitKind = 'commit' | 'maybe' | 'none';

export type TrapCause =
  | 'unwrap'
  | 'expect'
  /** A workspace function that traps on its argument's `Err`/`None` (`unwrap_or_trap`). */
  | 'unwrap-helper'
  | 'panic'
  | 'index'
  | 'assert'
  | 'underflow'
  | 'trap'
  | 'null-unwrap'
  | 'unreachable';

/** How the code consumes the result of an awaited inter-canister call. */
export type ResultHandling =
  | 'unwrapped' // Rust `.unwrap()` / `.expect()` on the call result: a reject traps in the callback
  | 'propagated' // Rust `?`
  | 'ignored' // `let _ = …`, `….await;`, Motoko `ignore await …`
  | 'bound' // bound to a local (the branches that test it are its handlers)
  | 'matched' // scrutinee of a match/switch/if-let directly
  | 'returned' // Rust: the function's value (tail expression or `return`, also through arms): the caller gets it
  // The callee returns nothing that can fail: Motoko `async ()` (a reject is still a throw); Rust an `async fn`
  // of the workspace returning `()` that checks its own calls' results (their failures are handled inside it).
  | 'unit';

export interface CallInfo {
  /** Callee as written, e.g. `ledger.transfer`, `ic_cdk::call`, `Call::bounded_wait(..).with_arg(..)`. */
  callee: string;
  /** `bounded` (Rust bounded_wait, Motoko `(with timeout = …)`), `unbounded`, or not known. */
  wait: 'bounded' | 'unbounded' | 'unknown';
  /** The callee is the canister itself (Motoko private `async` self-call). */
  selfCall: boolean;
  /** For a self-call: the name of the entry point that runs as its own message. */
  selfCallee?: string;
}

export type Node =
  | ReadNode
  | WriteNode
  | LocalNode
  | AwaitNode
  | BranchNode
  | LoopNode
  | TryNode
  | ExitNode
  | TrapNode
  | GuardNode
  | CallerNode
  | BorrowAcrossAwaitNode
  | UnawaitedAsyncStarNode
  | BlockNode;

interface NodeBase {
  range: Range;
  /**
   * The file `range` is in, when it is not the entry point's: code of another file run inline in this message
   * (a Motoko `async*` body of an imported module or class, at an `await*` of it).
   */
  file?: string;
}

/**
 * Where an access or trap replayed at a call site really is: in the body of the called workspace function or
 * helper `fn` (its own file and line), so findings can point at the cause, not only at the call.
 */
export interface CalleeSite {
  fn: string;
  file: string;
  range: Range;
}

/** A state read; a branch whose `cond` refers to it makes it a check. */
export interface ReadNode extends NodeBase {
  kind: 'read';
  id: number;
  state: StatePath;
  /** Simple key of a map access (`caller`, `msg.caller`, a parameter name); absent when not simple. */
  key?: string;
  /** Replayed from a callee that holds the guard of this `GuardNode.scope` when it makes the access. */
  underGuard?: number;
  /** A workspace helper the access goes through, e.g. `read_state`. */
  via?: string;
  /** Replayed from a callee's summary: where the read is in the callee. */
  inCallee?: CalleeSite;
  /** Replayed check: the callee's first commit point after it, outermost first (see `AwaitNode.within`). */
  commitNext?: { file: string; range: Range }[];
  /**
   * Replayed from a callee that checks this state and then reaches a commit point of its own: that await, where
   * the time of check and the time of use part.
   */
  checkedBefore?: { file: string; range: Range };
  /**
   * Replayed from a callee that picks an entry with this read and moves a cursor (this state) onto the pick
   * before its commit point (`last = next`): a concurrent call starts after it, so the read picks, not guards.
   */
  cursorPick?: StatePath;
  /** Which alternative it belongs to where a call runs one of several impls (see `exclusiveAlternatives`). */
  alts?: string[];
}

/**
 * A state write. `value` is what flows into the written state (for `x -= a` it includes the read of `x` that the
 * frontend emits just before). `mark` is `set` for `flag := true`, `set.add(k)`, `map.insert(k, ())`-like lock
 * markers and `clear` for `flag := false`, `remove`/`delete`; absent for ordinary updates.
 */
export interface WriteNode extends NodeBase {
  kind: 'write';
  state: StatePath;
  key?: string;
  /** Replayed from a callee that holds the guard of this `GuardNode.scope` when it makes the access. */
  underGuard?: number;
  value: Val;
  mark?: 'set' | 'clear';
  /**
   * For a write at a key or position (`buf.put(i, v)`, `Map.set(m, h, k, v)`): what the stored value alone
   * depends on; `value` also has the key's dependencies.
   */
  stored?: Val;
  /**
   * Rust: what the key of a keyed write depends on (`insert(k, v)`: `k`, also when it is no simple name), or, for
   * a write replayed from a callee keyed by a parameter, the argument given for it.
   */
  keyVal?: Val;
  /**
   * Replayed from a callee where the entry it writes is picked by what a call the callee awaited returned (a
   * block index, a new canister's id): an entry chosen after the await on the callee, not one read before it.
   */
  freshKey?: true;
  /**
   * Rust: the key is a value this message generated (a random draw, a counter it stepped when it took the value,
   * here or in a callee): the write inserts an entry no other message writes.
   */
  generatedKey?: true;
  /** Replayed from a callee where the value stored reads state (`insert(k, map.len())`): not in `value` here. */
  valueReadsState?: true;
  via?: string;
  /** A method or function whose effect is not known was called on the state: it may write, or only read. */
  unknown?: true;
  /**
   * Replayed from a callee that writes what a call it awaits returned, or writes after such a call returned:
   * a re-sync or a record of that call.
   */
  fromCall?: true;
  /** Replayed from a callee that restores this state itself when its call fails (it owns the rollback). */
  handled?: true;
  /**
   * Replayed from a callee where it records the result of a call the callee awaited (`at`) and no commit point
   * follows it there: a trap before the next commit point undoes the record while that call's effect stays.
   * `errorAfter`: the callee may return an error after it, with no commit point between.
   */
  recordOf?: { at: { file: string; range: Range }; errorAfter?: true };
  /**
   * Replayed from the body of an awaited `async` function of a class, object or module: it runs as its own
   * message after the commit point, so the change is that call's own effect, complete when it returns.
   */
  ownMessage?: true;
  /** Replayed from a callee where it steps the state by a constant (`count += 1`): a counter, not a value. */
  step?: true;
  /**
   * Evicts what has expired (`usage.evict_expired(now)`, `sessions.retain(|_, s| s.expires > now)`), here or in a
   * callee: upkeep of a cache or statistic, true whatever any call does.
   */
  pruning?: true;
  /**
   * Replayed from a callee where it replaces the whole value (no key, no marker) with what a call it awaited
   * returned, reading no state: a re-sync or a lazily filled cache.
   */
  resync?: true;
  /**
   * Replayed from a synchronous callee where it sits under a condition that reads the state it writes
   * (`if max < v { max = v }`): a re-check made when the write happens. (A value built on the callee's own
   * read of that state is `relative`.)
   */
  rechecked?: true;
  /**
   * Replayed from a synchronous callee where its value is built on the callee's own read of the state it writes
   * (`index := f(index, amount)`): a relative update of the value current at the write, not a saved copy.
   */
  relative?: true;
  /**
   * Replayed from a callee that writes back a copy of the state it read before its own commit point: the
   * await in the callee that the copy is held across (`inCallee` is where it is written back).
   */
  staleCopy?: { file: string; range: Range };
  /**
   * A copy of the state stored back whole (`let mut s = get_state(); s.a = 1; set_state(s)`): the fields the
   * code did not touch get back what the copy's read gave them. The touched fields are written on their own; this
   * write stands for the rest: a lost update when the copy was held across an await, else no change at all.
   */
  restore?: true;
  /** Which alternative it belongs to where a call runs one of several impls (see `exclusiveAlternatives`). */
  alts?: string[];
  /** Replayed from a callee's summary: where the write is in the callee. */
  inCallee?: CalleeSite;
}

/**
 * `let name = value` or `name := value` for a local variable. Locals are resolved flow-insensitively per entry
 * point, so a frontend gives each binding its own name (a shadowing or arm-local `x` becomes `x#2`, …).
 */
export interface LocalNode extends NodeBase {
  kind: 'local';
  name: string;
  value: Val;
}

export interface AwaitNode extends NodeBase {
  kind: 'await';
  id: number;
  /** The `await` / `.await` / `await*` / `await?` keyword itself. */
  keyword: 'await' | '.await' | 'await*' | 'await?';
  commit: CommitKind;
  /** Why this kind: names the callee and, for `none`/`maybe`, why it is not (definitely) a commit point. */
  reason: string;
  /** Range of the awaited expression (the call). */
  exprRange: Range;
  call?: CallInfo;
  handling: ResultHandling;
  /** Reads and writes performed by the awaited expression before it suspends (argument evaluation etc.). */
  args?: Val;
  /**
   * When the awaited future is a function of the workspace: where its own commit point is, followed through
   * the callees it awaits (outermost first), so a finding here can point the reader into the callee.
   */
  within?: { file: string; range: Range }[];
  /**
   * Rust: the inter-canister calls this await reaches, its own first, then (for a workspace function) those the
   * function makes, transitively, as written (capped).
   */
  reaches?: ReachedCall[];
}

/** A call an await reaches (see `AwaitNode.reaches`). */
export interface ReachedCall {
  callee: string;
  /**
   * Its arguments name this canister as where the value goes (`destination_id: id()`): value comes here. For a
   * workspace function: every call it makes does.
   */
  toSelf?: true;
  /** A function of the workspace (its calls follow it), not an inter-canister call itself. */
  wrapper?: true;
  /** A future whose calls are not known (a closure's, an untraced one), or the list was cut here. */
  opaque?: true;
}

/**
 * `if`/`match`/`switch`/`if let`/`while`-condition. `cond` is what the condition depends on. An arm that always
 * exits (return, throw, `?`, trap) makes the code after the branch depend on `cond` (a guard).
 * `unknownOutcomeCheck`: the condition distinguishes an unknown call outcome (`SysUnknown`, `is_clean_reject`,
 * `#system_unknown`, …), used by `unknown-outcome-compensated`.
 */
export interface BranchNode extends NodeBase {
  kind: 'branch';
  cond: Val;
  arms: Node[][];
  /** True when one of `arms` always runs (an `else` exists / the match is exhaustive). */
  exhaustive: boolean;
  /** Per arm: the arm handles the failure of the awaited call (Rust `Err(_)` arm, Motoko `#err` case). */
  failureArms?: boolean[];
  unknownOutcomeCheck?: boolean;
  /**
   * Per arm of a `match` on an enum: the variant names its pattern matches; undefined for an arm that may match
   * any value. Lets a summary replay only the arm a call's argument selects.
   */
  armVariants?: (string[] | undefined)[];
}

export interface LoopNode extends NodeBase {
  kind: 'loop';
  /** Condition evaluated before each iteration (`while c`), if any. */
  cond?: Val;
  body: Node[];
}

/** Motoko `try … catch … finally`. `catchBody` handles rejects of awaits in `body`. */
export interface TryNode extends NodeBase {
  kind: 'try';
  body: Node[];
  catchBody?: Node[];
  finallyBody?: Node[];
}

/** A plain nested block; only for grouping. */
export interface BlockNode extends NodeBase {
  kind: 'block';
  body: Node[];
  /**
   * The body of this `async*` function, run inline at an `await*` of it: a `return` inside ends the block,
   * not the method.
   */
  inlined?: string;
}

/** Leaves the method: `return`, Motoko `throw` (a reject that commits), Rust `?` on an `Err`. */
export interface ExitNode extends NodeBase {
  kind: 'exit';
  how: 'return' | 'throw' | 'propagate';
  /** The returned value is an error (`return Err(…)`): a path that only fails does not decide a commit kind. */
  error?: true;
  /** The returned value is a success (`return Ok(…)`, `Some(…)`): no error it wraps leaves the function. */
  ok?: true;
  /** A callee's check replayed at the call: the callee stops there with its error, which the caller may handle. */
  calleeCheck?: true;
  value?: Val;
  /** For `propagate`: the condition under which it exits (the `?`'s operand). */
  cond?: Val;
}

/** Code that may trap. With `cond` it is a guard like `assert(cond)`: the rest only runs when `cond` holds. */
export interface TrapNode extends NodeBase {
  kind: 'trap';
  cause: TrapCause;
  /**
   * For `unwrap`/`expect`, and for a workspace helper that unwraps or traps (`r.unwrap_or_trap()`): what is
   * unwrapped (may contain an await result).
   */
  value?: Val;
  cond?: Val;
  /** True when the trap happens unconditionally (`panic!`, `Debug.trap`, `Runtime.trap`, `unreachable!`). */
  always?: boolean;
  /** For `underflow`: what the minuend and the subtrahend depend on (a condition comparing both guards it). */
  operands?: [Val, Val];
  /** Replayed from a callee's summary: where the trap is in the callee. */
  inCallee?: CalleeSite;
}

/**
 * A guard value whose `Drop` releases what its constructor took (Rust), bound to `binding` (alive to the end of
 * its block) or dropped at once (`let _ = …` / unbound). `lock` is the state the constructor marks; `key` its key.
 */
export interface GuardNode extends NodeBase {
  kind: 'guard';
  typeName: string;
  binding?: string;
  droppedImmediately: boolean;
  lock: StatePath;
  key?: string;
  /**
   * A guard a called function takes and holds to its own end (replayed at the call): held only where the
   * accesses it covers (`underGuard` of this number) are, not to the end of the entry point.
   */
  scope?: number;
  /** Where the guard's `Drop` may trap, if it may. */
  dropMayTrap?: { range: Range; file: string; cause: TrapCause };
}

/** Rust: the caller is read (`ic_cdk::caller()`, `msg_caller()`), here. */
export interface CallerNode extends NodeBase {
  kind: 'caller';
}

/** Rust: a `RefCell` borrow (`name`) is alive across the `.await` at `awaitRange`. */
export interface BorrowAcrossAwaitNode extends NodeBase {
  kind: 'borrow-across-await';
  name: string;
  state?: StatePath;
  awaitRange: Range;
}

/** Motoko: an `async*` computation that is created and never `await*`ed. */
export interface UnawaitedAsyncStarNode extends NodeBase {
  kind: 'unawaited-async-star';
  callee: string;
}

export type EntryKind =
  | 'update'
  | 'query'
  | 'composite-query'
  | 'init'
  | 'pre-upgrade'
  | 'post-upgrade'
  | 'heartbeat'
  | 'inspect'
  | 'timer'
  | 'low-memory'
  | 'self-call'
  | 'spawn';

export interface EntryPointIR {
  name: string;
  kind: EntryKind;
  /** Range of the function name. */
  nameRange: Range;
  /** Range of the whole function. */
  range: Range;
  params: string[];
  /** Local names bound to the caller at entry (Motoko `msg.caller` via `shared(msg)`, Rust `let caller = caller()`). */
  callerNames?: string[];
  /**
   * A timer or spawned task: keys of its accesses that are locals it captured from the code that starts it,
   * holding a value that code generated (`generatedKey`): each run is handed its own key, so two runs never
   * touch the same entry through it.
   */
  instanceKeys?: string[];
  body: Node[];
}

/** Every await of a file, also outside entry points, for annotations. */
export interface AwaitAnnotation {
  range: Range;
  keyword: AwaitNode['keyword'];
  commit: CommitKind;
  reason: string;
  /** Enclosing function name. */
  functionName: string;
}

export interface ParseError {
  range: Range;
  message: string;
}

/** A part of a file that was not analysed (a nesting limit, an internal error in one function), and why. */
export interface Notice {
  range: Range;
  message: string;
}

export interface FileModel {
  /** Path as given to the analysis (CLI: relative to cwd; LSP: fs path). */
  file: string;
  language: Language;
  /** Files analysed together share state and interleave: a Rust crate, a Motoko actor. */
  canister: string;
  parseErrors: ParseError[];
  /** Set when the file was not analysed; says why. */
  skipped?: string;
  /**
   * Set when the file is not canister code (a host tool, a test harness, an integration test): it gets no
   * commit-point annotations and no findings; says why.
   */
  notCanisterCode?: string;
  /** Parts of an analysed file that were left out; the rest of the file is analysed. */
  notices?: Notice[];
  entryPoints: EntryPointIR[];
  awaits: AwaitAnnotation[];
  /** State roots declared in this file (for hovers and docs), with their declaration range. */
  stateDecls: { root: string; range: Range }[];
  /** Part of a test double (a crate named `fake-…`, `mock-…`, `…-test`): never deployed, so findings are infos. */
  testDouble?: true;
}

export function stateName(s: StatePath): string {
  return s.field ? `${s.root}.${s.field}` : s.root;
}

/**
 * Calls `f` on every node of `nodes` and on the nodes nested in them, in lowering order (a node before its
 * arms and bodies). With `intoInlined` false it does not enter inlined `async*` bodies (their `return`s are
 * their own).
 */
/**
 * Accesses replayed from a call that runs one of several impls (a `dyn Trait` method) carry, per such call on
 * the way, `<call site>#<impl>`, outermost first. Two accesses made under different impls of one call are never
 * made in the same run.
 */
export function exclusiveAlternatives(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b) return false;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const site = (x: string) => x.slice(0, x.lastIndexOf('#'));
    return site(a[i]) === site(b[i]);
  }
  return false;
}

export function forEachNode(nodes: Node[], f: (n: Node) => void, intoInlined = true): void {
  for (const n of nodes) {
    f(n);
    if (n.kind === 'branch') n.arms.forEach((arm) => forEachNode(arm, f, intoInlined));
    else if (n.kind === 'loop' || (n.kind === 'block' && (intoInlined || !n.inlined)))
      forEachNode(n.body, f, intoInlined);
    else if (n.kind === 'try') {
      forEachNode(n.body, f, intoInlined);
      forEachNode(n.catchBody ?? [], f, intoInlined);
      forEachNode(n.finallyBody ?? [], f, intoInlined);
    }
  }
}
