/**
 * `await* f(…)` of the file's own `async*` function runs `f`'s body right there, in the calling message (SPEC §2,
 * the `await*` row). The body is lowered inline as real control flow: its awaits split the caller's segments,
 * its branches, re-checks and `try`/`catch` stay, and the rules see the real order of checks, calls and writes.
 *
 * The inlining must not explode: a body is lowered once per analysed file and reused (copied, its ids and local
 * names made fresh) at its other `await*`s; inlining stops at recursion and below `MAX_NESTING` bodies, and the
 * caller then says so in the await's reason.
 */
import type * as A from '../ast';
import { forEachNode, type Node, type Range, type Val } from '../../../model/ir';
import type { FileContext } from './context';
import type { BodyLowerer } from './lower-body';
import { EMPTY, union } from './lower-val';
import type { StateRef } from './lower-state';
import type { FuncRef, Scope } from './scope';
import { boundNames, isNatType } from './syntax';
import { orderBoundHit } from './bounds';

/** How many `async*` bodies may be inlined one inside the other. */
export const MAX_INLINE_NESTING = 4;

/** A body being inlined: what was inlined within it, and whether a bound cut it short. */
interface Frame {
  func: A.Func;
  /** Functions inlined anywhere within this body. */
  nested: Set<A.Func>;
  /** Levels of inlined bodies this one holds, itself included. */
  height: number;
  /** Some `await*` within was not inlined (recursion, nesting bound): the body depends on where it is. */
  cut: boolean;
}

/** A lowered body kept for reuse at other `await*`s of the same function (never handed out itself). */
interface Template {
  nodes: Node[];
  /** How many ids a copy draws (one per read and await node met). */
  ids: number;
  /** The prefix its own locals were named with. */
  prefix: string;
  nested: Set<A.Func>;
  height: number;
}

/** The bodies being inlined, outermost first. */
const frames: Frame[] = [];
/**
 * Per analysed file (its root context), per function, per declaring scope (a class instance's own fields), per
 * state given to its parameters (`state.book@1`; empty when none).
 */
const templates = new WeakMap<FileContext, Map<A.Func, WeakMap<Scope, Map<string, Template>>>>();

/**
 * How many bodies were lowered and how many reused (copied, or read as they are by a body lowered only for its
 * annotations: `readInPlace`), since the process started (for tests and measurements).
 */
export const inlineStats = { lowered: 0, reused: 0, readInPlace: 0 };

export type InlineOutcome = { value: Val } | { notInlined: string };

/**
 * Emits `fn`'s body as an inlined block at the `await*` whose keyword is at `at`, its parameters bound to `args`;
 * returns the value the body returns (through which the caller sees the results of the calls it makes), or why
 * it was not inlined (recursion, deep nesting): the caller then falls back to a summary.
 */
export function inlineAsyncStar(
  lw: BodyLowerer,
  fn: FuncRef,
  at: Range,
  args: Val[],
  out: Node[],
  /** The actor's state given per argument (`Lib.withdraw(state, …)`): that parameter is this state inside. */
  stateArgs: (StateRef | undefined)[] = [],
): InlineOutcome {
  if (frames.some((f) => f.func === fn.func)) return cut(`\`${fn.name}\` is already being run (recursion)`);
  if (frames.length >= MAX_INLINE_NESTING)
    return cut(`more than ${MAX_INLINE_NESTING} nested \`async*\` bodies are inlined`);
  const ctx = lw.ctx.forFile(fn.file);
  const inner = lw.forInline(fn.name, ctx);
  const scope = fn.scope.child();
  // The block stands at the `await*` keyword: findings about its commit points may be reported there.
  const range = at;
  // Nodes at the call are in the caller's file; said when that is not the analysed file.
  const callerFile = lw.ctx.file !== lw.ctx.analysedFile ? { file: lw.ctx.file.path } : {};
  const params: Node[] = [];
  const given: string[] = [];
  fn.func.params.forEach((p, i) => {
    const names = boundNames(p);
    const state = stateArgs[i];
    // Only a parameter that is one name can stand for the state given (a pattern takes the value apart).
    if (state && names.length === 1) {
      scope.define(names[0].name, { kind: 'state', root: state.root, as: state.path });
      given.push(`${state.path.root}.${state.path.field ?? ''}@${i}`);
      return;
    }
    for (const b of names) {
      const name = inner.define(scope, b.name, isNatType(b.type), b.type ?? null);
      params.push({ kind: 'local', name, value: args[i] ?? EMPTY, range, ...callerFile });
    }
  });
  const body = [...params, ...lowerBody(lw.ctx, fn, inner, scope, given.join(','), lw.discardsIr)];
  const block: Node = { kind: 'block', inlined: fn.name, body, range, ...callerFile };
  out.push(block);
  return { value: union(...returnedValues(body)) };
}

/** Not inlined here: every body being inlined now depends on where it is inlined. */
function cut(why: string): InlineOutcome {
  orderBoundHit();
  for (const f of frames) f.cut = true;
  return { notInlined: why };
}

/** `fn`'s body lowered by `inner` (its parameters already in `scope`), or a copy of an earlier lowering. */
function lowerBody(
  caller: FileContext,
  fn: FuncRef,
  inner: BodyLowerer,
  scope: Scope,
  stateGiven: string,
  /** The caller's IR is thrown away (see `BodyLowerer.discardsIr`). */
  discarded: boolean,
): Node[] {
  const root = caller.root ?? caller;
  let byFunc = templates.get(root);
  if (!byFunc) templates.set(root, (byFunc = new Map<A.Func, WeakMap<Scope, Map<string, Template>>>()));
  let byScope = byFunc.get(fn.func);
  if (!byScope) byFunc.set(fn.func, (byScope = new WeakMap<Scope, Map<string, Template>>()));
  let byState = byScope.get(fn.scope);
  if (!byState) byScope.set(fn.scope, (byState = new Map<string, Template>()));
  const known = byState.get(stateGiven);
  // Reused only where a fresh lowering would inline just as deep and meet no recursion.
  if (
    known &&
    frames.length + known.height <= MAX_INLINE_NESTING &&
    !frames.some((f) => known.nested.has(f.func))
  ) {
    record(fn.func, known.nested, known.height);
    inlineStats.reused++;
    // Straight into a body lowered only for its annotations (no enclosing body will keep or change it): the
    // template itself stands in for its copy. The copy's ids are still drawn, so that every later id is as before.
    if (discarded && frames.length === 0) {
      for (let i = 0; i < known.ids; i++) caller.id();
      inlineStats.readInPlace++;
      return known.nodes;
    }
    return copyBody(known.nodes, known.prefix, inner.localPrefix, caller);
  }
  inlineStats.lowered++;
  const frame: Frame = { func: fn.func, nested: new Set(), height: 1, cut: false };
  frames.push(frame);
  let lowered: Node[];
  try {
    lowered = inner.lowerFunction(fn.func, scope);
  } finally {
    frames.pop();
  }
  // The body's ranges are in its own file: say which, unless it is the analysed file itself.
  if (inner.ctx.file !== inner.ctx.analysedFile) stampFile(lowered, inner.ctx.file.path);
  record(fn.func, frame.nested, frame.height);
  // The lowering itself is kept as the template: nothing changes a body once it is lowered (an enclosing
  // body's `stampFile` does not enter it), and every later use copies it or only reads it.
  if (!frame.cut && !closesOverLocals(fn.scope) && selfContained(lowered, inner.localPrefix)) {
    byState.set(stateGiven, {
      nodes: lowered,
      ids: idsIn(lowered).length,
      prefix: inner.localPrefix,
      nested: frame.nested,
      height: frame.height,
    });
  }
  return lowered;
}

/** Tells the enclosing bodies that `func` (holding `nested`, `height` levels) was inlined within them. */
function record(func: A.Func, nested: Set<A.Func>, height: number): void {
  frames.forEach((f, i) => {
    f.nested.add(func);
    nested.forEach((n) => f.nested.add(n));
    f.height = Math.max(f.height, frames.length - i + height);
  });
}

/**
 * The function is declared inside a lowered body (a function nested in a method sees the method's locals, whose
 * IR names depend on how far that lowering has got): its body is lowered afresh at each `await*`.
 */
function closesOverLocals(scope: Scope): boolean {
  for (let s: Scope | undefined = scope; s; s = s.parent)
    for (const b of s.names.values()) if (b.kind === 'local' && b.irName !== undefined) return true;
  return false;
}

/**
 * Every value refers to reads and awaits of the body itself, and to locals of its own or of the scope it is
 * declared in (a class's parameters and fields, a module's values: the same at every `await*`).
 */
function selfContained(nodes: Node[], prefix: string): boolean {
  const ids = new Set<number>();
  const own = new Set<string>();
  const vals: Val[] = [];
  forEachNode(nodes, (n) => {
    if (n.kind === 'read' || n.kind === 'await') ids.add(n.id);
    if (n.kind === 'local') own.add(n.name);
    vals.push(...valsOf(n));
  });
  return vals.every(
    (v) =>
      v.reads.every((r) => ids.has(r)) &&
      v.awaits.every((a) => ids.has(a)) &&
      v.locals.every((l) => l.startsWith(prefix) || own.has(l) || !l.includes('>')),
  );
}

function valsOf(n: Node): Val[] {
  const out: (Val | undefined)[] = [];
  if (n.kind === 'write' || n.kind === 'local') out.push(n.value);
  else if (n.kind === 'await') out.push(n.args);
  else if (n.kind === 'branch') out.push(n.cond);
  else if (n.kind === 'loop') out.push(n.cond);
  else if (n.kind === 'exit' || n.kind === 'trap') out.push(n.value, n.cond);
  return out.filter((v): v is Val => v !== undefined);
}

/**
 * A copy of `nodes` as a fresh lowering would give it: new objects (ranges too, shared where the original shares
 * them), ids drawn anew from `ctx` in the same order (kept without it), locals named with `to` instead of `from`. Where an access
 * is in a callee (`inCallee`) stays shared, as a summary's sites are.
 */
function copyBody(nodes: Node[], from: string, to: string, ctx?: FileContext): Node[] {
  const ids = idsIn(nodes);
  const fresh = new Map<number, number>();
  if (ctx) for (const id of [...ids].sort((a, b) => a - b)) fresh.set(id, ctx.id());
  const rename = (l: string) => (l.startsWith(from) ? to + l.slice(from.length) : l);
  const freshId = (id: number) => fresh.get(id) ?? id;
  const seen = new Map<object, unknown>();
  // Bodies are copied at every `await*` of a function: no intermediate arrays or entry lists.
  const copy = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    const known = seen.get(x);
    if (known) return known;
    if (Array.isArray(x)) {
      const arr: unknown[] = [];
      seen.set(x, arr);
      for (const item of x) arr.push(copy(item));
      return arr;
    }
    const src = x as Record<string, unknown>;
    const obj: Record<string, unknown> = {};
    seen.set(x, obj);
    const val = isVal(src);
    for (const k in src) {
      const v = src[k];
      if (k === 'inCallee') obj[k] = v;
      else if (val && (k === 'reads' || k === 'awaits')) obj[k] = (v as number[]).map(freshId);
      else if (val && k === 'locals') obj[k] = (v as string[]).map(rename);
      else obj[k] = copy(v);
    }
    if (val) return obj;
    if (obj.kind === 'read' || obj.kind === 'await') obj.id = freshId(obj.id as number);
    else if (obj.kind === 'local') obj.name = rename(obj.name as string);
    return obj;
  };
  return copy(nodes) as Node[];
}

/** The ids of the read and await nodes, one per node met (a node met twice counts twice). */
function idsIn(nodes: Node[]): number[] {
  const ids: number[] = [];
  forEachNode(nodes, (n) => {
    if (n.kind === 'read' || n.kind === 'await') ids.push(n.id);
  });
  return ids;
}

function isVal(o: Record<string, unknown>): boolean {
  return Array.isArray(o.reads) && Array.isArray(o.locals) && Array.isArray(o.awaits) && !('kind' in o);
}

/**
 * Marks the nodes of an inlined body with the file they are in. Bodies inlined within it are marked by their
 * own inlining (not at all when they are of the analysed file), so this does not enter them.
 */
function stampFile(nodes: Node[], file: string): void {
  forEachNode(
    nodes,
    (n) => {
      if (n.file === undefined) n.file = file;
    },
    false,
  );
}

/** The values a body returns, not counting those of bodies inlined within it (they return to it). */
function returnedValues(nodes: Node[]): Val[] {
  const out: Val[] = [];
  forEachNode(
    nodes,
    (n) => {
      if (n.kind === 'exit' && n.how === 'return' && n.value) out.push(n.value);
    },
    false,
  );
  return out;
}
