/**
 * Closures returned by the workspace's own functions and called later: `let { to_transfer; finalize } =
 * prepare(…)`, then `await* ledger.transfer(…)`, then `finalize(tx)`. The closure's body runs at the call, so
 * its reads and writes happen after the await; resolving which function literal the called local can be lets
 * the call replay them (`lower-calls.ts`), instead of losing them as the call of an unknown value.
 *
 * The resolution follows the value syntactically: a local's binding (`let`, a `switch` arm, a record or
 * tuple pattern taking a field of it), through `switch`/`if` arms, blocks, tags and options (which carry the
 * closure unchanged), record and tuple literals, and into the values a called function returns (its tail and
 * its `return`s). Only exact resolutions of the workspace's own functions are followed; a value of unknown
 * origin (a parameter, a `var`, a field of an object only typed) gives no candidate, as before.
 */
import type * as A from '../ast';
import { forEachChild, walk } from '../ast';
import type { Val } from '../../../model/ir';
import { EMPTY, union } from './lower-val';
import type { FileSet } from './files';
import { type Binding, type FuncRef, type Scope, declareDecs, resolveCallee } from './scope';
import { boundNames, functionBody, unwrap, unwrapPat } from './syntax';

/** How deep the resolution may go (calls, locals and structure together). */
const MAX_DEPTH = 24;

/**
 * The names a pattern binds, each with where in the matched value it sits (`{ a; b = (x, y) }` → `a`: [a],
 * `x`: [b, 0], `y`: [b, 1]). Tags, options and annotations leave the place unchanged; alternatives bind
 * nothing here (which side matched is not known).
 */
export function patternPaths(
  p: A.Pat,
  path: string[] = [],
  out = new Map<string, string[]>(),
): Map<string, string[]> {
  const u = unwrapPat(p);
  switch (u.kind) {
    case 'VarPat':
      out.set(u.name.name, path);
      break;
    case 'RecordPat':
      for (const f of u.fields) {
        if (f.isType) continue;
        if (f.pattern) patternPaths(f.pattern, [...path, f.name.name], out);
        else out.set(f.name.name, [...path, f.name.name]);
      }
      break;
    case 'TuplePat':
      u.elements.forEach((el, i) => patternPaths(el, [...path, String(i)], out));
      break;
    case 'TagPat':
      if (u.payload) patternPaths(u.payload, path, out);
      break;
    case 'OptPat':
      patternPaths(u.inner, path, out);
      break;
    default:
      break;
  }
  return out;
}

/** The function literals of the workspace that calling `callee` may run (empty when not known). */
export function closureCandidates(callee: A.Exp, scope: Scope, files: FileSet): FuncRef[] {
  const r = new Resolver(files);
  r.value(callee, scope, [], 0);
  return [...r.found.values()];
}

class Resolver {
  /** By function literal: one candidate each, whichever way it was reached. */
  readonly found = new Map<A.Func, FuncRef>();
  /** Functions whose results are being followed (no recursion). */
  private readonly entered = new Set<A.Func>();

  constructor(private readonly files: FileSet) {}

  /** Adds the closures that the value at `path` of `e` can be. */
  value(e: A.Exp, scope: Scope, path: string[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    const u = unwrap(e);
    const next = depth + 1;
    switch (u.kind) {
      case 'Var':
        this.binding(scope.lookup(u.name), path, next);
        return;
      case 'Dot':
        this.value(u.object, scope, [u.name.name, ...path], next);
        return;
      case 'Tag':
        if (u.payload) this.value(u.payload, scope, path, next);
        return;
      case 'Opt':
        this.value(u.operand, scope, path, next);
        return;
      case 'Object': {
        if (path.length === 0) return;
        const field = u.fields.find((f) => f.name.name === path[0]);
        if (field) {
          const v: A.Exp = field.value ?? {
            kind: 'Var',
            name: field.name.name,
            start: field.start,
            end: field.end,
          };
          this.value(v, scope, path.slice(1), next);
        } else for (const b of u.bases) this.value(b, scope, path, next);
        return;
      }
      case 'Tuple': {
        const i = path.length ? Number(path[0]) : NaN;
        const el = Number.isInteger(i) ? u.elements[i] : undefined;
        if (el) this.value(el, scope, path.slice(1), next);
        return;
      }
      case 'Block':
        this.blockValue(u.decs, scope, path, next);
        return;
      case 'Do':
      case 'DoOpt':
        this.blockValue(u.body.decs, scope, path, next);
        return;
      case 'If':
        this.value(u.thenBranch, scope, path, next);
        if (u.elseBranch) this.value(u.elseBranch, scope, path, next);
        return;
      case 'Switch':
        for (const c of u.cases) this.value(c.body, armScope(c, u.scrutinee, scope), path, next);
        return;
      case 'Label':
        this.value(u.body, scope, path, next);
        return;
      case 'Await':
        // `await* f()` of an `async*` function: its result, as for a plain call.
        if (u.op === 'await*') this.value(u.operand, scope, path, next);
        return;
      case 'Call':
        this.returned(u, scope, path, next);
        return;
      default:
        return;
    }
  }

  /** A name's value: a function itself, or a local followed to where it was bound. */
  private binding(b: Binding | undefined, path: string[], depth: number): void {
    if (!b) return;
    if (b.kind === 'func') {
      if (path.length === 0 && b.func.asyncKind === null && !this.files.inPackage(b.file))
        this.found.set(b.func, b);
      return;
    }
    if (b.kind !== 'local') return;
    if (b.source) {
      this.value(b.source.init, b.source.scope, [...b.source.path, ...path], depth);
      return;
    }
    // `let x = e` (exact): `x` is the value of `e`. A `var`, a parameter or a typed field could hold anything.
    const o = b.origin;
    if (o?.init && o.exact) this.value(o.init, o.scope, path, depth);
  }

  /** The value of a block: its last expression, its declarations in scope. */
  private blockValue(decs: A.Dec[], outer: Scope, path: string[], depth: number): void {
    const last = decs[decs.length - 1];
    if (!last || last.kind === 'ImportDec' || last.kind === 'LetDec' || last.kind === 'VarDec') return;
    this.value(last, blockScope(decs, outer), path, depth);
  }

  /** What a call of the workspace's own synchronous (or `async*`) function returns, at `path`. */
  private returned(e: A.CallExp, scope: Scope, path: string[], depth: number): void {
    const r = resolveCallee(e.callee, scope);
    if (!r?.found || r.byTypeOnly) return;
    const f = r.found;
    if (f.kind !== 'func' || f.func.asyncKind === 'async') return;
    if (this.files.inPackage(f.file) || this.entered.has(f.func)) return;
    this.entered.add(f.func);
    try {
      const inner = paramScope(f);
      const body = functionBody(f.func);
      this.value(body, inner, path, depth);
      this.returns(body, inner, path, depth);
    } finally {
      this.entered.delete(f.func);
    }
  }

  /** The values of the `return`s within `e` (not those of functions nested in it). */
  private returns(e: A.Exp, scope: Scope, path: string[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    const next = depth + 1;
    switch (e.kind) {
      case 'Return':
        if (e.value) this.value(e.value, scope, path, next);
        return;
      case 'Func':
      case 'Async':
      case 'ObjectDec':
      case 'ClassDec':
      case 'MixinDec':
        return;
      case 'Block': {
        const inner = blockScope(e.decs, scope);
        for (const d of e.decs) if (d.kind !== 'ImportDec') this.returns(d, inner, path, next);
        return;
      }
      case 'Do':
      case 'DoOpt':
        this.returns(e.body, scope, path, next);
        return;
      case 'Switch':
        this.returns(e.scrutinee, scope, path, next);
        for (const c of e.cases) this.returns(c.body, armScope(c, e.scrutinee, scope), path, next);
        return;
      default: {
        forEachExp(e, (child) => this.returns(child, scope, path, next));
        return;
      }
    }
  }
}

/** Node kinds that are not expressions (nor declarations): their children hold no `return` of this body. */
const NOT_EXPRESSIONS =
  /(Pat|Type)$|^(Ident|Case|Comment|DecField|ExpField|PatField|TypeBind|TypeField|TypeTag|ImportDec)$/;

/** The direct sub-expressions of `e` (declarations' initialisers and `catch` bodies included), scope unchanged. */
function forEachExp(e: A.Exp, f: (child: A.Exp) => void): void {
  forEachChild(e, (child) => {
    if (child.kind === 'Catch') f(child.body);
    else if (!NOT_EXPRESSIONS.test(child.kind)) f(child as A.Exp);
  });
}

// --- Scopes for reading code that is not being lowered -------------------------------------------------
// Kept per parent scope and node, so that a closure found twice is the same `FuncRef` (its summary is cached
// by the scope it is declared in).

const blockScopes = new WeakMap<Scope, WeakMap<object, Scope>>();
/** Scopes made here (names bound in code read, not lowered); those of functions' parameters apart. */
const readerScopes = new WeakSet<Scope>();
const paramScopes = new WeakSet<Scope>();

function memo(parent: Scope, node: object, build: (s: Scope) => void): Scope {
  let byNode = blockScopes.get(parent);
  if (!byNode) blockScopes.set(parent, (byNode = new WeakMap<object, Scope>()));
  let s = byNode.get(node);
  if (!s) {
    s = parent.child();
    byNode.set(node, s);
    readerScopes.add(s);
    build(s);
  }
  return s;
}

/** A block's declarations in scope; the names its `let`s bind know where in the initialiser they sit. */
function blockScope(decs: A.Dec[], parent: Scope): Scope {
  return memo(parent, decs, (s) => {
    const home = s.home;
    if (!home) return;
    declareDecs(decs, s, home.file, home.ctx);
    for (const d of decs) {
      if (d.kind !== 'LetDec' || !d.init || unwrap(d.init).kind === 'Func') continue;
      for (const [name, path] of patternPaths(d.pattern)) {
        const b = s.names.get(name);
        if (b?.kind === 'local' && path.length > 0)
          s.define(name, { ...b, source: { init: d.init, path, scope: parent } });
      }
    }
  });
}

/** A `switch` arm's scope: its pattern's names are places in the scrutinee. */
function armScope(c: A.SwitchCase, scrutinee: A.Exp, parent: Scope): Scope {
  return memo(parent, c, (s) => {
    for (const [name, path] of patternPaths(c.pattern))
      s.define(name, { kind: 'local', nat: false, source: { init: scrutinee, path, scope: parent } });
  });
}

/** A function's body scope: its parameters are values of unknown origin (they hide outer names). */
function paramScope(f: FuncRef): Scope {
  return memo(f.scope, f.func, (s) => {
    paramScopes.add(s);
    for (const p of f.func.params)
      for (const b of boundNames(p)) s.define(b.name, { kind: 'local', nat: false });
  });
}

/**
 * What a function value carries with it: the locals of the lowered body it closes over (`let update = …; let
 * finalize = func (tx) { set(update) }`), so that where it flows (a returned record, a call after an await) the
 * data it captured flows too. Functions declared outside any lowered body capture nothing tracked. With
 * `names` (IR names), only those locals.
 */
export function capturedValue(fn: FuncRef, names?: string[]): Val {
  const own = new Set(fn.func.params.flatMap((p) => boundNames(p).map((b) => b.name)));
  const wanted = names ? new Set(names) : undefined;
  const locals = new Set<string>();
  walk(fn.func.body, (n) => {
    if (n.kind !== 'Var' || own.has(n.name)) return;
    const b = fn.scope.lookup(n.name);
    if (b?.kind === 'local' && b.irName !== undefined && (!wanted || wanted.has(b.irName)))
      locals.add(b.irName);
  });
  return locals.size ? { reads: [], locals: [...locals], awaits: [] } : EMPTY;
}

/**
 * The value of captured `names` for a closure found by `closureCandidates` and called where the called value is
 * `calleeVal`: the code that made it is not lowered here, so the callee's value (what the making function's
 * result depended on) stands for a local that function computed (`update`, built from a read). Its parameters
 * (`amount`, `time`) are what its caller gave; they stand for no read of its own.
 */
export function closureValue(fn: FuncRef, names: string[], calleeVal: Val): Val {
  const computed = names.some((n) => {
    for (let s: Scope | undefined = fn.scope; s; s = s.parent)
      if (s.names.has(n)) return readerScopes.has(s) && !paramScopes.has(s);
    return false;
  });
  return computed ? union(calleeVal, capturedValue(fn, names)) : capturedValue(fn, names);
}
