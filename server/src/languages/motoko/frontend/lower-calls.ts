/**
 * Calls: methods of state objects (`balances.put(k, v)`) and module functions given state first
 * (`Map.add(m, cmp, k, v)`) become keyed reads or writes; timers register entry points; the file's own
 * helpers are inlined; an `async*` call whose result is dropped is flagged (its body never runs).
 */
import type * as A from '../ast';
import type { Node, Val, WriteNode } from '../../../model/ir';
import type { BodyLowerer } from './lower-body';
import { inlineHelper, usesGivenStateFields } from './lower-inline';
import { type StateRef, isLookup, readState, simpleKey, stateRef } from './lower-state';
import { lowerTrapCall } from './lower-traps';
import { EMPTY, fromRead, union } from './lower-val';
import { capturedValue, closureCandidates, closureValue } from './closures';
import { type FuncRef, type Scope, isHeldMethod, resolveCallee } from './scope';
import {
  clearsMarker,
  isFunctionalLibrary,
  isTimerCall,
  isTrapCall,
  isTrapModule,
  isCollectionMethod,
  isKnownWrite,
  methodAccess,
  moduleFunctionAccess,
  setsMarker,
} from './state-calls';
import { boundNames, dottedPath, functionBody, isNatType, sourceText, unwrap } from './syntax';

/** Lowers a call (not under `await`); `statement` when its result is dropped. */
export function lowerCall(lw: BodyLowerer, e: A.CallExp, out: Node[], scope: Scope, statement: boolean): Val {
  const path = dottedPath(e.callee);
  const head = path ? scope.lookup(path[0]) : undefined;
  const headModule = head?.kind === 'module' ? head.importPath : undefined;
  const callee = unwrap(e.callee);

  // `Debug.trap(…)`, and `D.trap(…)` through an import alias of a trap library.
  const aliasTrap =
    path?.length === 2 && path[1] === 'trap' && head?.kind === 'module' && isTrapModule(headModule);
  if (path && ((isTrapCall(path) && (path.length > 1 || head === undefined)) || aliasTrap))
    return lowerTrapCall(lw, e, out, scope);
  if (path && isTimerCall(path, headModule) && (head === undefined || head.kind === 'module')) {
    lowerTimer(lw, e, out, scope);
    return EMPTY;
  }

  const resolved = path || callee.kind === 'Dot' ? resolveCallee(e.callee, scope) : undefined;
  const fn = resolved?.found?.kind === 'func' ? resolved.found : undefined;

  // A method of a state object: `balances.put(k, v)`, `state.pending.add(x)`. A method of a workspace class
  // the actor holds is a function like any other: its body says what it reads and writes.
  const receiver = callee.kind === 'Dot' ? stateRef(callee.object, scope) : undefined;
  // A field of the actor used as a collection (`_state.get(k)`, `balances.put(k, v)`) stays an access of that
  // field, keyed, even when its class is the workspace's own: its internals are not what other code names.
  const collectionCall =
    receiver !== undefined &&
    !receiver.root.inInstance &&
    isCollectionMethod(callee.kind === 'Dot' ? callee.name.name : '');
  const workspaceMethod =
    fn !== undefined && isHeldMethod(fn) && !collectionCall && !lw.ctx.modules.files.inPackage(fn.file);
  if (callee.kind === 'Dot' && receiver && !workspaceMethod)
    return stateAccess(lw, receiver, callee.name.name, methodAccess(callee.name.name), e, e.args, out, scope);

  // A function of the workspace given the actor's state in any place (`Lib.withdraw(state, caller, n)`,
  // `generateId(caller, "x", state)`): its body says what it reads and writes of it, instead of one write of
  // unknown effect. A collection function keeps its meaning by name (`Map.add(m, …)`), also when its library is
  // copied into the workspace.
  const stateArgs = e.args.map((a) => stateRef(a, scope));
  const givenState =
    fn !== undefined &&
    fn.func.asyncKind === null &&
    stateArgs.some((a) => a !== undefined) &&
    !isCollectionMethod(fn.name) &&
    !lw.ctx.modules.files.inPackage(fn.file) &&
    usesGivenStateFields(lw, fn, stateArgs);

  // A module function with a state value first: `Map.add(balances, Principal.compare, caller, v)`.
  const viaModule = head === undefined || (head.kind === 'module' && head.isSelf !== true);
  if (path && path.length >= 2 && viaModule && e.args.length > 0 && !givenState) {
    const ref = stateRef(e.args[0], scope);
    if (ref) {
      const name = path[path.length - 1];
      const access = isFunctionalLibrary(headModule)
        ? 'read'
        : moduleFunctionAccess(name, ref.root.container);
      const keyed = ref.root.keyed || /Map|Set|Trie/.test(`${path[path.length - 2]} ${headModule ?? ''}`);
      const keyedRef = { ...ref, root: { ...ref.root, keyed } };
      return stateAccess(lw, keyedRef, name, access, e, e.args.slice(1), out, scope, true);
    }
  }

  // Arguments (lambdas given to a call run now, as part of this message).
  const vals: Val[] = [];
  const argVals: Val[] = [];
  if (callee.kind === 'Dot' && !(head?.kind === 'module')) vals.push(lw.value(callee.object, out, scope));
  for (const a of e.args) {
    const u = unwrap(a);
    if (u.kind === 'Func' && u.asyncKind === null) {
      const inner = scope.child();
      for (const p of u.params) for (const b of boundNames(p)) lw.define(inner, b.name, isNatType(b.type));
      const body: Node[] = [];
      lw.stmt(functionBody(u), body, inner);
      if (body.length) out.push({ kind: 'block', body, range: lw.ctx.range(u) });
      if (!lw.quiet) lw.ctx.markLowered(u);
      argVals.push(EMPTY);
    } else {
      argVals.push(lw.value(a, out, scope));
    }
  }
  vals.push(...argVals);

  if (fn && fn.func.asyncKind === 'async*' && statement) {
    out.push({
      kind: 'unawaited-async-star',
      callee: sourceText(lw.ctx.text, e.callee),
      range: lw.ctx.range(e),
    });
  }
  // Helpers of other files matter when they reach the actor's state: methods of the instances it holds, and
  // functions given the state.
  if (fn && fn.func.asyncKind === null && (fn.file === lw.ctx.file || workspaceMethod || givenState)) {
    // Its summary says what its result depends on: not every argument, nor the object it is called on.
    const captured = (names: string[]) => capturedValue(fn, names);
    const result = inlineHelper(lw, fn, e, out, scope, argVals, givenState ? stateArgs : [], false, captured);
    if (result) return result;
  } else if (!fn && resolved?.found?.kind !== 'class' && resolved?.found?.kind !== 'module') {
    // A closure that the workspace's own code made and handed back (`let { finalize } = prepare(…)`, then
    // `finalize(tx)` after an await): its body runs here.
    const closures = closureCandidates(e.callee, scope, lw.ctx.modules.files);
    if (closures.length) {
      // The callee's value: what the closure captured where it was made (`update` read before the await).
      const calleeVal =
        callee.kind !== 'Dot'
          ? lw.value(e.callee, out, scope)
          : head?.kind === 'module'
            ? EMPTY
            : (vals[0] ?? EMPTY);
      vals.push(inlineClosures(lw, closures, e, out, scope, argVals, calleeVal));
      return union(...vals);
    }
  }
  // `x.get(k)` on a value that is not state: the entry, not the key (as for state, in `stateAccess`).
  if (
    !fn &&
    callee.kind === 'Dot' &&
    !(head?.kind === 'module') &&
    isLookup(callee.name.name) &&
    argVals.length === 1
  )
    return vals[0] ?? EMPTY;
  return union(...vals);
}

/** The bodies the called value may be, one arm each (only one of them runs). */
function inlineClosures(
  lw: BodyLowerer,
  closures: FuncRef[],
  e: A.CallExp,
  out: Node[],
  scope: Scope,
  argVals: Val[],
  calleeVal: Val,
): Val {
  const captured = (fn: FuncRef) => (names: string[]) => closureValue(fn, names, calleeVal);
  const [only] = closures;
  if (closures.length === 1 && only)
    return inlineHelper(lw, only, e, out, scope, argVals, [], false, captured(only)) ?? EMPTY;
  const arms = closures.map(() => [] as Node[]);
  const vals = closures.map(
    (fn, i) => inlineHelper(lw, fn, e, arms[i] ?? [], scope, argVals, [], false, captured(fn)) ?? EMPTY,
  );
  out.push({ kind: 'branch', cond: EMPTY, arms, exhaustive: true, range: lw.ctx.range(e) });
  return union(...vals);
}

/** A read or write of a state object through one of its methods (or a module function given it first). */
function stateAccess(
  lw: BodyLowerer,
  ref: StateRef,
  name: string,
  access: 'read' | 'write',
  e: A.CallExp,
  rest: A.Exp[],
  out: Node[],
  scope: Scope,
  moduleStyle = false,
): Val {
  // Module style: skip comparators/hash functions before the key (`Map.add(m, Principal.compare, k, v)`).
  let keyIdx = 0;
  if (moduleStyle) {
    while (keyIdx < rest.length - 1 && isComparator(rest[keyIdx])) keyIdx++;
  }
  const keyExp = ref.root.keyed ? rest[keyIdx] : undefined;
  const key = simpleKey(lw, keyExp, scope);
  const vals = rest.map((a) => lw.value(a, out, scope));
  const v = union(...vals);
  if (access === 'read') {
    const id = readState(lw, ref, e, out, key);
    // A lookup's value is the entry, not the key that selects it.
    const data = isLookup(name) ? vals.filter((_, i) => i !== keyIdx) : vals;
    return union(fromRead(id), ...data);
  }
  const write: WriteNode = { kind: 'write', state: ref.path, value: v, range: lw.ctx.range(e) };
  if (key !== undefined) write.key = key;
  // The key of a map or the position in a buffer or array (`buf.put(i, v)`) says where, not what is stored.
  if ((keyExp || POSITIONED_WRITES.has(name)) && rest.length > keyIdx + 1)
    write.stored = union(...vals.slice(keyIdx + 1));
  if (!isKnownWrite(name)) write.unknown = true;
  if (ref.root.keyed && clearsMarker(name)) write.mark = 'clear';
  else if (ref.root.keyed && setsMarker(name)) {
    // Adding a key to a set (or mapping it to `()`/`true`) is a per-key lock taken.
    const valueArg = rest[keyIdx + 1] ? unwrap(rest[keyIdx + 1]) : undefined;
    const unitOrTrue =
      (valueArg?.kind === 'Tuple' && valueArg.elements.length === 0) ||
      (valueArg?.kind === 'Lit' && valueArg.raw === 'true');
    if (ref.root.isSet || (moduleStyle && /Set/.test(ref.root.name) && valueArg === undefined) || unitOrTrue)
      write.mark = 'set';
  }
  out.push(write);
  return v;
}

/** Mutators whose first argument (after a comparator) is the key or position written: `put(i, v)`. */
const POSITIONED_WRITES = new Set(['put', 'set', 'put_', 'setAt', 'replace', 'insert', 'insertAt', 'add']);

/** `Principal.compare`, `Nat.equal`, `Map.phash`, `thash`: a comparator/hash argument of a collection function. */
function isComparator(e: A.Exp): boolean {
  const p = dottedPath(e);
  if (!p) return false;
  const last = p[p.length - 1];
  return (
    /^(compare|equal|hash|[a-z]?hash|[a-z]*Hash|[a-z]*Compare|[a-z]*Equal|eq|cmp)$/.test(last) ||
    /hash$/i.test(last)
  );
}

/** `Timer.setTimer(d, callback)` / `Timer.recurringTimer(d, callback)`: the callback is a timer entry point. */
function lowerTimer(lw: BodyLowerer, e: A.CallExp, out: Node[], scope: Scope): void {
  const cb = e.args.length ? unwrap(e.args[e.args.length - 1]) : undefined;
  for (const a of e.args.slice(0, -1)) lw.value(a, out, scope);
  if (!cb || lw.quiet) return;
  if (cb.kind === 'Func') {
    const line = lw.ctx.file.lines.positionAt(cb.start).line + 1;
    const name = `${lw.fnName}::timer@${line}`;
    const inner = scope.child();
    const lowerer = lw.forFunction(name);
    lw.ctx.markLowered(cb);
    const body = lowerer.lowerFunction(cb, inner);
    lw.ctx.addTimerEntry({
      name,
      kind: 'timer',
      nameRange: lw.ctx.rangeOf(cb.funcKeyword, cb.funcKeyword + 4),
      range: lw.ctx.range(cb),
      params: [],
      body,
    });
    return;
  }
  const r = resolveCallee(cb, scope);
  if (r?.found?.kind === 'func') lw.ctx.addTimerTarget(r.found.name, r.found);
}
