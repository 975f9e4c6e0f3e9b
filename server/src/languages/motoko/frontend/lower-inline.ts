/**
 * Calls of the file's own synchronous (or `await*`ed `async*`) functions: their state accesses happen in the
 * calling message, so they are copied to the call site (`via` the helper), with keys mapped from the arguments.
 * A parameter given the actor's state (`Lib.withdraw(state, caller, n)`) is that state inside the helper: what
 * the helper reads and writes through it is read and written at the call.
 */
import type * as A from '../ast';
import {
  forEachNode,
  type Node,
  type ReadNode,
  type StatePath,
  type Val,
  type WriteNode,
} from '../../../model/ir';
import { alwaysExits } from '../../../model/cfg';
import type { BodyLowerer } from './lower-body';
import { givenPath, simpleKey, type StateRef } from './lower-state';
import { EMPTY, union } from './lower-val';
import type { FuncRef, Scope } from './scope';
import { boundNames, isBoolType, isNatType } from './syntax';
import { orderBoundHit } from './bounds';

/** A function's state accesses as seen from a call site (for calls of the actor's synchronous helpers). */
interface HelperSummary {
  params: string[];
  /** Per name in `params`: the argument it is bound from (a record pattern binds several names from one). */
  paramArg: number[];
  accesses: (ReadNode | WriteNode)[];
  /** Per write access: the parameters its value (index included) depends on, directly or through locals. */
  valueParams: Map<WriteNode, number[]>;
  /** Reads (by id in the helper's lowering) its result depends on: `isRunning()` is a check of what it reads. */
  returned: Set<number>;
  /** Names in `params` (by index) its result depends on: the call's value depends on those arguments only. */
  returnedParams: number[];
  /** Parameters bound to the actor's state for this summary, by name: their index. */
  stateParams: Map<string, number>;
  /**
   * Writes that step their own state (`index.set(index.get() + 1)`): a counter or id allocator, not a value. A
   * step that a check of its own state decides (`if (minted >= cap) return …`) is a limit, not one of these.
   */
  steps: Set<WriteNode>;
  /** Writes a condition on their own state decides in the helper: replayed, they are no bare steps. */
  limited: Set<WriteNode>;
  /**
   * Writes whose value uses locals the function closes over (a closure's captured `update`), with their names:
   * at the call, what the closure captured when it was made stands for them.
   */
  captured: Map<WriteNode, string[]>;
  /** Writes whose value is built on the helper's own read of the state they write (a relative update). */
  relative: Set<WriteNode>;
}

/**
 * Per declaring scope (a class's methods differ for an instance the actor holds), per function, per set of
 * parameters given state (`0,2`; empty when none).
 */
const helperSummaries = new WeakMap<Scope, Map<A.Func, Map<string, HelperSummary>>>();
/** Summaries being computed: breaks recursion (and bounds the nesting depth). */
const summarizing = new Set<A.Func>();

/**
 * Emits, at the call `e`, the state reads and writes of the helper `fn`; returns what its result depends on, as
 * the call's value: the state it reads for it and the arguments of the parameters it uses (SPEC §5, Data flow
 * through summaries), or nothing known when the helper could not be summarised.
 */
export function inlineHelper(
  lw: BodyLowerer,
  fn: FuncRef,
  e: A.CallExp,
  out: Node[],
  scope: Scope,
  argVals: Val[] = [],
  stateArgs: (StateRef | undefined)[] = [],
  ownMessage = false,
  /** The value of locals the function closes over (for a closure): computed only when a write needs it. */
  closureVal: (names: string[]) => Val = () => EMPTY,
): Val | undefined {
  const summary = helperSummary(lw, fn, stateArgs);
  if (!summary) return undefined;
  const argOf = (name: number) => {
    const v = argVals[summary.paramArg[name] ?? -1];
    return v ? [v] : [];
  };
  const via = fn.name;
  const result: number[] = [];
  // Every access stands at the call: one range for all of them.
  const range = lw.ctx.range(e);
  for (const acc of summary.accesses) {
    const pi = acc.key !== undefined ? summary.params.indexOf(acc.key) : -1;
    const key = pi >= 0 ? keyOf(lw, e.args[summary.paramArg[pi] ?? -1], scope) : undefined;
    // Where the access really is: in the helper (or deeper, in a helper it calls), for findings to point at.
    const inCallee = acc.inCallee ?? { fn: fn.name, file: fn.file.path, range: acc.range };
    const state = callerState(acc.state, summary.stateParams, stateArgs);
    if (acc.kind === 'read') {
      const id = lw.ctx.id();
      if (summary.returned.has(acc.id)) result.push(id);
      out.push({
        kind: 'read',
        id,
        state,
        range,
        via,
        inCallee,
        ...(key !== undefined ? { key } : {}),
      });
    } else {
      // The written value depends on the arguments given for the parameters it uses (SPEC §5).
      const params = summary.valueParams.get(acc) ?? [];
      const names = summary.captured.get(acc);
      const captured = names ? [closureVal(names)] : [];
      const value = union(EMPTY, ...params.flatMap(argOf), ...captured);
      const w: WriteNode = { kind: 'write', state, value, range, via, inCallee };
      if (key !== undefined) w.key = key;
      if (acc.mark) w.mark = acc.mark;
      // A method of unknown effect stays one through the helper (`content2votes.get0(id)` may only read).
      if (acc.unknown) w.unknown = true;
      if ((acc.step && !summary.limited.has(acc)) || summary.steps.has(acc)) w.step = true;
      if (acc.relative || summary.relative.has(acc)) w.relative = true;
      if (ownMessage) w.ownMessage = true;
      out.push(w);
    }
  }
  return union({ reads: result, locals: [], awaits: [] }, ...summary.returnedParams.flatMap(argOf));
}

/** The key an argument names, when it is one simple name (not when a pattern takes it apart). */
function keyOf(lw: BodyLowerer, arg: A.Exp | undefined, scope: Scope): string | undefined {
  return arg ? simpleKey(lw, arg, scope) : undefined;
}

/**
 * The helper reads or writes fields of a state record it is given (`s.total`, `Map.add(s.balances, …)`): it
 * works on the actor's state through that parameter. One that only passes the whole value around
 * (`Queue.next(q)`, a functional collection) is left to what its name says.
 */
export function usesGivenStateFields(
  lw: BodyLowerer,
  fn: FuncRef,
  stateArgs: (StateRef | undefined)[],
): boolean {
  const summary = helperSummary(lw, fn, stateArgs);
  if (!summary) return false;
  return summary.accesses.some((a) => a.state.field !== undefined && summary.stateParams.has(a.state.root));
}

/**
 * A state path of the helper's summary as the caller names it: through a parameter given state, the state given
 * (`s.total` with `state` given for `s` → `state.total`; with `state.book` given, `state.book`).
 */
function callerState(
  path: StatePath,
  stateParams: Map<string, number>,
  stateArgs: (StateRef | undefined)[],
): StatePath {
  const i = stateParams.get(path.root);
  const given = i === undefined ? undefined : stateArgs[i];
  return given ? givenPath(given.path, path) : path;
}

/** The helper's reads and writes, from a quiet lowering of its body (cached per function and state arguments). */
function helperSummary(
  lw: BodyLowerer,
  fn: FuncRef,
  stateArgs: (StateRef | undefined)[],
): HelperSummary | undefined {
  let inScope = helperSummaries.get(fn.scope);
  if (!inScope) helperSummaries.set(fn.scope, (inScope = new Map<A.Func, Map<string, HelperSummary>>()));
  let byArgs = inScope.get(fn.func);
  if (!byArgs) inScope.set(fn.func, (byArgs = new Map<string, HelperSummary>()));
  // Only a parameter that is one name can stand for the state given (a pattern takes the value apart).
  const stateful = fn.func.params.map((p, i) => stateArgs[i] !== undefined && boundNames(p).length === 1);
  const signature = stateful.flatMap((on, i) => (on ? [i] : [])).join(',');
  const known = byArgs.get(signature);
  if (known) return known;
  if (summarizing.has(fn.func) || summarizing.size > 8) {
    orderBoundHit();
    return undefined;
  }
  // Deep enough that another order of lowering could reach the bound above.
  if (summarizing.size >= 5) orderBoundHit();
  summarizing.add(fn.func);
  try {
    const scope = fn.scope.child();
    const params: string[] = [];
    const paramArg: number[] = [];
    const stateParams = new Map<string, number>();
    fn.func.params.forEach((p, i) => {
      const given = stateArgs[i];
      for (const b of boundNames(p)) {
        params.push(b.name);
        paramArg.push(i);
        if (stateful[i] && given) {
          stateParams.set(b.name, i);
          scope.define(b.name, { kind: 'state', root: given.root });
          continue;
        }
        scope.define(b.name, {
          kind: 'local',
          nat: isNatType(b.type),
          origin: { type: b.type, scope: fn.scope, exact: false },
        });
      }
    });
    // Lowered in the context of its own file (the summary's ranges are replaced by the call's).
    const nodes = lw.forFunction(fn.name, true, lw.ctx.forFile(fn.file)).lowerFunction(fn.func, scope);
    const body = lowered(nodes);
    const returned = returnedDependencies(body, isBoolType(fn.func.returnType), params);
    const limited = limitedWrites(body);
    const summary = {
      params,
      paramArg,
      accesses: body.accesses,
      valueParams: writeValueParams(body, params),
      returned: returned.reads,
      returnedParams: returned.params,
      stateParams,
      steps: new Set([...constantSteps(body, params)].filter((w) => !limited.has(w))),
      limited,
      captured: capturedWrites(body, params),
      relative: relativeWrites(body),
    };
    byArgs.set(signature, summary);
    return summary;
  } finally {
    summarizing.delete(fn.func);
  }
}

/** A helper's lowered body with what every analysis of it below needs, gathered in one pass. */
interface LoweredBody {
  nodes: Node[];
  /** The reads and writes anywhere in it, in order. */
  accesses: (ReadNode | WriteNode)[];
  /** Its reads, by id. */
  readState: Map<number, ReadNode>;
  /** The values bound to each local. */
  localVals: Map<string, Val[]>;
  /** It awaits somewhere. */
  suspends: boolean;
}

function lowered(nodes: Node[]): LoweredBody {
  const accesses: (ReadNode | WriteNode)[] = [];
  const readState = new Map<number, ReadNode>();
  const localVals = new Map<string, Val[]>();
  let suspends = false;
  forEachNode(nodes, (n) => {
    if (n.kind === 'read' || n.kind === 'write') accesses.push(n);
    if (n.kind === 'read') readState.set(n.id, n);
    else if (n.kind === 'await') suspends = true;
    else if (n.kind === 'local') {
      const vals = localVals.get(n.name);
      if (vals) vals.push(n.value);
      else localVals.set(n.name, [n.value]);
    }
  });
  return { nodes, accesses, readState, localVals, suspends };
}

/** Calls `reads` and `locals` with what `v` depends on, following the locals' bindings transitively. */
function dependencies(
  v: Val,
  localVals: Map<string, Val[]>,
  reads: (id: number) => void,
  locals: (name: string) => void,
): void {
  const seen = new Set<string>();
  const add = (x: Val) => {
    x.reads.forEach(reads);
    for (const l of x.locals) {
      if (seen.has(l)) continue;
      seen.add(l);
      locals(l);
      localVals.get(l)?.forEach(add);
    }
  };
  add(v);
}

/** The reads and parameters (by index in `params`) a body's returned values depend on, directly or through its locals. */
function returnedDependencies(
  body: LoweredBody,
  predicate: boolean,
  params: string[],
): { reads: Set<number>; params: number[] } {
  const localVals = body.localVals;
  const out = new Set<number>();
  const used = new Set<number>();
  const add = (v: Val) =>
    dependencies(
      v,
      localVals,
      (r) => out.add(r),
      (l) => {
        const i = params.indexOf(l);
        if (i >= 0) used.add(i);
      },
    );
  // A predicate's `return` inside a branch also returns what the branch decided on (`if (full) return false`):
  // its answer is the check of that state, like a helper that returns the value read. (Only for `Bool`
  // results: other helpers' values are data, and a condition they test is not in what they return.)
  const walk = (list: Node[], conds: Val[]) => {
    for (const n of list) {
      if (n.kind === 'exit' && n.how === 'return') {
        if (n.value) add(n.value);
        if (predicate) conds.forEach(add);
      } else if (n.kind === 'branch') n.arms.forEach((arm) => walk(arm, [...conds, n.cond]));
      else if (n.kind === 'loop') walk(n.body, n.cond ? [...conds, n.cond] : conds);
      else if (n.kind === 'block') walk(n.body, conds);
      else if (n.kind === 'try') {
        walk(n.body, conds);
        walk(n.catchBody ?? [], conds);
        walk(n.finallyBody ?? [], conds);
      }
    }
  };
  walk(body.nodes, []);
  return { reads: out, params: [...used].sort((a, b) => a - b) };
}

/**
 * The writes whose value reads only the state they write, through no parameter and no call's result
 * (`_index.set(_index.get() + 1)`): at a call site the step is all that is left of them.
 */
function constantSteps(body: LoweredBody, params: string[]): Set<WriteNode> {
  const { accesses, localVals, readState } = body;
  const at = (r: ReadNode) => `${r.range.start.line}:${r.range.start.character}`;
  const out = new Set<WriteNode>();
  for (const w of accesses) {
    if (w.kind !== 'write' || w.unknown || w.mark) continue;
    const reads: ReadNode[] = [];
    let other = false;
    // What is stored, not where: a map's key (`put(category, count)`) says which counter steps.
    dependencies(
      w.stored ?? w.value,
      localVals,
      (r) => {
        const read = readState.get(r);
        if (read) reads.push(read);
        else other = true;
      },
      (l) => {
        if (params.includes(l)) other = true;
      },
    );
    const own = reads.filter((r) => samePath(r.state, w.state));
    // `index.get()` on a held object reads the object (its handle) and, through `get`, the counter itself.
    const handle = (r: ReadNode) =>
      r.via === undefined && own.some((o) => o.via !== undefined && at(o) === at(r));
    const foreign = reads.some((r) => !own.includes(r) && !handle(r));
    if (own.length > 0 && !other && !foreign && w.value.awaits.length === 0) out.add(w);
  }
  return out;
}

/**
 * The writes a condition on the state they write decides: inside an arm of a branch on it, or after a branch on
 * it that leaves in one arm (`if (count >= max) return #err; count += 1`). A `switch` that only picks the value
 * to start from (`switch (ids.get(k)) { case (?n) count := n; case null {} }`) decides nothing.
 */
function limitedWrites(body: LoweredBody): Set<WriteNode> {
  const { localVals, readState } = body;
  const condReads = (c: Val): ReadNode[] => {
    const reads: ReadNode[] = [];
    dependencies(
      c,
      localVals,
      (r) => {
        const read = readState.get(r);
        if (read) reads.push(read);
      },
      () => undefined,
    );
    return reads;
  };
  const out = new Set<WriteNode>();
  const walk = (list: Node[], conds: ReadNode[]) => {
    let current = conds;
    for (const n of list) {
      if (n.kind === 'write') {
        if (current.some((r) => samePath(r.state, n.state))) out.add(n);
      } else if (n.kind === 'branch') {
        const decides = condReads(n.cond);
        for (const arm of n.arms) walk(arm, [...current, ...decides]);
        if (n.arms.some(alwaysExits)) current = [...current, ...decides];
      } else if (n.kind === 'loop') walk(n.body, n.cond ? [...current, ...condReads(n.cond)] : current);
      else if (n.kind === 'block') walk(n.body, current);
      else if (n.kind === 'try') {
        walk(n.body, current);
        walk(n.catchBody ?? [], current);
        walk(n.finallyBody ?? [], current);
      }
    }
  };
  walk(body.nodes, []);
  return out;
}

/**
 * The writes whose stored value depends on a read, in the helper, of the state they write (or a part of it) at the same key
 * (`let cur = index; index := cur - amount`): whatever else flows in (an amount worked out from an older read),
 * the write updates the value current where it happens. Only for a helper that does not suspend, so that the
 * read and the write are in one message.
 */
function relativeWrites(body: LoweredBody): Set<WriteNode> {
  const out = new Set<WriteNode>();
  if (body.suspends) return out;
  const { accesses, localVals, readState } = body;
  for (const w of accesses) {
    if (w.kind !== 'write' || w.unknown || w.mark) continue;
    let own = false;
    dependencies(
      w.stored ?? w.value,
      localVals,
      (id) => {
        const r = readState.get(id);
        if (r && overlaps(r.state, w.state) && r.key === w.key) own = true;
      },
      () => {},
    );
    if (own) out.add(w);
  }
  return out;
}

/** One path is the other or a part of it (`index.current` of `index`). */
function overlaps(a: StatePath, b: StatePath): boolean {
  return (
    a.root === b.root &&
    a.holder === b.holder &&
    (a.field === undefined || b.field === undefined || a.field === b.field)
  );
}

function samePath(a: StatePath, b: StatePath): boolean {
  return a.root === b.root && a.field === b.field && a.holder === b.holder;
}

/** For each write: the parameters (by index) its value depends on. */
function writeValueParams(body: LoweredBody, params: string[]): Map<WriteNode, number[]> {
  const { accesses, localVals } = body;
  const out = new Map<WriteNode, number[]>();
  for (const w of accesses) {
    if (w.kind !== 'write') continue;
    const used = new Set<number>();
    dependencies(
      w.value,
      localVals,
      () => {},
      (l) => {
        const i = params.indexOf(l);
        if (i >= 0) used.add(i);
      },
    );
    if (used.size)
      out.set(
        w,
        [...used].sort((a, b) => a - b),
      );
  }
  return out;
}

/** The writes whose value depends on a local bound neither in the body nor as a parameter: one it closes over. */
function capturedWrites(body: LoweredBody, params: string[]): Map<WriteNode, string[]> {
  const { accesses, localVals } = body;
  const out = new Map<WriteNode, string[]>();
  for (const w of accesses) {
    if (w.kind !== 'write') continue;
    const names: string[] = [];
    dependencies(
      w.value,
      localVals,
      () => {},
      (l) => {
        if (!params.includes(l) && !localVals.has(l)) names.push(l);
      },
    );
    if (names.length) out.set(w, names);
  }
  return out;
}
