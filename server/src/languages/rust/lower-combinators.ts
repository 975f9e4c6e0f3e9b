/**
 * Future combinators (SPEC §2): `join_all(iter.map(f))` and `try_join_all(…)` await every future they
 * combine, so the combined future is classified like the one `f` returns (a closure, an async block, a
 * workspace function named as the mapper). Anything else they are given stays an unknown future.
 */
import type { Node } from '../../model/ir';
import { classifyAwait, type Future } from './awaits';
import { inlineClosure } from './lower-closures';
import type { Ex, LowerContext } from './lower-context';
import { resolveWorkspaceFn } from './resolve-fn';
import { methodCall, pathText, type SyntaxNode } from './syntax';
import { expandPath } from './use-resolution';
import { empty, union } from './val';

const COMBINATORS = new Set(['join_all', 'try_join_all']);
const CRATES = new Set(['futures', 'futures_util']);

/** `futures::future::join_all(…)` and the like, by their canonical path. */
function isCombinator(cx: LowerContext, written: string): boolean {
  const segs = expandPath(written, cx.file.uses).split('::');
  return COMBINATORS.has(segs[segs.length - 1]) && CRATES.has(segs[0]);
}

export function lowerCombinator(
  cx: LowerContext,
  node: SyntaxNode,
  written: string,
  args: SyntaxNode[],
  out: Node[],
): Ex | undefined {
  if (args.length !== 1 || !isCombinator(cx, written)) return undefined;
  const line = cx.range(node).start.line + 1;
  const mapped = methodCall(args[0]);
  if (mapped?.name !== 'map' || mapped.args.length !== 1) {
    const val = cx.value(args[0], out);
    return { val, future: { kind: 'unknown', name: written } };
  }
  const recv = cx.value(mapped.recv, out);
  const mapper = mapped.args[0];
  let each: Future | undefined;
  let val = recv;
  if (mapper.type === 'closure_expression') {
    const ex = inlineClosure(cx, mapper, out, undefined, recv);
    each = ex.future;
    val = union(recv, ex.val);
  } else if (mapper.type === 'identifier' || mapper.type === 'scoped_identifier') {
    const fn = cx.scopes.lookup(mapper.text).local
      ? undefined
      : resolveWorkspaceFn(cx.env.index, cx.file, cx.fn, pathText(mapper), 1);
    if (fn) {
      (cx.facts.callees ??= []).push(fn);
      each = { kind: 'local', fn, callee: mapper.text };
    }
  }
  if (!each) return { val: union(empty(), val), future: { kind: 'unknown', name: written } };
  const c = classifyAwait(each, mapper, cx.env.summaries);
  const what = `\`${written}\` (line ${line}), which awaits every future of its iterator`;
  const reason =
    c.commit === 'commit'
      ? `\`.await\` on ${what}, each a call to another canister: a commit point`
      : c.commit === 'none'
        ? `\`.await\` on ${what}, none of which makes an inter-canister call: it runs to completion within this message`
        : `\`.await\` on ${what}, which may call another canister: it may be a commit point`;
  return {
    val,
    future: {
      kind: 'block',
      commit: c.commit,
      reason,
      ...(c.call && c.api ? { call: c.call, api: c.api } : {}),
    },
  };
}
