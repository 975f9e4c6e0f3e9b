/**
 * Where an expression points into the actor's state (or a local), and the IR reads of it. Shared by the
 * lowering of expressions, assignments and calls, so that all of them name the same state locations and keys.
 */
import type * as A from '../ast';
import { isTypeOrPattern, walk } from '../ast';
import type { Node, StatePath } from '../../../model/ir';
import type { BodyLowerer } from './lower-body';
import { returnedState } from './returned-state';
import { resolveCallee, type Scope } from './scope';
import type { StateRoot } from './state';
import { isNatType, unwrap } from './syntax';

/** A state location: the declared state variable, and the path (at most one field deep) into it. */
export interface StateRef {
  root: StateRoot;
  path: StatePath;
}

/** The state location an expression denotes: `x`, `o.f`, `o.f.g` (→ `o.f`), `a[i]` (→ `a`). */
export function stateRef(e: A.Exp, scope: Scope): StateRef | undefined {
  // A loop down the `.`/`[…]` chain, not recursion: `a.b.c…` can be 10,000 long.
  let field: string | undefined; // the field access nearest the variable (`o.f` of `o.f.g`, `a[i].f`)
  let u = unwrap(e);
  while (u.kind === 'Dot' || u.kind === 'Index') {
    if (u.kind === 'Dot') field = u.name.name;
    u = unwrap(u.object);
  }
  if (u.kind !== 'Var') return undefined;
  const b = scope.lookup(u.name);
  if (b?.kind !== 'state') return undefined;
  const path = statePath(b.root, u.name, field);
  return { root: b.root, path: b.as ? givenPath(b.as, path) : path };
}

/** The path of `name` (`.field`) for a state root: a held instance's own `var` carries its class. */
export function statePath(root: StateRoot, name: string, field?: string): StatePath {
  return {
    root: name,
    ...(field === undefined ? {} : { field }),
    ...(root.holder === undefined ? {} : { holder: root.holder }),
  };
}

/**
 * A path through a parameter as the caller names it: `s.total` with `state` given for `s` is `state.total`; with
 * `state.book` given, `state.book` (paths go one field deep).
 */
export function givenPath(given: StatePath, path: StatePath): StatePath {
  if (given.field !== undefined || path.field === undefined) return given;
  return { ...given, field: path.field };
}

/** Lookups whose result is an entry of the collection they are given, not a copy. */
const LOOKUPS = new Set(['get', 'find', 'getOpt', 'get_opt']);

/**
 * `get(k)`: the value is the entry stored, which the key only selects. The key's sources are not the entry's
 * (a config looked up by a provider id is the config, not the id).
 */
export function isLookup(name: string): boolean {
  return LOOKUPS.has(name) && name !== 'find';
}

/**
 * The state an expression's value shares storage with: a part of it (`s.f`, `s[i]`) or an entry looked up in it
 * (`Map.get(s, k)`, `s.get(k)`, `Map.get(s, hash, k)`), or returned by a helper that returns one. A mutable array or record reached this way is the
 * state's own, so changing it in place changes the state.
 */
export function aliasedState(e: A.Exp, scope: Scope): StateRef | undefined {
  const u = unwrap(e);
  const direct = stateRef(u, scope);
  if (direct) return direct;
  // `switch (s[i]) { case (?x) x; case null return … }`: the entry the switch unwraps.
  if (u.kind === 'Switch') return aliasedState(u.scrutinee, scope);
  if (u.kind !== 'Call') return undefined;
  const callee = unwrap(u.callee);
  const lookup =
    callee.kind === 'Dot' && LOOKUPS.has(callee.name.name)
      ? (stateRef(callee.object, scope) ?? (u.args[0] ? stateRef(u.args[0], scope) : undefined))
      : undefined;
  if (lookup) return lookup;
  // `getToken(i)`: a helper of this code that returns an entry of the state.
  const helper = resolveCallee(callee, scope)?.found;
  return helper?.kind === 'func' ? returnedState(helper) : undefined;
}

/** A local's alias of the state, with the map key of the entry it was looked up at when that is a simple name. */
export interface KeyedAlias extends StateRef {
  key?: string;
}

/**
 * The alias of state `e` is (see `aliasedState`), keyed by the lookup's key when it is a simple name
 * (`_state.get(aid)`, `Map.get(m, hash, aid)` → `aid`): a change through it is a change of that entry only.
 */
export function keyedAlias(lw: BodyLowerer, e: A.Exp, scope: Scope): KeyedAlias | undefined {
  const ref = aliasedState(e, scope);
  if (!ref) return undefined;
  let u = unwrap(e);
  if (u.kind === 'Switch') u = unwrap(u.scrutinee);
  if (u.kind !== 'Call' || u.args.length === 0) return ref;
  const callee = unwrap(u.callee);
  if (callee.kind !== 'Dot' || !LOOKUPS.has(callee.name.name) || !ref.root.keyed) return ref;
  // Method style `m.get(k)`: the first argument; module style `Map.get(m, [hash,] k)`: the last.
  const keyExp = stateRef(callee.object, scope) ? u.args[0] : u.args[u.args.length - 1];
  const key = simpleKey(lw, keyExp, scope);
  return key !== undefined ? { ...ref, key } : ref;
}

/** The local variable an assignment target ultimately changes (`x`, `x.f`, `x[i]`). */
export function localBase(e: A.Exp, scope: Scope): string | undefined {
  let u = unwrap(e);
  while (u.kind === 'Dot' || u.kind === 'Index') u = unwrap(u.object);
  if (u.kind !== 'Var') return undefined;
  const b = scope.lookup(u.name);
  return b?.kind === 'local' ? (b.irName ?? u.name) : undefined;
}

/** A map key that is a simple name (a parameter, a local, the caller), else undefined. */
export function simpleKey(lw: BodyLowerer, e: A.Exp | undefined, scope: Scope): string | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  if (u.kind === 'Var') {
    const b = scope.lookup(u.name);
    return b?.kind === 'local' || lw.callerNames.includes(u.name) ? u.name : undefined;
  }
  if (
    u.kind === 'Dot' &&
    u.name.name === 'caller' &&
    u.object.kind === 'Var' &&
    lw.callerRecords.includes(u.object.name)
  ) {
    return `${u.object.name}.caller`;
  }
  return undefined;
}

/** The expression is a `Nat` (annotated, or a `Nat` state variable or local): subtracting from it may trap. */
export function isNatExp(e: A.Exp, scope: Scope): boolean {
  const u = unwrap(e);
  if (e.kind === 'Annot' && isNatType(e.type)) return true;
  if (u.kind !== 'Var') return false;
  const b = scope.lookup(u.name);
  return (b?.kind === 'state' && b.root.nat) || (b?.kind === 'local' && b.nat);
}

/** Emits a read of a state location (of one key of it when known); returns the read's id. */
export function readState(lw: BodyLowerer, ref: StateRef, n: A.NodeBase, out: Node[], key?: string): number {
  const id = lw.ctx.id();
  out.push({
    kind: 'read',
    id,
    state: ref.path,
    range: lw.ctx.range(n),
    ...(key !== undefined ? { key } : {}),
  });
  return id;
}

const assignedFieldsByProgram = new WeakMap<A.Program, Set<string>>();

/**
 * The record fields a file assigns (`x.f := …`, `x.f += …`): Motoko only lets `var` fields be assigned, so
 * these are mutable, and a read of one through a reference to the state's record sees the current value.
 */
export function assignedFields(program: A.Program): Set<string> {
  const known = assignedFieldsByProgram.get(program);
  if (known) return known;
  const out = assignedFieldsIn(program);
  assignedFieldsByProgram.set(program, out);
  return out;
}

/**
 * The record fields assigned in `root`; `known` gives them for a part whose answer is known already (a field
 * of an actor whose text did not change), which is then not walked.
 */
export function assignedFieldsIn(
  root: A.Node,
  known?: (n: A.Node) => Iterable<string> | undefined,
  out = new Set<string>(),
): Set<string> {
  walk(root, (n) => {
    const given = n !== root ? known?.(n) : undefined;
    if (given) {
      for (const f of given) out.add(f);
      return false;
    }
    // Types and patterns hold no expressions: not entered.
    if (isTypeOrPattern(n)) return false;
    if (n.kind === 'Assign' || n.kind === 'UnaryAssign') {
      const t = unwrap(n.target);
      if (t.kind === 'Dot') out.add(t.name.name);
    }
    return true;
  });
  return out;
}

/** Gives `assignedFields(program)` its answer, worked out by the caller with `assignedFieldsIn`. */
export function setAssignedFields(program: A.Program, fields: Set<string>): void {
  assignedFieldsByProgram.set(program, fields);
}
