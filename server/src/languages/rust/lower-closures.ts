/**
 * Closures. Most run in place (`.with(|s| …)`, `map(|x| …)`, a helper's closure argument) and are lowered
 * inline; a closure or body given to a timer or `spawn` runs in a later message, so it becomes an entry point
 * of its own.
 */
import type { EntryKind, EntryPointIR, Node, Val } from '../../model/ir';
import { markGeneratedKeys, noteCapturedKeys } from './generated-keys';
import type { StateRef } from './binding-scopes';
import type { Ex, LowerContext } from './lower-context';
import { resolveWorkspaceFn } from './resolve-fn';
import { field, namedKids, pathText, patternNames, type SyntaxNode } from './syntax';
import { empty } from './val';

/**
 * A closure run in place. With `bind`, its first parameter is a handle on that state, and accesses are reported
 * `via` the helper that runs it; with `paramVal`, its parameters are locals depending on that value.
 */
export function inlineClosure(
  cx: LowerContext,
  node: SyntaxNode,
  out: Node[],
  bind?: { ref: StateRef; via?: string },
  paramVal?: Val,
): Ex {
  return cx.scopes.within(() => {
    const params = field(node, 'parameters');
    const names = params
      ? namedKids(params).flatMap((p) => patternNames(p.type === 'parameter' ? field(p, 'pattern') : p))
      : [];
    names.forEach((n, i) => {
      if (bind && i === 0) cx.scopes.top().handles.set(n, bind.ref);
      else {
        const irName = cx.scopes.bindLocal(n);
        if (paramVal) out.push({ kind: 'local', range: cx.range(node), name: irName, value: paramVal });
      }
    });
    const body = field(node, 'body');
    if (!body) return { val: empty() };
    const saved = cx.via;
    if (bind?.via) cx.via = saved ?? bind.via;
    cx.closureDepth++;
    const ex = cx.expr(body, out);
    cx.closureDepth--;
    const val = cx.valOf(ex, body, out);
    cx.via = saved;
    return { val, future: ex.future, ...(ex.copy && !ex.ref ? { copy: ex.copy } : {}) };
  });
}

/** A timer or spawned body becomes an entry point of its own, named after the function and line that start it. */
export function detach(
  cx: LowerContext,
  call: SyntaxNode,
  fnNode: SyntaxNode,
  body: SyntaxNode,
  kind: 'timer' | 'spawn',
): void {
  if (cx.env.summaryMode) return;
  const line = cx.range(call).start.line + 1;
  const name = `${cx.name}::${kind}@${line}`;
  // `set_timer(d, tick)` / `spawn(tick())` run a function of this file: lower its body (bounded, for recursion).
  const named = body.type === 'call_expression' ? field(body, 'function') : body;
  const target =
    named && ['identifier', 'scoped_identifier'].includes(named.type)
      ? resolveWorkspaceFn(cx.env.index, cx.file, cx.fn, pathText(named))
      : undefined;
  const sameFile = target?.file === cx.file && (cx.name.match(/@/g) ?? []).length < 4 ? target : undefined;
  const inner = cx.nested(name, sameFile ?? cx.fn, !sameFile && cx.annotate);
  const nodes = sameFile ? inner.lowerFunction(sameFile).nodes : inner.lowerDetached(body);
  const entryKind: EntryKind = kind;
  const entry: EntryPointIR = {
    name,
    kind: entryKind,
    nameRange: cx.range(fnNode),
    range: cx.range(body),
    params: [],
    ...(inner.callerNames.length ? { callerNames: inner.callerNames } : {}),
    body: nodes,
  };
  markGeneratedKeys(nodes);
  // Keys it takes from the starting function's locals: whether it generated them is known once it is lowered.
  // Left out: a task started inside another task, and one that may run more than once with the same captures
  // (an interval timer, a start in a loop).
  if (!sameFile && !cx.name.includes('@') && !/interval/.test(pathText(fnNode)) && !inLoop(call))
    noteCapturedKeys(entry, (k) => {
      const b = cx.scopes.lookup(k);
      return b.local ? b.irName : undefined;
    });
  cx.out.spawned.push(entry);
}

/** The call sits in a loop of its function (`for`, `while`, `loop`), closures included. */
function inLoop(node: SyntaxNode): boolean {
  for (let n = node.parent; n && n.type !== 'function_item'; n = n.parent)
    if (['for_expression', 'while_expression', 'loop_expression'].includes(n.type)) return true;
  return false;
}
