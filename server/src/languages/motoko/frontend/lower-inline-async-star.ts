/**
 * `await* f(…)` of the file's own `async*` function runs `f`'s body right there, in the calling message (SPEC §2,
 * the `await*` row). The body is lowered inline as real control flow: its awaits split the caller's segments,
 * its branches, re-checks and `try`/`catch` stay, and the rules see the real order of checks, calls and writes.
 */
import type * as A from '../ast';
import { forEachNode, type Node, type Range, type Val } from '../../../model/ir';
import type { BodyLowerer } from './lower-body';
import { EMPTY, union } from './lower-val';
import type { FuncRef } from './scope';
import { boundNames, isNatType } from './syntax';

/** Bodies being inlined, to stop at recursion; the nesting is bounded too. */
const inlining = new Set<A.Func>();
const MAX_NESTING = 4;

/**
 * Emits `fn`'s body as an inlined block at the `await*` whose keyword is at `at`, its parameters bound to `args`; returns the value the body
 * returns (through which the caller sees the results of the calls it makes), or undefined when it cannot be
 * inlined (recursion, deep nesting): the caller then falls back to a summary.
 */
export function inlineAsyncStar(
  lw: BodyLowerer,
  fn: FuncRef,
  at: Range,
  args: Val[],
  out: Node[],
): Val | undefined {
  if (inlining.has(fn.func) || inlining.size >= MAX_NESTING) return undefined;
  inlining.add(fn.func);
  try {
    const ctx = lw.ctx.forFile(fn.file);
    const inner = lw.forInline(fn.name, ctx);
    const scope = fn.scope.child();
    // The block stands at the `await*` keyword: findings about its commit points may be reported there.
    const range = at;
    // Nodes at the call are in the caller's file; said when that is not the analysed file.
    const callerFile = lw.ctx.file !== lw.ctx.analysedFile ? { file: lw.ctx.file.path } : {};
    const params: Node[] = [];
    fn.func.params.forEach((p, i) => {
      for (const b of boundNames(p)) {
        const name = inner.define(scope, b.name, isNatType(b.type), b.type ?? null);
        params.push({ kind: 'local', name, value: args[i] ?? EMPTY, range, ...callerFile });
      }
    });
    const lowered = inner.lowerFunction(fn.func, scope);
    // The body's ranges are in its own file: say which, unless it is the analysed file itself.
    if (ctx.file !== ctx.analysedFile) stampFile(lowered, ctx.file.path);
    const body = [...params, ...lowered];
    const block: Node = { kind: 'block', inlined: fn.name, body, range, ...callerFile };
    out.push(block);
    return union(...returnedValues(body));
  } finally {
    inlining.delete(fn.func);
  }
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
