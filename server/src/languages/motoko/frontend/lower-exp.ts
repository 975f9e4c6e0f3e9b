/**
 * One expression, by kind: what its value depends on, and the nodes its evaluation emits, in order. Each
 * concern with more to it (state, assignments, traps, calls, awaits, control flow, declarations) has its own
 * `lower-*.ts` module; what stays here is the plain evaluation of the parts.
 */
import type * as A from '../ast';
import type { Node, Val } from '../../../model/ir';
import { capturedValue } from './closures';
import { lowerAssign } from './lower-assign';
import { lowerAwait } from './lower-await';
import type { BodyLowerer } from './lower-body';
import { lowerCall } from './lower-calls';
import { lowerExit, lowerLoop } from './lower-control';
import { lowerLet, lowerVar, queueMembers } from './lower-decs';
import { assignedFields, localBase, readState, statePath, stateRef } from './lower-state';
import { lowerAssert, lowerBang, lowerBinary, lowerIndex } from './lower-traps';
import { EMPTY, fromLocal, fromRead, union } from './lower-val';
import type { Scope } from './scope';
import { unwrap } from './syntax';

export function lowerExp(lw: BodyLowerer, e: A.Exp, out: Node[], scope: Scope): Val {
  switch (e.kind) {
    case 'Lit':
    case 'Prim':
    case 'ErrorExp':
    case 'TypeDec':
    case 'ActorUrl':
    case 'Continue':
      return EMPTY;
    case 'Var': {
      const b = scope.lookup(e.name);
      if (b?.kind === 'state')
        return fromRead(readState(lw, { root: b.root, path: statePath(b.root, e.name) }, e, out));
      if (b?.kind === 'local') return fromLocal(b.irName ?? e.name);
      // A function value carries what it closes over (a closure returned in a record, called after an await).
      if (b?.kind === 'func') return capturedValue(b);
      return EMPTY;
    }
    case 'Paren':
      return lw.value(e.inner, out, scope);
    case 'Annot':
      return lw.value(e.expr, out, scope);
    case 'Dot': {
      const ref = stateRef(e, scope);
      if (ref) return fromRead(readState(lw, ref, e, out));
      // A `var` field of a local that is the state's own record (`t.owner` for `t` from `getToken(i)`) is
      // read where it is written: after an await it is the current value, not the one seen when `t` was bound.
      const local = localBase(e, scope);
      const live = local !== undefined && assignedFields(lw.ctx.file.program).has(e.name.name);
      const alias = live ? lw.aliases.get(local) : undefined;
      const base = lw.value(e.object, out, scope);
      return alias ? union(base, fromRead(readState(lw, alias, e, out))) : base;
    }
    case 'Proj':
      return lw.value(e.object, out, scope);
    case 'Index':
      return lowerIndex(lw, e, out, scope);
    case 'Call':
      return lowerCall(lw, e, out, scope, false);
    case 'Bang':
      return lowerBang(lw, e, out, scope);
    case 'Binary':
      return lowerBinary(lw, e, out, scope);
    case 'Logical':
      return union(lw.value(e.left, out, scope, 'matched'), lw.value(e.right, out, scope, 'matched'));
    case 'Assign':
      lowerAssign(lw, e.target, e.op, e.value, e, out, scope);
      return EMPTY;
    case 'UnaryAssign':
      lowerAssign(lw, e.target, e.op, null, e, out, scope);
      return EMPTY;
    case 'Await':
      return lowerAwait(lw, e, out, scope, 'bound', false);
    case 'Return':
    case 'Throw':
      return lowerExit(lw, e, out, scope);
    case 'Assert':
      return lowerAssert(lw, e, out, scope);
    case 'Ignore': {
      const u = unwrap(e.operand);
      if (u.kind === 'Await') lowerAwait(lw, u, out, scope, 'ignored', false);
      else if (u.kind === 'Call') lowerCall(lw, u, out, scope, true);
      else lowerExp(lw, u, out, scope);
      return EMPTY;
    }
    case 'If':
    case 'Switch':
    case 'Try':
    case 'Label':
    case 'Block':
    case 'Do':
    case 'DoOpt':
      return lw.structured(e, out, scope, 'value');
    case 'While':
    case 'Loop':
    case 'For':
      return lowerLoop(lw, e, out, scope);
    case 'Break':
      return e.value ? lw.value(e.value, out, scope) : EMPTY;
    case 'Debug':
      lw.stmt(e.body, out, scope);
      return EMPTY;
    // Nested code that runs later (not as part of this evaluation): lowered on its own, for annotations.
    case 'Async':
      if (!lw.quiet) lw.ctx.queue(lw.fnName, e, scope);
      return EMPTY;
    case 'Func':
      if (!lw.quiet) lw.ctx.queue(e.name?.name ?? lw.fnName, e, scope);
      return EMPTY;
    case 'ObjectDec':
    case 'ClassDec':
    case 'MixinDec':
      if (!lw.quiet) queueMembers(lw, e, scope);
      return EMPTY;
    case 'IncludeDec':
      return lw.value(e.arg, out, scope);
    case 'LetDec':
      lowerLet(lw, e, out, scope);
      return EMPTY;
    case 'VarDec':
      lowerVar(lw, e, out, scope);
      return EMPTY;
    case 'Object': {
      const vals = e.bases.map((b) => lw.value(b, out, scope));
      for (const f of e.fields) {
        if (f.value) vals.push(lw.value(f.value, out, scope));
        // A punned field (`{ x }`) reads the variable `x`.
        else
          vals.push(
            lowerExp(
              lw,
              { kind: 'Var', name: f.name.name, start: f.name.start, end: f.name.end },
              out,
              scope,
            ),
          );
      }
      return union(...vals);
    }
    case 'Tuple':
    case 'Array':
      return union(...e.elements.map((x) => lw.value(x, out, scope)));
    case 'ToCandid':
      return union(...e.args.map((x) => lw.value(x, out, scope)));
    case 'Tag':
      return e.payload ? lw.value(e.payload, out, scope) : EMPTY;
    case 'Opt':
    case 'Unary':
    case 'Not':
    case 'Show':
    case 'FromCandid':
      return lw.value(e.operand, out, scope);
    default:
      return EMPTY;
  }
}
