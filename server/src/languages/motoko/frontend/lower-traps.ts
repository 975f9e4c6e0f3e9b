/**
 * Traps: the expressions that may trap (`a[i]`, `x!`, `Nat` subtraction, `assert`, `Runtime.trap(…)`) and the
 * `trap` nodes they emit. A trap rolls back the message's state changes since its last commit point.
 */
import type * as A from '../ast';
import type { Node, TrapCause, Val } from '../../../model/ir';
import type { BodyLowerer } from './lower-body';
import { isNatExp, readState, simpleKey, stateRef } from './lower-state';
import { EMPTY, fromRead, union } from './lower-val';
import type { Scope } from './scope';

/** Emits a trap node; `value`/`cond` are what decides whether it traps, `always` for unconditional traps. */
export function trap(
  lw: BodyLowerer,
  cause: TrapCause,
  n: A.NodeBase,
  out: Node[],
  extra: { value?: Val; cond?: Val; always?: boolean; operands?: [Val, Val] },
): void {
  out.push({ kind: 'trap', cause, range: lw.ctx.range(n), ...extra });
}

/** `a[i]`: a (keyed) read when `a` is state; traps when out of bounds. */
export function lowerIndex(lw: BodyLowerer, e: A.IndexExp, out: Node[], scope: Scope): Val {
  const ref = stateRef(e.object, scope);
  const idx = lw.value(e.index, out, scope);
  let v: Val;
  if (ref) {
    v = union(fromRead(readState(lw, ref, e, out, simpleKey(lw, e.index, scope))), idx);
  } else {
    v = union(lw.value(e.object, out, scope), idx);
  }
  trap(lw, 'index', e, out, { value: v });
  return v;
}

/**
 * `x!`: only allowed inside `do ? { … }`, where `null` makes the whole block `null` (it does not trap). The
 * rest of the block is kept as if it always ran: the rules then see every write it may make.
 */
export function lowerBang(lw: BodyLowerer, e: A.BangExp, out: Node[], scope: Scope): Val {
  return lw.value(e.operand, out, scope);
}

/** A binary operator; `n - m` on a `Nat` traps on underflow. */
export function lowerBinary(lw: BodyLowerer, e: A.BinaryExp, out: Node[], scope: Scope): Val {
  const left = lw.value(e.left, out, scope);
  const right = lw.value(e.right, out, scope);
  const v = union(left, right);
  if (e.op === '-' && isNatExp(e.left, scope))
    trap(lw, 'underflow', e, out, { value: v, operands: [left, right] });
  return v;
}

/** `assert c`: traps when the condition is false. */
export function lowerAssert(lw: BodyLowerer, e: A.AssertExp, out: Node[], scope: Scope): Val {
  const v = lw.value(e.operand, out, scope, 'matched');
  trap(lw, 'assert', e, out, { cond: v });
  return EMPTY;
}

/** `Runtime.trap(msg)`, `Debug.trap(msg)`: always traps, after evaluating its arguments. */
export function lowerTrapCall(lw: BodyLowerer, e: A.CallExp, out: Node[], scope: Scope): Val {
  const v = union(...e.args.map((a) => lw.value(a, out, scope)));
  trap(lw, 'trap', e, out, { value: v, always: true });
  return EMPTY;
}
