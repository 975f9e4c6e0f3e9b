/**
 * Accesses to canister state: names and paths of state roots, fields and indexing through a handle, assignments,
 * and methods on a handle (`with*` closures, `borrow`/`borrow_mut`/`get_mut`, `Cell::set`, map and vector
 * methods). Each becomes a read or a write of the root, with the field and key when they are known.
 */
import type { Node, StatePath } from '../../model/ir';
import { isPruningName, keepsUnexpired } from '../../model/pruning';
import { inlineClosure } from './lower-closures';
import { rootNamed } from './root-names';
import type { Ex, LowerContext } from './lower-context';
import { callWorkspaceFn } from './lower-workspace-call';
import { BORROW_METHODS, KEYED_METHODS, PURE_METHODS } from './state-methods';
import { field, namedKids, simpleKey, stripWrappers, type MethodCall, type SyntaxNode } from './syntax';
import {
  copyRead,
  copyStoredBack,
  entryOfKey,
  narrowToField,
  noteWholeWrite,
  writeCopyBack,
} from './state-copies';
import { empty, union } from './val';

/** A local, a state handle, or a state root named directly (`STATE`, `self`). */
export function lowerIdentifier(cx: LowerContext, node: SyntaxNode): Ex {
  const found = cx.scopes.lookup(node.text);
  if (found.handle) return { val: empty(), ref: found.handle };
  if (found.local) return { val: { reads: [], locals: [found.irName], awaits: [] }, future: found.future };
  const root = rootNamed(cx.env.index.rootsByName, cx.file, node.text);
  if (root) return { val: empty(), ref: { state: { root }, mutable: true } };
  return { val: empty() };
}

/** `crate::state::STATE`: a root named by its path (its last segment, and its module when that is ambiguous). */
export function lowerScopedRoot(cx: LowerContext, node: SyntaxNode): Ex {
  const root = rootNamed(cx.env.index.rootsByName, cx.file, node.text);
  return root ? { val: empty(), ref: { state: { root }, mutable: true } } : { val: empty() };
}

/** `s.balances`: a handle on the root narrows to its field, and `s.heap.controllers` to a part of that field. */
export function lowerField(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const base = field(node, 'value');
  const name = field(node, 'field')?.text;
  if (!base) return { val: empty() };
  const ex = cx.expr(base, out);
  if (ex.ref) return { val: ex.val, ref: { ...ex.ref, state: narrowed(ex.ref.state, name) } };
  // `get_state().owner`: of the copy, only that field is read.
  if (ex.copy && name) narrowToField(ex.copy, name);
  return { val: ex.val };
}

/** One field deeper: the root's field, then a part of that field; deeper fields stay in that part. */
function narrowed(state: StatePath, name: string | undefined): StatePath {
  if (!name || state.sub !== undefined) return state;
  return state.field === undefined ? { root: state.root, field: name } : { ...state, sub: name };
}

/** `v[i]` reads the state it indexes, and traps when out of bounds. */
export function lowerIndex(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const [base, idx] = namedKids(node);
  if (!base) return { val: empty() };
  const ex = cx.expr(base, out);
  const idxVal = idx ? cx.value(idx, out) : empty();
  if (!ex.ref) {
    const value = union(ex.val, idxVal);
    cx.trap(node, out, 'index', { value });
    return { val: value };
  }
  // The index picks the entry; what `v[i]` yields is the entry as the state holds it now (SPEC §5, data flow).
  const entry = union(ex.val, cx.read(ex.ref.state, node, out, simpleKey(idx), ex.ref.anchor));
  cx.trap(node, out, 'index', { value: union(entry, idxVal) });
  return { val: entry };
}

/** `x = v` / `x += v` on a local, on state through a handle, or on a field of a local struct. */
export function lowerAssignment(cx: LowerContext, node: SyntaxNode, out: Node[]): void {
  const left = field(node, 'left');
  const right = field(node, 'right');
  if (!left || !right) return;
  const rhs = cx.expr(right, out);
  const rhsVal = cx.valOf(rhs, right, out);
  const compound = node.type === 'compound_assignment_expr';
  const target = stripWrappers(left);
  const targetLocal = target.type === 'identifier' ? cx.scopes.lookup(target.text) : undefined;
  if (targetLocal?.local) {
    const name = targetLocal.irName;
    const value = compound ? union(rhsVal, { reads: [], locals: [name], awaits: [] }) : rhsVal;
    out.push({ kind: 'local', range: cx.range(node), name, value });
    return;
  }
  const place = cx.expr(left, out);
  if (place.ref) {
    const before = compound ? cx.read(place.ref.state, left, out, undefined, place.ref.anchor) : empty();
    const mark = !compound && rhs.bool !== undefined ? (rhs.bool ? 'set' : 'clear') : undefined;
    const ref = place.ref;
    const value = union(rhsVal, before);
    const write = (state: StatePath, restore: boolean) =>
      cx.write(state, node, out, value, undefined, mark, ref.anchor, restore ? { restore } : undefined);
    // `*s.borrow_mut() = copy`: a copy of the root's value stored back.
    const back = compound ? undefined : copyStoredBack(cx, right, ref.state, '');
    if (back) writeCopyBack(back.fields, ref.state, write);
    else write(ref.state, false);
    if (!compound) noteWholeWrite(cx, out, right, '');
    return;
  }
  // `x.field = v` on a local struct updates the local.
  const base = left.text.split(/[.[]/)[0].replace(/^\*/, '');
  const baseLocal = cx.scopes.lookup(base);
  if (baseLocal.local) {
    out.push({
      kind: 'local',
      range: cx.range(node),
      name: baseLocal.irName,
      value: union(rhsVal, place.val),
    });
  }
}

/** A method on a state handle: borrow forms, `with*` closures, and reads/writes of the state. */
export function lowerStateMethod(
  cx: LowerContext,
  node: SyntaxNode,
  recv: Ex,
  m: MethodCall,
  out: Node[],
): Ex {
  const ref = recv.ref!;
  const name = m.name;
  if ((name === 'with' || name === 'with_borrow' || name === 'with_borrow_mut') && m.args[0]) {
    const mutable = name === 'with_borrow_mut' || (name === 'with' && ref.mutable);
    const arg = m.args[0];
    if (arg.type === 'closure_expression') {
      const ex = inlineClosure(cx, arg, out, {
        ref: { state: ref.state, mutable, anchor: ref.anchor ?? m.recv },
      });
      return { val: ex.val, ...(ex.copy ? { copy: ex.copy } : {}) };
    }
    const paramIndex = cx.fn ? cx.fn.params.indexOf(arg.text) : -1;
    if (paramIndex >= 0) cx.facts.closureHelper ??= { paramIndex, state: ref.state, mutable };
    return { val: cx.value(arg, out) };
  }
  if (name in BORROW_METHODS && m.args.length === 0) {
    return { val: recv.val, ref: { ...ref, mutable: BORROW_METHODS[name] } };
  }
  if (name === 'get_mut' && m.args.length === 0) return { val: recv.val, ref: { ...ref, mutable: true } };
  if (name === 'unwrap' || name === 'expect') {
    const invariant = !ref.state.field && cx.env.index.roots.get(ref.state.root)?.setAtInit;
    if (!invariant) cx.trap(node, out, name, { value: recv.val }, m.nameNode);
    return { val: recv.val, ref };
  }
  // A method of the root's own type (`s.borrow_mut().credit(p, 5)` with `impl State { fn credit(&mut self, …) }`).
  const ownType = ref.state.field ? undefined : cx.env.index.roots.get(ref.state.root)?.innerType;
  const own = ownType ? cx.env.index.methods.get(`${ownType}::${name}`) : undefined;
  if (own) return callWorkspaceFn(cx, node, own, m.args, out, `${m.recv.text}.${name}`, true);
  const argExs = m.args.map((a) => cx.expr(a, out));
  const argVals = argExs.map((e, i) => cx.valOf(e, m.args[i], out));
  const argVal = union(empty(), ...argVals);
  const key = KEYED_METHODS.has(name) ? simpleKey(m.args[0]) : undefined;
  if (name === 'replace' || name === 'take') {
    const before = cx.read(ref.state, node, out, key, ref.anchor);
    cx.write(ref.state, node, out, argVal, key, undefined, ref.anchor);
    return { val: union(recv.val, before) };
  }
  if (PURE_METHODS.has(name) || (!ref.mutable && name !== 'set')) {
    // `get(k)`: the key picks the entry, the result is the entry as the state holds it now.
    const used = key !== undefined ? union(empty(), ...argVals.slice(1)) : argVal;
    const read = cx.read(ref.state, node, out, key, ref.anchor);
    const last = out[out.length - 1];
    const copy = copyRead(ref.state, name, m.args, last?.kind === 'read' ? last : undefined);
    return { val: union(recv.val, used, read), ...(copy ? { copy } : {}) };
  }
  let mark: 'set' | 'clear' | undefined;
  if (name === 'set' && argExs[0]?.bool !== undefined) mark = argExs[0].bool ? 'set' : 'clear';
  if (name === 'insert' && (m.args.length === 1 || m.args[1]?.text.replace(/\s+/g, '') === '()'))
    mark = 'set';
  if (name === 'remove') mark = 'clear';
  // `set.insert(k)` answers whether `k` was there: a test-and-set, whose result is a read of the lock.
  const tested =
    mark === 'set' && name === 'insert' ? cx.read(ref.state, node, out, key, ref.anchor) : undefined;
  // The key picks the entry (it is the access's `key`); only the other arguments are the value written.
  // `entry(k)`, `remove(k)`, `insert(k)` on a set write no value but the entry itself (SPEC §5, data flow).
  const written = key !== undefined ? union(empty(), ...argVals.slice(1)) : argVal;
  // What picks the entry, simple name or not: an entry picked by a call's result is not one read before it.
  const keyVal = KEYED_METHODS.has(name) && argVals[0] ? { keyVal: argVals[0] } : {};
  // `usage.evict_expired(now)`, `sessions.retain(|_, s| s.expires_at > now)`: upkeep, not a change of an operation.
  const pruning =
    isPruningName(name) || (/^retain(_mut)?$/.test(name) && !!m.args[0] && keepsUnexpired(m.args[0].text));
  const write = (state: StatePath, restore: boolean) =>
    cx.write(state, node, out, written, key, mark, ref.anchor, {
      ...keyVal,
      ...(restore ? { restore } : {}),
      ...(pruning ? { pruning } : {}),
    });
  // `insert((), copy)` / `set(copy)`: a whole value stored at a constant entry, perhaps a copy read from it.
  const stored = storedWhole(name, m.args);
  const back = stored && copyStoredBack(cx, stored.value, ref.state, stored.entry);
  if (back) writeCopyBack(back.fields, ref.state, write);
  else write(ref.state, false);
  if (stored && stored.entry !== undefined && !ref.state.field)
    noteWholeWrite(cx, out, stored.value, stored.entry);
  return { val: tested ? union(recv.val, tested) : recv.val };
}

/** `insert(k, v)` / `set(v)`: the value stored whole, and the entry it goes to (see `entryOfKey`). */
function storedWhole(
  name: string,
  args: SyntaxNode[],
): { value: SyntaxNode; entry: string | undefined } | undefined {
  if (name === 'insert' && args.length === 2) return { value: args[1], entry: entryOfKey(args[0]) };
  if (name === 'set' && args.length === 1) return { value: args[0], entry: '' };
  return undefined;
}
