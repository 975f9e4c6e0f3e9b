/** Just enough of Motoko's types to tell whether a method of an actor reference returns `async ()`. */
import type * as A from '../ast';
import type { Scope } from './scope';
import { unwrap } from './syntax';

/** Resolves type names through the file's `type` declarations and strips parentheses. */
function resolve(t: A.Type | null | undefined, typeDecs: Map<string, A.Type>, depth = 0): A.Type | undefined {
  let cur = t ?? undefined;
  while (cur && depth < 16) {
    if (cur.kind === 'ParenType') cur = cur.inner;
    else if (cur.kind === 'PathType') cur = typeDecs.get(cur.path[cur.path.length - 1]?.name ?? '');
    else return cur;
    depth++;
  }
  return undefined;
}

function isAsyncUnit(t: A.Type | undefined, typeDecs: Map<string, A.Type>): boolean {
  const r = resolve(t, typeDecs);
  if (!r || r.kind !== 'AsyncType') return false;
  const inner = resolve(r.inner, typeDecs) ?? r.inner;
  return inner.kind === 'TupleType' && inner.elements.length === 0;
}

/** `ledger.transfer` where `ledger : actor { transfer : … -> async () }`, or `cb` with `cb : () -> async ()`. */
export function calleeReturnsAsyncUnit(callee: A.Exp, scope: Scope, typeDecs: Map<string, A.Type>): boolean {
  const u = unwrap(callee);
  const typeOf = (name: string): A.Type | null | undefined => {
    const b = scope.lookup(name);
    if (b?.kind === 'local') return b.type;
    if (b?.kind === 'state') return b.root.type;
    return undefined;
  };
  let fnType: A.Type | undefined;
  if (u.kind === 'Var') fnType = resolve(typeOf(u.name), typeDecs);
  else if (u.kind === 'Dot') {
    const obj = unwrap(u.object);
    if (obj.kind !== 'Var') return false;
    const objType = resolve(typeOf(obj.name), typeDecs);
    if (!objType || objType.kind !== 'ObjType') return false;
    fnType = resolve(objType.fields.find((f) => !f.isType && f.name.name === u.name.name)?.type, typeDecs);
  }
  return fnType?.kind === 'FuncType' && isAsyncUnit(fnType.result, typeDecs);
}
