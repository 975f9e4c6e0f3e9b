/**
 * A method call on a `dyn Trait`, `impl Trait` or `T: Trait` receiver runs one of the workspace's impls of the
 * trait (SPEC §2). Its commit kind combines theirs (`dispatchFuture`); what each impl does to state is replayed
 * from its summary like a direct call, one impl per arm of a branch, so rules see the accesses of whichever
 * impl runs: before the await what it does before its own commit point, after the await the rest.
 */
import { forEachNode, type BranchNode, type Node, type Val } from '../../model/ir';
import { alwaysExits } from '../../model/cfg';
import { descendantsOf, type MethodCall, type SyntaxNode } from './syntax';
import { displayName, type FnInfo } from './crate-index';
import type { Ex, LowerContext } from './lower-context';
import { calleeCheck, callWorkspaceFn } from './lower-workspace-call';
import { dispatchFuture, type MethodTarget } from './method-dispatch';
import { empty, union } from './val';

/**
 * Arguments lowered once per impl must not hold anything whose lowering has effects of its own. A closure may:
 * each impl runs it where it calls it (`store.with_salt(|s| …)`), so its accesses belong in that impl's arm.
 */
const EFFECTFUL = ['await_expression', 'call_expression', 'async_block', 'macro_invocation'];

function plainArgs(args: SyntaxNode[]): boolean {
  return args.every(
    (a) =>
      a.type === 'closure_expression' ||
      (!EFFECTFUL.includes(a.type) && descendantsOf(a, EFFECTFUL).length === 0),
  );
}

/**
 * The accesses of one impl's arm belong to that alternative of this call. Only the outermost such call is
 * kept: nested ones would multiply the entries of every summary above them.
 */
function markAlternative(nodes: Node[], alt: string): void {
  forEachNode(nodes, (n) => {
    if (n.kind === 'read' || n.kind === 'write') n.alts = [alt];
  });
}

/** A replayed check of a callee: a branch whose arm leaves the function (see `calleeCheck`). */
function isCheck(n: Node): n is BranchNode {
  return n.kind === 'branch' && !n.exhaustive && n.arms.length === 1 && alwaysExits(n.arms[0]);
}

export function lowerDispatch(
  cx: LowerContext,
  node: SyntaxNode,
  m: MethodCall,
  recv: Ex,
  target: Extract<MethodTarget, { kind: 'impls' }>,
  shown: string,
  out: Node[],
): Ex {
  (cx.facts.callees ??= []).push(...target.fns);
  const returnsFuture = target.fns.some((f) => f.isAsync || /\bFuture\b/.test(f.returnType));
  if (!target.fns.length || !plainArgs(m.args)) {
    const val = union(recv.val, ...m.args.map((a) => cx.value(a, out)));
    // Every impl synchronous (and all known): no future; otherwise the combined classification of the impls.
    if (!returnsFuture && target.complete) return { val };
    return { val, future: dispatchFuture(cx, target, shown) };
  }
  const range = cx.range(node);
  // An impl from outside the workspace may run instead: it does nothing this analysis can see.
  const branch = (arms: Node[][]): Node => ({
    kind: 'branch',
    range,
    cond: recv.val,
    arms: target.complete ? arms : [...arms, []],
    exhaustive: true,
  });
  const site = `${cx.file.path}:${range.start.line}:${range.start.character}`;
  const calls = target.fns.map((fn: FnInfo) => {
    const nodes: Node[] = [];
    const ex = callWorkspaceFn(cx, node, fn, m.args, nodes, shown, true, recv.val);
    markAlternative(nodes, `${site}#${displayName(fn)}`);
    return { nodes, ex, alt: `${site}#${displayName(fn)}` };
  });
  out.push(branch(calls.map((c) => c.nodes)));
  // Past the call only when the impl that ran let it go on: its checks decide for the code that follows.
  const checks = calls.flatMap((c) => c.nodes.filter(isCheck).map((n) => n.cond));
  if (checks.length) out.push(calleeCheck(cx, node, union(empty(), ...checks)));
  const val = union(recv.val, ...calls.map((c) => c.ex.val));
  if (!returnsFuture && target.complete) return { val };
  const after = (into: Node[]): Val => {
    const arms = calls.map((c) => {
      const nodes: Node[] = [];
      const v = c.ex.future?.kind === 'local' ? c.ex.future.after?.(nodes) : undefined;
      markAlternative(nodes, c.alt);
      return { nodes, v };
    });
    if (arms.some((a) => a.nodes.length)) into.push(branch(arms.map((a) => a.nodes)));
    return union(empty(), ...arms.flatMap((a) => (a.v ? [a.v] : [])));
  };
  const future = dispatchFuture(cx, target, shown);
  return { val, future: future.kind === 'block' ? { ...future, after } : future };
}
