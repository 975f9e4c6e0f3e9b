/** Names in scope while lowering: functions (to resolve callees), modules (imports), state roots and locals. */
import type * as A from '../ast';
import type { StatePath } from '../../../model/ir';
import type { FileInfo, FileSet } from './files';
import { type StateRoot, stateRootOf } from './state';
import { boundNames, isNatType, unwrap, unwrapPat } from './syntax';

export interface FuncRef {
  kind: 'func';
  name: string;
  func: A.Func;
  file: FileInfo;
  /** The scope the function is declared in (its body resolves names there). */
  scope: Scope;
  /** Set when the function is a field of the actor being analysed. */
  actorField?: A.DecField;
}

export interface ModuleRef {
  kind: 'module';
  name: string;
  /** The import path, for imports. */
  importPath?: string;
  /** Member scope (own names only), resolved lazily; undefined when the module's source is not available. */
  members(): Scope | undefined;
  /** Why `members()` is undefined. */
  unresolvedReason(): string | undefined;
  /** The actor itself (`self` of `actor class C() = self`): its members are the actor's functions. */
  isSelf?: boolean;
}

export interface ClassRef {
  kind: 'class';
  name: string;
  dec: A.ClassDec;
  file: FileInfo;
  /** The scope the class is declared in (its body resolves names there). */
  scope: Scope;
}

/**
 * Where a value came from, so that a method call on it can be resolved (`let w = Worker.Worker(…)`,
 * `icrc84 : Ledger.Ledger`). `exact` when it is the value of `init` itself (a `let`); otherwise only its type
 * is known, and another object of the same structural type could be there.
 */
export interface ValueOrigin {
  init?: A.Exp;
  type?: A.Type | null;
  scope: Scope;
  exact: boolean;
  /** Bound through `?x` (the value is the option's content). */
  throughOption?: boolean;
}

export interface StateRef {
  kind: 'state';
  root: StateRoot;
  origin?: ValueOrigin;
  /**
   * A parameter of an inlined `async*` body given the caller's state: the state it stands for, so that `s.total`
   * inside is named `state.total`, as the rest of the actor names it.
   */
  as?: StatePath;
}

export interface LocalRef {
  kind: 'local';
  /** Declared (or obviously) `Nat`: subtraction may underflow. */
  nat: boolean;
  /** The declared type, if written (to find what an actor reference's methods return). */
  type?: A.Type | null;
  /** The name in the IR: unique per binding, so that shadowed names do not merge their data flow. */
  irName?: string;
  origin?: ValueOrigin;
  /** Bound by a pattern from a part of a value (`let { finalize } = prepare(…)`): which part, of what. */
  source?: ValueSource;
}

/** A local is the value at `path` (record fields, tuple positions) of `init`, evaluated in `scope`. */
export interface ValueSource {
  init: A.Exp;
  path: string[];
  scope: Scope;
}

/** A `type` declaration (or the type a class declares), for resolving declared types of values. */
export interface TypeRef {
  kind: 'type';
  type: A.Type;
  scope: Scope;
}

export type Binding = FuncRef | ModuleRef | ClassRef | StateRef | LocalRef;

const NO_TYPES: ReadonlyMap<string, TypeRef | ClassRef> = new Map();

export class Scope {
  readonly names = new Map<string, Binding>();
  /** Made on the first type declared: most scopes (blocks, calls) declare none. */
  private ownTypes: Map<string, TypeRef | ClassRef> | undefined;
  /** The file whose code this scope belongs to (declarations made in it resolve their imports there). */
  readonly home?: Home;
  constructor(
    readonly parent?: Scope,
    home?: Home,
  ) {
    const h = home ?? parent?.home;
    if (h) this.home = h;
  }

  // Loops, not recursion: scopes nest as deeply as the code does.
  lookup(name: string): Binding | undefined {
    const own = this.names.get(name);
    if (own) return own;
    for (let s = this.parent; s; s = s.parent) {
      const b = s.names.get(name);
      if (b) return b;
    }
    return undefined;
  }

  /** Type names: `type T = …` and the types classes declare. */
  get types(): ReadonlyMap<string, TypeRef | ClassRef> {
    return this.ownTypes ?? NO_TYPES;
  }

  defineType(name: string, t: TypeRef | ClassRef): void {
    (this.ownTypes ??= new Map<string, TypeRef | ClassRef>()).set(name, t);
  }

  lookupType(name: string): TypeRef | ClassRef | undefined {
    const own = this.ownTypes?.get(name);
    if (own) return own;
    for (let s = this.parent; s; s = s.parent) {
      const t = s.ownTypes?.get(name);
      if (t) return t;
    }
    return undefined;
  }

  define(name: string, b: Binding): void {
    this.names.set(name, b);
  }

  child(): Scope {
    return new Scope(this);
  }
}

/** The file a scope's code is in, and what resolving its imports needs. */
export interface Home {
  file: FileInfo;
  ctx: ModuleContext;
}

/** What resolving a module needs. */
export interface ModuleContext {
  files: FileSet;
}

/** Registers the declarations of a block / object body in `scope` (Motoko declarations are mutually visible). */
export function declareDecs(decs: A.Dec[], scope: Scope, file: FileInfo, ctx: ModuleContext): void {
  for (const d of decs) declareDec(d, scope, file, ctx);
}

export function declareDec(
  d: A.Dec,
  scope: Scope,
  file: FileInfo,
  ctx: ModuleContext,
  field?: A.DecField,
): void {
  switch (d.kind) {
    case 'ImportDec':
      declareImport(d, scope, file, ctx);
      break;
    case 'Func':
      if (d.name)
        scope.define(d.name.name, {
          kind: 'func',
          name: d.name.name,
          func: d,
          file,
          scope,
          ...(field ? { actorField: field } : {}),
        });
      break;
    case 'ClassDec':
      if (d.name) {
        const ref: ClassRef = { kind: 'class', name: d.name.name, dec: d, file, scope };
        scope.define(d.name.name, ref);
        scope.defineType(d.name.name, ref);
      }
      break;
    case 'TypeDec':
      scope.defineType(d.name.name, { kind: 'type', type: d.type, scope });
      break;
    case 'ObjectDec':
      if (d.name && d.sort === 'module')
        scope.define(d.name.name, localModule(d.name.name, d, scope, file, ctx));
      else if (d.name)
        scope.define(d.name.name, { kind: 'local', nat: false, origin: { init: d, scope, exact: true } });
      break;
    case 'LetDec': {
      const init = d.init ? unwrap(d.init) : undefined;
      const pat = d.pattern.kind === 'AnnotPat' ? d.pattern.pattern : d.pattern;
      if (init && init.kind === 'Func' && pat.kind === 'VarPat') {
        scope.define(pat.name.name, { kind: 'func', name: pat.name.name, func: init, file, scope });
      } else if (init && init.kind === 'ObjectDec' && init.sort === 'module' && pat.kind === 'VarPat') {
        scope.define(pat.name.name, localModule(pat.name.name, init, scope, file, ctx));
      } else {
        const alias = pat.kind === 'VarPat' && init ? aliasOf(init, scope) : undefined;
        if (alias && pat.kind === 'VarPat') {
          scope.define(pat.name.name, alias);
          break;
        }
        const initType = d.init?.kind === 'Annot' ? d.init.type : null;
        for (const b of boundNames(d.pattern))
          scope.define(b.name, {
            kind: 'local',
            nat: false,
            type: b.type ?? initType,
            ...(d.init ? { origin: letOrigin(d.pattern, d.init, scope) } : {}),
          });
      }
      break;
    }
    case 'VarDec':
      scope.define(d.name.name, {
        kind: 'local',
        nat: false,
        type: d.type,
        origin: { type: d.type, ...(d.init ? { init: d.init } : {}), scope, exact: false },
      });
      break;
    default:
      break;
  }
}

/** The origin of a name bound by `let p = init`: the value itself for `x`, the option's content for `?x`. */
export function letOrigin(p: A.Pat, init: A.Exp, scope: Scope): ValueOrigin | undefined {
  const u = unwrapPat(p);
  const type = p.kind === 'AnnotPat' ? p.type : null;
  if (u.kind === 'VarPat') return { init, type, scope, exact: true };
  if (u.kind === 'OptPat' && unwrapPat(u.inner).kind === 'VarPat')
    return { init, scope, exact: true, throughOption: true };
  return undefined;
}

/**
 * `let V = Lib.Vector`, `let f = M.f`: another name for a module, function or class. Only a path headed by a
 * module is an alias; anything else is a value.
 */
function aliasOf(init: A.Exp, scope: Scope): Binding | undefined {
  const u = unwrap(init);
  if (u.kind !== 'Dot' && u.kind !== 'Var') return undefined;
  const head = dottedHead(u);
  if (head === undefined || scope.lookup(head)?.kind !== 'module') return undefined;
  const r = resolveCallee(u, scope);
  const found = r?.found;
  if (found && (found.kind === 'module' || found.kind === 'func' || found.kind === 'class')) return found;
  // `let Vec = Lib.Vector` where `Lib` is a library whose source is not here: still a module by its name,
  // so that `Vec.clear(queue)` is a collection call on `queue`.
  const headRef = scope.lookup(head);
  const last = u.kind === 'Dot' ? u.name.name : u.name;
  if (r && !r.found && headRef?.kind === 'module' && headRef.members() === undefined && /^[A-Z]/.test(last)) {
    const why = r.why;
    return {
      kind: 'module',
      name: last,
      ...(headRef.importPath !== undefined ? { importPath: headRef.importPath } : {}),
      members: () => undefined,
      unresolvedReason: () => why,
    };
  }
  return undefined;
}

function dottedHead(e: A.Exp): string | undefined {
  const u = unwrap(e);
  if (u.kind === 'Var') return u.name;
  if (u.kind === 'Dot') return dottedHead(u.object);
  return undefined;
}

function localModule(
  name: string,
  d: A.ObjectDec,
  scope: Scope,
  file: FileInfo,
  ctx: ModuleContext,
): ModuleRef {
  let members: Scope | undefined;
  return {
    kind: 'module',
    name,
    members: () => {
      if (!members) {
        members = scope.child();
        for (const f of d.fields) declareDec(f.dec, members, file, ctx);
      }
      return members;
    },
    unresolvedReason: () => undefined,
  };
}

function declareImport(d: A.ImportDec, scope: Scope, file: FileInfo, ctx: ModuleContext): void {
  const module = importedModule(d.path, file, ctx);
  const pat = d.pattern.kind === 'AnnotPat' ? d.pattern.pattern : d.pattern;
  if (pat.kind === 'VarPat') {
    scope.define(pat.name.name, { ...module, name: pat.name.name });
  } else if (pat.kind === 'RecordPat') {
    // `import { f; g = h } "./lib"`: each name is a member of the module.
    for (const f of pat.fields) {
      if (f.isType) continue;
      const local = f.pattern && f.pattern.kind === 'VarPat' ? f.pattern.name.name : f.name.name;
      const member = f.name.name;
      const found = module.members()?.names.get(member);
      scope.define(local, found ?? { kind: 'local', nat: false });
    }
  }
}

/**
 * The members of the module a file declares, once per analysis: every file that imports it (and the search for
 * classes implementing an interface) sees the same scope, instead of declaring the module again per import.
 */
const membersByFile = new WeakMap<ModuleContext, Map<FileInfo, Scope | undefined>>();

function moduleMembers(file: FileInfo, ctx: ModuleContext): Scope | undefined {
  let byFile = membersByFile.get(ctx);
  if (!byFile) membersByFile.set(ctx, (byFile = new Map<FileInfo, Scope | undefined>()));
  if (byFile.has(file)) return byFile.get(file);
  // While declared (an import cycle, which Motoko rejects, comes back here), the module is not known.
  byFile.set(file, undefined);
  const fileScope = new Scope(undefined, { file, ctx });
  const decs = file.program.decs;
  declareDecs(decs, fileScope, file, ctx);
  const mod = [...decs]
    .reverse()
    .find((x): x is A.ObjectDec => x.kind === 'ObjectDec' && x.sort === 'module');
  if (!mod) return undefined;
  const members = fileScope.child();
  byFile.set(file, members);
  for (const f of mod.fields) declareDec(f.dec, members, file, ctx);
  return members;
}

/** A module imported by path; parsed on first use. */
export function importedModule(importPath: string, from: FileInfo, ctx: ModuleContext): ModuleRef {
  let resolved = false;
  let members: Scope | undefined;
  let reason: string | undefined;
  const resolve = () => {
    if (resolved) return;
    resolved = true;
    const target = ctx.files.resolveImport(from, importPath);
    if ('error' in target) {
      reason = target.error;
      return;
    }
    if ('library' in target) {
      reason = `\`${importPath}\` is a library whose source is not available`;
      return;
    }
    members = moduleMembers(target.file, ctx);
    if (!members) reason = `\`${importPath}\` is not a module`;
  };
  return {
    kind: 'module',
    name: importPath,
    importPath,
    members: () => {
      resolve();
      return members;
    },
    unresolvedReason: () => {
      resolve();
      return reason;
    },
  };
}

export type CalleeResolution =
  | {
      found: Binding;
      path: string;
      byTypeOnly?: boolean;
      /** A method of a record type of functions: any class with the record's fields could be behind it. */
      viaInterface?: InterfaceMethod;
    }
  | { found?: undefined; path: string; why: string }
  | undefined;

/**
 * Resolves a callee expression (`f`, `M.f`, `M.Sub.f`, `w.run`, `getController().open`) to its binding.
 * Methods resolve through the object the receiver is (a class instance, an object, a record of a declared
 * type); `byTypeOnly` when only its declared type says so. Undefined when not a name path.
 */
export function resolveCallee(e: A.Exp, scope: Scope): CalleeResolution {
  const u = unwrap(e);
  if (u.kind === 'Var') {
    const b = scope.lookup(u.name);
    return b
      ? { found: b, path: u.name }
      : { path: u.name, why: `\`${u.name}\` is not declared in this file or its imports` };
  }
  if (u.kind !== 'Dot') return undefined;
  const member = u.name.name;
  const base = resolveCallee(u.object, scope);
  if (!base) {
    // `getController().reopen(…)`, `makeWorker(x).run()`: a call that returns a known object.
    const obj = objectOfExp(u.object, scope, 0);
    const held = obj && returnsHeldObject(u.object, scope) ? asHeld(obj) : obj;
    return held ? memberOf(held, member, `(…).${member}`) : undefined;
  }
  const p = `${base.path}.${member}`;
  if (!base.found) return { path: p, why: base.why };
  if (base.found.kind !== 'module') {
    const shape = objectOfBinding(base.found, 0);
    // An instance held in the actor's state: its methods see their fields as state too.
    const obj = shape && base.found.kind === 'state' ? asHeld(shape) : shape;
    if (obj) {
      const r = memberOf(obj, member, p);
      return r?.found && base.byTypeOnly ? { ...r, byTypeOnly: true } : r;
    }
    return { path: p, why: `\`${base.path}\` is a value whose class or object is not known here` };
  }
  const members = base.found.members();
  if (!members)
    return { path: p, why: base.found.unresolvedReason() ?? `\`${base.path}\` could not be resolved` };
  const m = members.names.get(member);
  return m ? { found: m, path: p } : { path: p, why: `\`${base.path}\` has no member \`${member}\`` };
}

// --- The objects values are -------------------------------------------------------------------------

/** `member` of a value whose declared type is a record of functions with the value fields `fields`. */
export interface InterfaceMethod {
  fields: string[];
  member: string;
  home: Home;
}

/** A class instance, an object, or a record of a known type: its members, in its body's scope. */
export interface ObjectShape {
  members: Scope;
  /** The class it is an instance of, when it is one. */
  cls?: ClassRef;
  /** For a record type: its value fields (a class with all of them is an implementation). */
  interfaceFields?: string[];
  /** Only a declared type says which object it is (Motoko typing is structural: others could fit). */
  byTypeOnly: boolean;
}

const MAX_DEPTH = 12;
const instanceScopes = new WeakMap<A.ClassDec, Scope>();

function memberOf(obj: ObjectShape, member: string, p: string): CalleeResolution {
  const m = obj.members.names.get(member);
  if (!m) return { path: p, why: `the object has no member \`${member}\`` };
  const home = m.kind === 'local' ? m.origin?.scope.home : undefined;
  if (obj.interfaceFields && m.kind === 'local' && home && isFunctionType(m.type, m.origin?.scope)) {
    const viaInterface = { fields: obj.interfaceFields, member, home };
    return { found: m, path: p, byTypeOnly: true, viaInterface };
  }
  return obj.byTypeOnly ? { found: m, path: p, byTypeOnly: true } : { found: m, path: p };
}

/** The members of an instance of `c`: its parameters (known by their declared types) and its fields. */
export function classMembers(c: ClassRef): Scope {
  const known = instanceScopes.get(c.dec);
  if (known) return known;
  const scope = c.scope.child();
  instanceScopes.set(c.dec, scope);
  for (const p of c.dec.params)
    for (const b of boundNames(p))
      scope.define(b.name, {
        kind: 'local',
        nat: false,
        type: b.type,
        origin: { type: b.type, scope: c.scope, exact: false },
      });
  const home = scope.home;
  if (home) for (const f of c.dec.fields) declareDec(f.dec, scope, c.file, home.ctx);
  return scope;
}

/** The shape of an instance that lives in the actor: its members are those of `heldMembers`. */
function asHeld(obj: ObjectShape): ObjectShape {
  return obj.cls ? { ...obj, members: heldMembers(obj.cls) } : obj;
}

/**
 * `getFacade()`: a function of the actor, or of an instance it holds, returns an object the actor holds (it has
 * nothing else to return one from that outlives the message, short of building a new one each call).
 */
function returnsHeldObject(e: A.Exp, scope: Scope): boolean {
  const u = unwrap(e);
  if (u.kind !== 'Call') return false;
  const f = resolveCallee(u.callee, scope)?.found;
  return f?.kind === 'func' && (f.actorField !== undefined || heldScopes.has(f.scope));
}

/** A method of an instance the actor holds (its body reads and writes the actor's state). */
export function isHeldMethod(f: FuncRef): boolean {
  return heldScopes.has(f.scope);
}

const heldInstanceScopes = new WeakMap<A.ClassDec, Scope>();
/** Member scopes of held instances (their functions are methods of an object the actor holds). */
const heldScopes = new WeakSet<Scope>();

/**
 * The members of an instance of `c` that the actor holds (in its state, or in an instance it holds). Such an
 * instance outlives the message: its parameters and its `var` fields (and fields bound to containers) are
 * the actor's state, seen by every message through the methods (SPEC §3). They are named as written in the
 * class (`register.positions`), and still resolve like the values they are, for the methods called on them.
 */
export function heldMembers(c: ClassRef): Scope {
  const known = heldInstanceScopes.get(c.dec);
  if (known) return known;
  const scope = c.scope.child();
  heldInstanceScopes.set(c.dec, scope);
  heldScopes.add(scope);
  const home = scope.home;
  const text = c.file.text;
  for (const p of c.dec.params)
    for (const b of boundNames(p)) {
      const typeText = b.type ? text.slice(b.type.start, b.type.end) : '';
      const root: StateRoot = {
        name: b.name,
        decl: b.ident,
        nat: isNatType(b.type),
        container: true,
        keyed: /Map|Set|Trie|RBTree|Assoc/.test(typeText),
        isSet: /Set/.test(typeText) && !/Map/.test(typeText),
        type: b.type,
        inInstance: true,
      };
      scope.define(b.name, { kind: 'state', root, origin: { type: b.type, scope: c.scope, exact: false } });
    }
  if (home) for (const f of c.dec.fields) declareDec(f.dec, scope, c.file, home.ctx);
  for (const f of c.dec.fields) {
    const field = stateRootOf(f, scope, text);
    if (!field) continue;
    const root: StateRoot = {
      ...field,
      inInstance: true,
      ...(ownVariable(f, field) ? { holder: classLabel(c) } : {}),
    };
    const declared = scope.names.get(root.name);
    const origin = declared?.kind === 'local' ? declared.origin : undefined;
    scope.define(root.name, { kind: 'state', root, ...(origin ? { origin } : {}) });
  }
  return scope;
}

/**
 * A `var` of the instance is its own variable, another than any of the actor's of the same name; only a
 * container it was given (`var m = given`) may be the actor's own, changed in place through it.
 */
function ownVariable(f: A.DecField, field: StateRoot): boolean {
  if (f.dec.kind !== 'VarDec') return false;
  return !field.container || !f.dec.init || unwrap(f.dec.init).kind !== 'Var';
}

function classLabel(c: ClassRef): string {
  return c.name;
}

function objectOfBinding(b: Binding, depth: number): ObjectShape | undefined {
  if (b.kind === 'class' || b.kind === 'module' || b.kind === 'func') return undefined;
  const origin = b.origin;
  if (!origin) return undefined;
  return objectOfOrigin(origin, depth + 1);
}

function objectOfOrigin(o: ValueOrigin, depth: number): ObjectShape | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const fromInit = o.init ? objectOfExp(o.init, o.scope, depth + 1) : undefined;
  const shape = fromInit ?? (o.type ? objectOfType(o.type, o.scope, depth + 1) : undefined);
  if (!shape) return undefined;
  return o.exact ? shape : { ...shape, byTypeOnly: true };
}

/** The object an expression evaluates to, when known. */
export function objectOfExp(e: A.Exp, scope: Scope, depth: number): ObjectShape | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (e.kind === 'Annot') {
    return objectOfExp(e.expr, scope, depth + 1) ?? objectOfType(e.type, scope, depth + 1);
  }
  const u = unwrap(e);
  switch (u.kind) {
    case 'ObjectDec':
      if (u.sort !== 'object') return undefined;
      return { members: objectMembers(u, scope), byTypeOnly: false };
    case 'Opt':
      return objectOfExp(u.operand, scope, depth + 1);
    case 'Var':
    case 'Dot': {
      const r = resolveCallee(u, scope);
      if (!r?.found || r.found.kind === 'module' || r.found.kind === 'func' || r.found.kind === 'class')
        return undefined;
      const obj = objectOfBinding(r.found, depth + 1);
      return obj && r.byTypeOnly ? { ...obj, byTypeOnly: true } : obj;
    }
    case 'Call': {
      const r = resolveCallee(u.callee, scope);
      const f = r?.found;
      const typeOnly = r?.found !== undefined && r.byTypeOnly === true;
      if (f?.kind === 'class') return { members: classMembers(f), byTypeOnly: typeOnly, cls: f };
      if (f?.kind !== 'func' || f.func.asyncKind !== null) return undefined;
      // A function that returns one: its body's value, else its declared result type.
      const body = unwrap(f.func.body);
      const fromBody = body.kind === 'Block' ? undefined : objectOfExp(body, f.scope, depth + 1);
      const shape =
        fromBody ?? (f.func.returnType ? objectOfType(f.func.returnType, f.scope, depth + 1) : undefined);
      return shape && typeOnly ? { ...shape, byTypeOnly: true } : shape;
    }
    default:
      return undefined;
  }
}

function objectMembers(d: A.ObjectDec, scope: Scope): Scope {
  const members = scope.child();
  const home = scope.home;
  if (home) for (const f of d.fields) declareDec(f.dec, members, home.file, home.ctx);
  return members;
}

/** The object a declared type describes: a class's instances, or a record type's fields (by type only). */
export function objectOfType(t: A.Type, scope: Scope, depth: number): ObjectShape | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (t.kind) {
    case 'ParenType':
      return objectOfType(t.inner, scope, depth + 1);
    case 'OptType':
      return objectOfType(t.inner, scope, depth + 1);
    case 'NamedType':
      return objectOfType(t.type, scope, depth + 1);
    case 'ObjType': {
      if (t.sort !== 'object') return undefined;
      const members = new Scope();
      for (const f of t.fields) {
        if (f.isType) continue;
        members.define(f.name.name, {
          kind: 'local',
          nat: false,
          type: f.type,
          origin: { type: f.type, scope, exact: false },
        });
      }
      const interfaceFields = t.fields.filter((f) => !f.isType).map((f) => f.name.name);
      return { members, byTypeOnly: true, interfaceFields };
    }
    case 'AndType': {
      // `A and B`: the fields of both.
      const l = objectOfType(t.left, scope, depth + 1);
      const r = objectOfType(t.right, scope, depth + 1);
      if (!l?.interfaceFields || !r?.interfaceFields) return l ?? r;
      const members = new Scope();
      for (const side of [l, r]) for (const [k, v] of side.members.names) members.define(k, v);
      return { members, byTypeOnly: true, interfaceFields: [...l.interfaceFields, ...r.interfaceFields] };
    }
    case 'PathType': {
      const named = lookupTypePath(
        t.path.map((i) => i.name),
        scope,
      );
      if (!named) return undefined;
      if (named.kind === 'class') return { members: classMembers(named), byTypeOnly: true, cls: named };
      return objectOfType(named.type, named.scope, depth + 1);
    }
    default:
      return undefined;
  }
}

/** `T`, `M.T`, `M.Sub.T` in the type namespace. */
function lookupTypePath(path: string[], scope: Scope): TypeRef | ClassRef | undefined {
  if (path.length === 1) return scope.lookupType(path[0]);
  let cur: Binding | undefined = scope.lookup(path[0]);
  for (let i = 1; i < path.length - 1; i++) {
    if (cur?.kind !== 'module') return undefined;
    cur = cur.members()?.names.get(path[i]);
  }
  if (cur?.kind !== 'module') return undefined;
  return cur.members()?.types.get(path[path.length - 1]);
}

/** Whether a declared type is (an alias of) a function type. */
function isFunctionType(t: A.Type | null | undefined, scope: Scope | undefined, depth = 0): boolean {
  if (!t || !scope || depth > MAX_DEPTH) return false;
  if (t.kind === 'FuncType') return true;
  if (t.kind === 'ParenType') return isFunctionType(t.inner, scope, depth + 1);
  if (t.kind === 'PathType') {
    const named = lookupTypePath(
      t.path.map((i) => i.name),
      scope,
    );
    return named?.kind === 'type' && isFunctionType(named.type, named.scope, depth + 1);
  }
  return false;
}
