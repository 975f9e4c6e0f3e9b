/**
 * Assignments (`x := e`, `x += e`, `a[i] := e`, `x -= 1`): writes to state (with the key, and the flag-style
 * `set`/`clear` marks the rules use for locks) or updates of locals, plus the traps they may raise.
 */
import type * as A from '../ast';
import type { Node, Val, WriteNode } from '../../../model/ir';
import type { BodyLowerer } from './lower-body';
import { isNatExp, localBase, readState, simpleKey, stateRef } from './lower-state';
import { trap } from './lower-traps';
import { EMPTY, fromLocal, fromRead, union } from './lower-val';
import type { Scope } from './scope';
import { unwrap } from './syntax';

/** Lowers an assignment; `rhs` is null for `x += 1`-style unary assignments. */
export function lowerAssign(
  lw: BodyLowerer,
  target: A.Exp,
  op: A.AssignOp | A.UnaryAssignExp['op'],
  rhs: A.Exp | null,
  whole: A.NodeBase,
  out: Node[],
  scope: Scope,
): void {
  const t = unwrap(target);
  const compound = op !== ':=';
  const ref = stateRef(t, scope);
  if (ref) {
    const key = t.kind === 'Index' ? simpleKey(lw, t.index, scope) : undefined;
    const pre: Val[] = [];
    if (t.kind === 'Index') pre.push(lw.value(t.index, out, scope));
    const current = compound ? fromRead(readState(lw, ref, t, out, key)) : EMPTY;
    const rhsVal = rhs ? lw.value(rhs, out, scope) : EMPTY;
    const v = union(...pre, current, rhsVal);
    if (t.kind === 'Index') trap(lw, 'index', t, out, { value: v });
    const write: WriteNode = { kind: 'write', state: ref.path, value: v, range: lw.ctx.range(whole) };
    if (key !== undefined) write.key = key;
    const r = rhs ? unwrap(rhs) : undefined;
    // `flag := true` / `flag := false`: a lock taken or released.
    if (op === ':=' && r?.kind === 'Lit' && r.litKind === 'bool')
      write.mark = r.raw === 'true' ? 'set' : 'clear';
    out.push(write);
    if (op === '-=' && t.kind === 'Var' && ref.root.nat)
      trap(lw, 'underflow', whole, out, { value: v, operands: [current, rhsVal] });
    return;
  }
  const local = localBase(t, scope);
  const index = t.kind === 'Index' ? lw.value(t.index, out, scope) : EMPTY;
  const rhsVal = rhs ? lw.value(rhs, out, scope) : EMPTY;
  const v = union(index, compound && local ? fromLocal(local) : EMPTY, rhsVal);
  if (t.kind === 'Index') trap(lw, 'index', t, out, { value: v });
  // Changing a local's array or record in place changes the state it was read from; a compound assignment
  // reads that state now, through the reference, not the value the local was bound to.
  const alias = local && t.kind !== 'Var' ? lw.aliases.get(local) : undefined;
  if (alias) {
    const now = compound ? fromRead(readState(lw, alias, t, out)) : EMPTY;
    const write: WriteNode = {
      kind: 'write',
      state: alias.path,
      value: union(index, now, rhsVal),
      range: lw.ctx.range(whole),
    };
    if (alias.key !== undefined) write.key = alias.key;
    out.push(write);
  }
  if (local) {
    out.push({ kind: 'local', name: local, value: v, range: lw.ctx.range(whole) });
    if (op === '-=' && t.kind === 'Var' && isNatExp(t, scope))
      trap(lw, 'underflow', whole, out, { value: v, operands: [fromLocal(local), rhsVal] });
  }
}
