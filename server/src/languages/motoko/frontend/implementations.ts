/**
 * Implementations of interface types. Motoko typing is structural: a value typed by a record of functions
 * (`type Ledger = { transfer : … -> async* … }`) can be any object with those fields. The classes of the
 * workspace whose public fields include all of them are what can be behind it (test doubles left out).
 */
import type * as A from '../ast';
import type { FileInfo, FileSet } from './files';
import {
  type ClassRef,
  type FuncRef,
  type InterfaceMethod,
  type ModuleContext,
  classMembers,
  importedModule,
} from './scope';
import { boundNames } from './syntax';

/** Classes declared at the top of the workspace's modules, per file set. */
const classIndex = new WeakMap<FileSet, ClassRef[]>();

/** Test doubles are not deployed: they do not decide what production code runs. */
const TEST_FILE = /(^|[/\\])(tests?|mocks?|__tests__)[/\\]|mock|\.test\.mo$/i;

function workspaceClasses(ctx: ModuleContext): ClassRef[] {
  const known = classIndex.get(ctx.files);
  if (known) return known;
  const out: ClassRef[] = [];
  classIndex.set(ctx.files, out);
  loadImportClosure(ctx.files);
  for (const file of ctx.files.all()) {
    if (TEST_FILE.test(file.path)) continue;
    if (!file.program.decs.some((d) => d.kind === 'ObjectDec' && d.sort === 'module')) continue;
    const members = importedModule(file.abs, file, ctx).members();
    if (!members) continue;
    for (const b of members.names.values()) if (b.kind === 'class' && b.dec.sort === 'object') out.push(b);
  }
  return out;
}

/** Reads every file the known files import, transitively, so that no implementation is missed. */
function loadImportClosure(files: FileSet): void {
  const done = new Set<FileInfo>();
  for (let todo = files.all(); todo.length > 0; todo = files.all().filter((f) => !done.has(f))) {
    for (const f of todo) {
      done.add(f);
      for (const d of f.program.decs) if (d.kind === 'ImportDec') files.resolveImport(f, d.path);
    }
  }
}

const publicNamesOf = new WeakMap<A.ClassDec, Set<string>>();

function publicNames(c: A.ClassDec): Set<string> {
  const known = publicNamesOf.get(c);
  if (known) return known;
  const names = new Set<string>();
  publicNamesOf.set(c, names);
  for (const f of c.fields) {
    if (f.visibility !== 'public') continue;
    const d = f.dec;
    if (d.kind === 'Func' && d.name) names.add(d.name.name);
    else if (d.kind === 'VarDec') names.add(d.name.name);
    else if (d.kind === 'LetDec') for (const b of boundNames(d.pattern)) names.add(b.name);
  }
  return names;
}

const implementationsByMethod = new WeakMap<ClassRef[], Map<string, FuncRef[]>>();

/** The method of every workspace class whose public fields include all of the interface's. */
export function implementationsOf(m: InterfaceMethod): FuncRef[] {
  const classes = workspaceClasses(m.home.ctx);
  // Asked again at every `await*` through the same interface: answered once per set of classes.
  let byMethod = implementationsByMethod.get(classes);
  if (!byMethod) implementationsByMethod.set(classes, (byMethod = new Map<string, FuncRef[]>()));
  const key = `${m.member}(${m.fields.join(',')})`;
  const known = byMethod.get(key);
  if (known) return known;
  const out: FuncRef[] = [];
  byMethod.set(key, out);
  for (const c of classes) {
    const names = publicNames(c.dec);
    if (!m.fields.every((f) => names.has(f))) continue;
    const found = classMembers(c).names.get(m.member);
    if (found?.kind === 'func') out.push(found);
  }
  return out;
}
