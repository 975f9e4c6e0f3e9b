/**
 * Call expressions and method calls: inter-canister call APIs (their futures are awaited later), workspace
 * functions, `mutate_state`-style closure parameters, the special calls (`caller`, `trap`, timers, `spawn`),
 * methods on state handles and on call futures, and `unwrap`/`expect` on results.
 */
import type { CalleeSite, Node } from '../../model/ir';
import { resolveCallApi, specialCall } from './call-apis';
import { detach, inlineClosure } from './lower-closures';
import { lowerCombinator } from './lower-combinators';
import type { Ex, LowerContext } from './lower-context';
import { lowerStateMethod } from './lower-state';
import { lowerDispatch } from './lower-dispatch';
import { isTailOf } from './lower-control-flow';
import { resolveMethod } from './method-dispatch';
import { receiverType } from './receiver-types';
import { COPY_KEEPING } from './state-copies';
import { towerCall, towerMethod, towerOf } from './tower-services';
import { callWorkspaceFn } from './lower-workspace-call';
import { resolveWorkspaceFn } from './resolve-fn';
import { displayName } from './crate-index';
import { COLLECTION_MUTATORS, isStdMethod } from './state-methods';
import { noteParamEntryOp } from './param-entries';
import {
  callArgs,
  field,
  methodCall,
  pathText,
  stripWrappers,
  type MethodCall,
  type SyntaxNode,
} from './syntax';
import { empty, union } from './val';

export function lowerCall(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const method = methodCall(node);
  if (method) return lowerMethodCall(cx, node, method, out);
  const fnNode = field(node, 'function');
  const args = callArgs(node);
  if (!fnNode) return { val: empty() };
  if (!['identifier', 'scoped_identifier', 'generic_function'].includes(fnNode.type)) {
    const callee = cx.value(fnNode, out);
    return { val: union(callee, ...args.map((a) => cx.value(a, out))) };
  }
  const written = pathText(fnNode);
  // A closure parameter applied to a state handle: this function is a `mutate_state`-style helper.
  const paramIndex = cx.fn && !written.includes('::') ? cx.fn.params.indexOf(written) : -1;
  if (paramIndex >= 0 && !cx.scopes.lookup(written).handle) {
    const exs = args.map((a) => cx.expr(a, out));
    const handle = exs.find((e) => e.ref)?.ref;
    if (handle) cx.facts.closureHelper ??= { paramIndex, state: handle.state, mutable: handle.mutable };
    // Where the closure runs, for the summary (`paramsCalledLate`): an empty block does nothing else.
    const at: Node = { kind: 'block', range: cx.range(node), body: [] };
    out.push(at);
    (cx.facts.paramCalls ??= []).push({ index: paramIndex, at });
    // `f().await` in a higher-order function awaits what the caller's closure returns.
    const future = { kind: 'param' as const, index: paramIndex, name: written };
    return { val: union(empty(), ...exs.map((e) => e.val)), future };
  }
  const workspaceFn = resolveWorkspaceFn(cx.env.index, cx.file, cx.fn, written, args.length);
  const api = resolveCallApi(written, cx.file.uses, cx.env.extraCallFunctions, cx.env.cdkFacades);
  if (api) {
    const val = union(empty(), ...args.map((a) => cx.value(a, out)));
    return { val, future: { kind: 'api', api, callee: written } };
  }
  if (workspaceFn) {
    const ex = callWorkspaceFn(cx, node, workspaceFn, args, out, written, false);
    // A function that builds a tower service stack (`http_client()`) returns what its summary says it is.
    const tower = cx.env.summaries.get(workspaceFn)?.tower;
    return tower ? { ...ex, future: { kind: 'tower', tower } } : ex;
  }
  const combined = lowerCombinator(cx, node, written, args, out);
  if (combined) return combined;
  const tower = towerCall(cx, node, written, args, out);
  if (tower) return tower;
  // `scopeguard::guard(v, |_| …)`: the closure runs when the guard is dropped (scope end or cleanup after a
  // trap), not here; what it changes is not a change made before the awaits that follow.
  if (/^scopeguard::guard(_on_success|_on_unwind)?$/.test(written)) {
    return { val: args[0] ? cx.value(args[0], out) : empty() };
  }
  // `Err(…)` as the function's tail value (a `match` arm's) leaves it with an error, like `return Err(…)`.
  const body = cx.closureDepth === 0 && cx.fn ? field(cx.fn.node, 'body') : undefined;
  if (/^(?:Result::)?Err$/.test(written) && body && isTailOf(node, body)) {
    const value = union(empty(), ...args.map((a) => cx.value(a, out)));
    out.push({ kind: 'exit', range: cx.range(node), how: 'return', value, error: true });
    return { val: value };
  }
  const special = specialCall(written, cx.file.uses, cx.env.cdkFacades);
  if (special === 'caller') {
    out.push({ kind: 'caller', range: cx.range(node) });
    return { val: empty(), caller: true };
  }
  const val = union(
    empty(),
    ...(special === 'timer' || special === 'spawn' ? [] : args.map((a) => cx.value(a, out))),
  );
  if (special === 'trap') cx.trap(node, out, 'trap', { always: true, value: val });
  if (special === 'timer' || special === 'spawn') {
    const body = args[args.length - 1];
    args.slice(0, -1).forEach((a) => cx.value(a, out));
    if (body) detach(cx, node, fnNode, body, special);
    return { val: empty() };
  }
  return { val, future: { kind: 'unknown', name: written } };
}

function lowerMethodCall(cx: LowerContext, node: SyntaxNode, m: MethodCall, out: Node[]): Ex {
  const recv = cx.expr(m.recv, out);
  if (recv.ref) return lowerStateMethod(cx, node, recv, m, out);
  if (recv.future?.kind === 'api') {
    const val = union(recv.val, ...m.args.map((a) => cx.value(a, out)));
    // `oneway()` sends without awaiting a response: not a future.
    if (m.name === 'oneway' || m.name.startsWith('notify')) return { val };
    return { val, future: recv.future };
  }
  const tower = towerOf(recv);
  if (tower) {
    const shown = `${m.recv.text.replace(/\s+/g, '')}.${m.name}`;
    const ex = towerMethod(cx, node, recv, tower, m.name, m.args, shown, out);
    if (ex) return ex;
  }
  if (m.name === 'unwrap' || m.name === 'expect') {
    const argVals = m.args.map((a) => cx.value(a, out));
    cx.trap(node, out, m.name, { value: recv.val }, m.nameNode);
    return { val: union(recv.val, ...argVals), ...(recv.copy ? { copy: recv.copy } : {}) };
  }
  // `get_state().unwrap_or_default()`, `.ok_or(e)`, `.clone()`: still the copy of the state.
  if (recv.copy && COPY_KEEPING.has(m.name)) {
    const argVals = m.args.map((a) => cx.value(a, out));
    return { val: union(recv.val, ...argVals), copy: recv.copy };
  }
  const typed = lowerTypedMethodCall(cx, node, m, recv, out);
  if (typed) return typed;
  const isSelf = stripWrappers(m.recv).type === 'self';
  const owner =
    isSelf && cx.fn?.typeName ? cx.env.index.methods.get(`${cx.fn.typeName}::${m.name}`) : undefined;
  // Otherwise a method name defined once in the workspace, unless std types have it too (`insert`, `push`…).
  const candidates = cx.env.index.methodsByName.get(m.name) ?? [];
  const unique = candidates.length === 1 && !candidates[0].traitName && !isStdMethod(m.name);
  const target = owner ?? (unique ? candidates[0] : undefined);
  if (target) {
    const ex = callWorkspaceFn(cx, node, target, m.args, out, `${m.recv.text}.${m.name}`, true, recv.val);
    return { ...ex, val: union(ex.val, recv.val) };
  }
  const unwrapper = trappingUnwrapper(cx, m.name);
  const argVals = m.args.map((a) => {
    if (a.type !== 'closure_expression') return cx.value(a, out);
    const from = out.length;
    const val = inlineClosure(cx, a, out, undefined, recv.val).val;
    // A closure given to a method of the receiver runs when the receiver says so (`opt.unwrap_or_else(|| trap(…))`):
    // a trap in it depends on the receiver.
    for (const n of out.slice(from)) if (n.kind === 'trap' && !n.cond) n.cond = recv.val;
    return val;
  });
  if (unwrapper) {
    // `r.unwrap_or_trap()`: like `unwrap`, it traps on what it is called on; shown where the helper traps.
    cx.trap(node, out, 'unwrap-helper', { value: recv.val }, m.nameNode);
    const trap = out[out.length - 1];
    if (trap.kind === 'trap') trap.inCallee = unwrapper;
    return { val: union(recv.val, ...argVals) };
  }
  const val = union(recv.val, ...argVals);
  // `keys.remove(id)` on a local (a `&mut` parameter, a collection being built) changes that local: a helper
  // that does it to a parameter changes what its caller hands it.
  const local =
    stripWrappers(m.recv).type === 'identifier' ? cx.scopes.lookup(stripWrappers(m.recv).text) : undefined;
  if (local?.local && !local.handle && COLLECTION_MUTATORS.has(m.name))
    out.push({ kind: 'local', range: cx.range(node), name: local.irName, value: val });
  if (local?.local && !local.handle) noteParamEntryOp(cx.facts, cx.fn, m, local.irName, argVals);
  if (recv.future && /^(boxed|into_future|fuse)$/.test(m.name)) return { val, future: recv.future };
  return { val, future: { kind: 'unknown', name: `${m.recv.text.replace(/\s+/g, '')}.${m.name}` } };
}

/** A method call resolved through its receiver's type (a field, parameter or local whose type is written). */
function lowerTypedMethodCall(
  cx: LowerContext,
  node: SyntaxNode,
  m: MethodCall,
  recv: Ex,
  out: Node[],
): Ex | undefined {
  const type = receiverType(cx, m.recv);
  const target = type ? resolveMethod(cx, type, m.name) : undefined;
  if (!target) return undefined;
  const shown = `${m.recv.text.replace(/\s+/g, '')}.${m.name}`;
  if (target.kind === 'fn') {
    const ex = callWorkspaceFn(cx, node, target.fn, m.args, out, shown, true, recv.val);
    return { ...ex, val: union(ex.val, recv.val) };
  }
  if (target.kind === 'api') {
    const val = union(recv.val, ...m.args.map((a) => cx.value(a, out)));
    return { val, future: { kind: 'api', api: { api: target.api, wait: 'unknown' }, callee: shown } };
  }
  if (target.kind === 'callFree') {
    const val = union(recv.val, ...m.args.map((a) => cx.value(a, out)));
    const reason = `\`.await\` on \`${target.name}\`, a library method known to make no inter-canister call: it runs to completion within this message`;
    return { val, future: { kind: 'block', commit: 'none', reason } };
  }
  return lowerDispatch(cx, node, m, recv, target, shown, out);
}

/**
 * A method of unresolved receiver type whose every workspace definition (in this crate and the crates it
 * depends on, often one trait's impls for `Result` and `Option`) calls `trap` on its receiver, with no commit
 * point and no state access: `unwrap_or_trap` and its kind. Where the first of them traps.
 */
function trappingUnwrapper(cx: LowerContext, name: string): CalleeSite | undefined {
  if (isStdMethod(name)) return undefined;
  const index = cx.env.index;
  const fns = [index, ...index.deps.values()].flatMap((ix) => ix.methodsByName.get(name) ?? []);
  if (!fns.length) return undefined;
  let site: CalleeSite | undefined;
  for (const fn of fns) {
    const summary = cx.env.summaries.get(fn);
    const trap = summary?.trap;
    if (
      !summary ||
      trap?.cause !== 'trap' ||
      !trap.onParams?.includes(0) ||
      summary.commits !== 'never' ||
      summary.accesses.length
    )
      return undefined;
    site ??= { fn: trap.fn ?? displayName(fn), file: trap.file, range: trap.range };
  }
  return site;
}
