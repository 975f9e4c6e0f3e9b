/** Names in scope while lowering: functions (to resolve callees), modules (imports), state roots and locals. */
import type * as A from '../ast';
import type { FileInfo, FileSet } from './files';
import type { StateRoot } from './state';
import { boundNames, unwrap } from './syntax';

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
}

export interface StateRef {
  kind: 'state';
  root: StateRoot;
}

export interface LocalRef {
  kind: 'local';
  /** Declared (or obviously) `Nat`: subtraction may underflow. */
  nat: boolean;
  /** The declared type, if written (to find what an actor reference's methods return). */
  type?: A.Type | null;
  /** The name in the IR: unique per binding, so that shadowed names do not merge their data flow. */
  irName?: string;
}

export type Binding = FuncRef | ModuleRef | ClassRef | StateRef | LocalRef;

export class Scope {
  readonly names = new Map<string, Binding>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  define(name: string, b: Binding): void {
    this.names.set(name, b);
  }

  child(): Scope {
    return new Scope(this);
  }
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
      if (d.name) scope.define(d.name.name, { kind: 'class', name: d.name.name, dec: d });
      break;
    case 'ObjectDec':
      if (d.name && d.sort === 'module')
        scope.define(d.name.name, localModule(d.name.name, d, scope, file, ctx));
      else if (d.name) scope.define(d.name.name, { kind: 'local', nat: false });
      break;
    case 'LetDec': {
      const init = d.init ? unwrap(d.init) : undefined;
      const pat = d.pattern.kind === 'AnnotPat' ? d.pattern.pattern : d.pattern;
      if (init && init.kind === 'Func' && pat.kind === 'VarPat') {
        scope.define(pat.name.name, { kind: 'func', name: pat.name.name, func: init, file, scope });
      } else if (init && init.kind === 'ObjectDec' && init.sort === 'module' && pat.kind === 'VarPat') {
        scope.define(pat.name.name, localModule(pat.name.name, init, scope, file, ctx));
      } else {
        const initType = d.init?.kind === 'Annot' ? d.init.type : null;
        for (const b of boundNames(d.pattern))
          scope.define(b.name, { kind: 'local', nat: false, type: b.type ?? initType });
      }
      break;
    }
    case 'VarDec':
      scope.define(d.name.name, { kind: 'local', nat: false, type: d.type });
      break;
    default:
      break;
  }
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
    const file = target.file;
    const fileScope = new Scope();
    const decs = file.program.decs;
    declareDecs(decs, fileScope, file, ctx);
    const mod = [...decs]
      .reverse()
      .find((x): x is A.ObjectDec => x.kind === 'ObjectDec' && x.sort === 'module');
    if (!mod) {
      reason = `\`${importPath}\` is not a module`;
      return;
    }
    members = fileScope.child();
    for (const f of mod.fields) declareDec(f.dec, members, file, ctx);
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
  { found: Binding; path: string } | { found?: undefined; path: string; why: string } | undefined;

/** Resolves a callee expression (`f`, `M.f`, `M.Sub.f`) to its binding. Undefined when not a name path. */
export function resolveCallee(e: A.Exp, scope: Scope): CalleeResolution {
  const u = unwrap(e);
  if (u.kind === 'Var') {
    const b = scope.lookup(u.name);
    return b
      ? { found: b, path: u.name }
      : { path: u.name, why: `\`${u.name}\` is not declared in this file or its imports` };
  }
  if (u.kind === 'Dot') {
    const base = resolveCallee(u.object, scope);
    if (!base) return undefined;
    const p = `${base.path}.${u.name.name}`;
    if (!base.found) return { path: p, why: base.why };
    if (base.found.kind !== 'module') {
      return { path: p, why: `\`${base.path}\` is a value, not a module (method calls are not resolved)` };
    }
    const members = base.found.members();
    if (!members)
      return { path: p, why: base.found.unresolvedReason() ?? `\`${base.path}\` could not be resolved` };
    const m = members.names.get(u.name.name);
    return m ? { found: m, path: p } : { path: p, why: `\`${base.path}\` has no member \`${u.name.name}\`` };
  }
  return undefined;
}
