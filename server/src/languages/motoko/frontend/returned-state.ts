/**
 * Helpers that return a part of the actor's state (`func getToken(i) : Result<TokenRecord, ()>` returning
 * `#ok(t)` for `t` unwrapped from `_token[i]`): the caller's local bound from the call is that state's own
 * record, so writing a field of it writes the state (SPEC §5, data flow through aliases; issue #8 item 5).
 */
import * as A from '../ast';
import { aliasedState, type StateRef } from './lower-state';
import { type FuncRef, Scope } from './scope';
import { boundNames, unwrap } from './syntax';
import { orderBoundHit } from './bounds';

/** Memo per function; `null` while its body is being read (a recursive helper returns nothing known). */
const memo = new WeakMap<A.Func, StateRef | null | 'pending'>();

/** The state a synchronous helper's result shares storage with, when every such result names the same state. */
export function returnedState(f: FuncRef): StateRef | undefined {
  if (f.func.asyncKind !== null) return undefined;
  const known = memo.get(f.func);
  if (known === 'pending') orderBoundHit();
  if (known !== undefined) return known === 'pending' || known === null ? undefined : known;
  memo.set(f.func, 'pending');
  const found = readBody(f);
  memo.set(f.func, found ?? null);
  return found;
}

function readBody(f: FuncRef): StateRef | undefined {
  // Parameters shadow state of the same name.
  const scope = f.scope.child();
  for (const p of f.func.params)
    for (const b of boundNames(p)) scope.define(b.name, { kind: 'local', nat: false });
  const aliases = new Map<string, StateRef>();
  const results: A.Exp[] = [f.func.body];
  A.walk(f.func.body, (n) => {
    // A nested function's `return` and locals are its own.
    if (n.kind === 'Func' || n.kind === 'ObjectDec' || n.kind === 'ClassDec') return false;
    if (n.kind === 'Return' && n.value) results.push(n.value);
    if (n.kind === 'LetDec' && n.init) {
      const ref = aliasOf(n.init, scope, aliases);
      if (ref) for (const b of boundNames(n.pattern)) aliases.set(b.name, ref);
    }
    if (n.kind === 'Switch') {
      const ref = aliasOf(n.scrutinee, scope, aliases);
      if (ref) for (const c of n.cases) for (const b of boundNames(c.pattern)) aliases.set(b.name, ref);
    }
    return true;
  });
  let found: StateRef | undefined;
  for (const r of results) {
    for (const ref of resultRefs(r, scope, aliases)) {
      if (found && found.path.root !== ref.path.root) return undefined;
      found ??= ref;
    }
  }
  return found;
}

/** The state an expression aliases: a local bound from state in this body, or state reached directly. */
function aliasOf(e: A.Exp, scope: Scope, aliases: Map<string, StateRef>): StateRef | undefined {
  let u = unwrap(e);
  while (u.kind === 'Dot' || u.kind === 'Index' || u.kind === 'Proj') u = unwrap(u.object);
  if (u.kind === 'Var' && aliases.has(u.name)) return aliases.get(u.name);
  return aliasedState(e, scope);
}

/** The states the value of a result expression aliases, through its tail positions and wrappers. */
function resultRefs(e: A.Exp, scope: Scope, aliases: Map<string, StateRef>): StateRef[] {
  const u = unwrap(e);
  switch (u.kind) {
    case 'Tag':
      return u.payload ? resultRefs(u.payload, scope, aliases) : [];
    case 'Opt':
      return resultRefs(u.operand, scope, aliases);
    case 'Tuple':
      return u.elements.flatMap((x) => resultRefs(x, scope, aliases));
    case 'Block': {
      const last = u.decs[u.decs.length - 1];
      return last && isExp(last) ? resultRefs(last, scope, aliases) : [];
    }
    case 'If':
      return [u.thenBranch, ...(u.elseBranch ? [u.elseBranch] : [])].flatMap((x) =>
        resultRefs(x, scope, aliases),
      );
    case 'Switch':
      return u.cases.flatMap((c) => resultRefs(c.body, scope, aliases));
    case 'Return':
    case 'Throw':
      // `return e` is collected on its own; a throw returns nothing.
      return [];
    default: {
      const ref = aliasOf(u, scope, aliases);
      return ref ? [ref] : [];
    }
  }
}

function isExp(d: A.Dec): d is A.Exp {
  return d.kind !== 'ImportDec' && d.kind !== 'LetDec' && d.kind !== 'VarDec' && d.kind !== 'TypeDec';
}
