/**
 * Calls of the file's own synchronous (or `await*`ed `async*`) functions: their state accesses happen in the
 * calling message, so they are copied to the call site (`via` the helper), with keys mapped from the arguments.
 */
import type * as A from '../ast';
import { forEachNode, type Node, type ReadNode, type Val, type WriteNode } from '../../../model/ir';
import type { BodyLowerer } from './lower-body';
import { simpleKey } from './lower-state';
import { EMPTY } from './lower-val';
import type { FuncRef, Scope } from './scope';
import { boundNames, isNatType } from './syntax';

/** A function's state accesses as seen from a call site (for calls of the actor's synchronous helpers). */
interface HelperSummary {
  params: string[];
  accesses: (ReadNode | WriteNode)[];
  /** Reads (by id in the helper's lowering) its result depends on: `isRunning()` is a check of what it reads. */
  returned: Set<number>;
}

const helperSummaries = new WeakMap<A.Func, HelperSummary>();
/** Summaries being computed: breaks recursion (and bounds the nesting depth). */
const summarizing = new Set<A.Func>();

/**
 * Emits, at the call `e`, the state reads and writes of the helper `fn`; returns the reads its result depends
 * on, as the call's value.
 */
export function inlineHelper(lw: BodyLowerer, fn: FuncRef, e: A.CallExp, out: Node[], scope: Scope): Val {
  const summary = helperSummary(lw, fn);
  if (!summary) return EMPTY;
  const via = fn.name;
  const result: number[] = [];
  for (const acc of summary.accesses) {
    const pi = acc.key !== undefined ? summary.params.indexOf(acc.key) : -1;
    const key = pi >= 0 ? simpleKey(lw, e.args[pi], scope) : undefined;
    const range = lw.ctx.range(e);
    // Where the access really is: in the helper (or deeper, in a helper it calls), for findings to point at.
    const inCallee = acc.inCallee ?? { fn: fn.name, file: lw.ctx.file.path, range: acc.range };
    if (acc.kind === 'read') {
      const id = lw.ctx.id();
      if (summary.returned.has(acc.id)) result.push(id);
      out.push({
        kind: 'read',
        id,
        state: acc.state,
        range,
        via,
        inCallee,
        ...(key !== undefined ? { key } : {}),
      });
    } else {
      const w: WriteNode = { kind: 'write', state: acc.state, value: EMPTY, range, via, inCallee };
      if (key !== undefined) w.key = key;
      if (acc.mark) w.mark = acc.mark;
      out.push(w);
    }
  }
  return { reads: result, locals: [], awaits: [] };
}

/** The helper's reads and writes, from a quiet lowering of its body (cached per function). */
function helperSummary(lw: BodyLowerer, fn: FuncRef): HelperSummary | undefined {
  const known = helperSummaries.get(fn.func);
  if (known) return known;
  if (summarizing.has(fn.func) || summarizing.size > 8) return undefined;
  summarizing.add(fn.func);
  try {
    const scope = fn.scope.child();
    const params: string[] = [];
    for (const p of fn.func.params) {
      for (const b of boundNames(p)) {
        params.push(b.name);
        scope.define(b.name, {
          kind: 'local',
          nat: isNatType(b.type),
          origin: { type: b.type, scope: fn.scope, exact: false },
        });
      }
    }
    const nodes = lw.forFunction(fn.name, true).lowerFunction(fn.func, scope);
    const summary = { params, accesses: stateAccesses(nodes), returned: returnedReads(nodes) };
    helperSummaries.set(fn.func, summary);
    return summary;
  } finally {
    summarizing.delete(fn.func);
  }
}

/** The reads a body's returned values depend on, directly or through its locals. */
function returnedReads(nodes: Node[]): Set<number> {
  const all: Node[] = [];
  forEachNode(nodes, (n) => all.push(n));
  const localVals = new Map<string, Val[]>();
  for (const n of all)
    if (n.kind === 'local') localVals.set(n.name, [...(localVals.get(n.name) ?? []), n.value]);
  const out = new Set<number>();
  const seen = new Set<string>();
  const add = (v: Val | undefined) => {
    if (!v) return;
    v.reads.forEach((r) => out.add(r));
    for (const l of v.locals) {
      if (seen.has(l)) continue;
      seen.add(l);
      localVals.get(l)?.forEach(add);
    }
  };
  for (const n of all) if (n.kind === 'exit' && n.how === 'return') add(n.value);
  return out;
}

/** The reads and writes anywhere in a lowered body, in order. */
function stateAccesses(nodes: Node[]): (ReadNode | WriteNode)[] {
  const accesses: (ReadNode | WriteNode)[] = [];
  forEachNode(nodes, (n) => {
    if (n.kind === 'read' || n.kind === 'write') accesses.push(n);
  });
  return accesses;
}
