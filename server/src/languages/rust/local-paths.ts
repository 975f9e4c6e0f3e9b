/**
 * Resolves a call path written inside a crate through that crate's module tree, starting from the module the
 * call is written in and the `use` declarations in scope there. Two modules may declare functions of the same
 * name (`auth::store::set_config`, `automation::store::set_config`): only the path says which one is called.
 */
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
import { resolveFrom } from './crate-paths';
import { fileModulePath, type ModuleScope } from './module-tree';
import { addUse, type UseMap } from './use-resolution';
import { descendantsOf, field, type SyntaxNode } from './syntax';
import { inTestCode } from './type-index';

/**
 * What the module tree says about a path: the function it names; `unknown` when the tree places the path but
 * finds no single function there (the caller must not guess by name); undefined when the tree cannot judge
 * (a file outside `src/`, a path headed by a name the module does not know).
 */
export type LocalAnswer = FnInfo | 'unknown' | undefined;

/** The node whose place in the file decides the module: a generated function stands where its macro is invoked. */
function placeOf(file: ParsedFile, caller: FnInfo | undefined): { file: ParsedFile; node?: SyntaxNode } {
  if (caller?.expandedFrom && file.expansionOf) return { file: file.expansionOf, node: caller.expandedFrom };
  return { file, node: caller?.node };
}

/** Names of the inline `mod` blocks around `node`, outermost first (functions in between do not count). */
function inlineMods(node: SyntaxNode | undefined): string[] {
  const names: string[] = [];
  for (let p = node?.parent; p; p = p.parent)
    if (p.type === 'mod_item') names.unshift(field(p, 'name')?.text ?? '_');
  return names;
}

function scopeAt(root: ModuleScope, path: string[]): ModuleScope | undefined {
  let s: ModuleScope | undefined = root;
  for (const name of path) s = s?.children.get(name);
  return s;
}

/** The module a call written in `caller` (in `file`) is resolved from, when the file is in the crate's tree. */
export function callerModule(
  index: CrateIndex,
  file: ParsedFile,
  caller: FnInfo | undefined,
): ModuleScope | undefined {
  const at = placeOf(file, caller);
  const mods = fileModulePath(at.file.shownPath ?? at.file.path);
  return mods ? scopeAt(index.tree, [...mods, ...inlineMods(at.node)]) : undefined;
}

/**
 * A file's `use` declarations: what each imports (read from the tree once, not once per function that sees it),
 * the node it is visible in and whether only tests compile it.
 */
const usesOfFile = new WeakMap<ParsedFile, { imports: UseMap; container: number; test: boolean }[]>();
const usesOfCaller = new WeakMap<FnInfo, UseMap>();

/** The node a `use` declaration is visible in: its `mod` block, its function, or the whole file. */
function containerOf(decl: SyntaxNode): SyntaxNode | null {
  let p = decl.parent;
  while (p && p.type !== 'mod_item' && p.type !== 'function_item' && p.parent) p = p.parent;
  return p;
}

/**
 * The `use` declarations in scope at `caller`: those of its own `mod` block (or the file) and of the functions
 * it is written in. A `use` inside `mod tests` or another function does not reach it.
 */
export function visibleUses(file: ParsedFile, caller: FnInfo | undefined, inTest: boolean): UseMap {
  const known = caller && usesOfCaller.get(caller);
  if (known) return known;
  const at = placeOf(file, caller);
  let decls = usesOfFile.get(at.file);
  if (!decls) {
    const path = at.file.shownPath ?? at.file.path;
    decls = descendantsOf(at.file.root, 'use_declaration').flatMap((decl) => {
      const container = decl && containerOf(decl);
      if (!decl || !container) return [];
      const imports: UseMap = { aliases: new Map(), globs: [] };
      addUse(decl, imports);
      return [{ imports, container: container.id, test: inTestCode(decl, path) }];
    });
    usesOfFile.set(at.file, decls);
  }
  const inScope = new Set<number>([at.file.root.id]);
  for (let p = at.node ?? null; p; p = p.parent) {
    if (p.type === 'function_item') inScope.add(p.id);
    if (p.type === 'mod_item') {
      inScope.add(p.id);
      inScope.delete(at.file.root.id);
      break;
    }
  }
  const uses: UseMap = { aliases: new Map(), globs: [] };
  // `#[cfg(test)] use mocks::f;` is not what the canister's code calls, unless the caller is test code too.
  for (const { imports, container, test } of decls) {
    if (!inScope.has(container) || (!inTest && test)) continue;
    for (const [name, full] of imports.aliases) uses.aliases.set(name, full);
    uses.globs.push(...imports.globs);
  }
  // Uses written in a generated function's own body.
  if (caller && at.file !== file)
    for (const decl of descendantsOf(caller.node, 'use_declaration')) addUse(decl, uses);
  if (caller) usesOfCaller.set(caller, uses);
  return uses;
}

/** Whether a path's first segment, seen from `here`, is a module of this crate (or `crate`, `self`, `super`). */
function startOf(index: CrateIndex, here: ModuleScope, head: string): boolean {
  return (
    head === 'crate' ||
    head === 'self' ||
    head === 'super' ||
    here.children.has(head) ||
    index.tree.children.has(head)
  );
}

/**
 * `segs`: the path after its first segment went through the caller's `use` aliases. A bare name is looked up
 * in the caller's module, then through its glob imports of this crate's modules.
 */
export function resolveLocalPath(
  index: CrateIndex,
  here: ModuleScope,
  segs: string[],
  uses: UseMap,
  arity?: number,
): LocalAnswer {
  if (segs.length >= 2 && startOf(index, here, segs[0])) return resolveFrom(index, here, segs) ?? 'unknown';
  if (segs.length === 1) {
    const own = here.fns.get(segs[0]);
    if (own) return oneOf(own, arity);
  }
  // Through `use crate::a::*` / `use super::*`: one answer, or the one whose arity matches, else none.
  const found = new Set<FnInfo>();
  for (const glob of uses.globs) {
    const path = glob.replace(/^::/, '').split('::');
    if (!startOf(index, here, path[0])) continue;
    const fn = resolveFrom(index, here, [...path, ...segs]);
    if (fn) found.add(fn);
  }
  return found.size ? oneOf([...found], arity) : undefined;
}

/** One function, or the one of several whose parameter count matches the call's arguments. */
function oneOf(fns: FnInfo[], arity: number | undefined): FnInfo | 'unknown' {
  if (fns.length === 1) return fns[0];
  const matching = fns.filter((f) => f.params.length === arity);
  return matching.length === 1 ? matching[0] : 'unknown';
}
