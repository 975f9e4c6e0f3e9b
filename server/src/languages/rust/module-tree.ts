/**
 * The module tree of one crate, as other crates and its own modules see it: which free functions each module
 * declares and which names it imports or re-exports (`use`, `pub use`). Modules come from the file layout under `src/` (`lib.rs`/`main.rs` is the root,
 * `a/mod.rs` and `a.rs` are `a`, `a/b.rs` is `a::b`) and from inline `mod a { … }` blocks.
 */
import type { FnInfo, ParsedFile } from './crate-index';
import { inTestCode } from './type-index';
import { addUse, type UseMap } from './use-resolution';
import { descendantsOf, field, type SyntaxNode } from './syntax';

export interface ModuleScope {
  parent?: ModuleScope;
  children: Map<string, ModuleScope>;
  /** Free functions declared directly in the module, outside test code. */
  fns: Map<string, FnInfo[]>;
  /**
   * Its `use` declarations: the names it re-exports. Private ones too: the crate's own modules can reach them
   * (`use crate::f` for an `f` the root imports), and a path from another crate through one would not compile.
   */
  exports: UseMap;
}

function scope(parent?: ModuleScope): ModuleScope {
  return {
    ...(parent ? { parent } : {}),
    children: new Map(),
    fns: new Map(),
    exports: { aliases: new Map(), globs: [] },
  };
}

/** The module path of a file under the crate's `src/`, or undefined when it is elsewhere (tests, `build.rs`). */
export function fileModulePath(shownPath: string): string[] | undefined {
  const segs = shownPath.replace(/\\/g, '/').replace(/^\.\//, '').split('/');
  if (segs[0] !== 'src' || !segs[segs.length - 1].endsWith('.rs')) return undefined;
  const mods = segs.slice(1);
  mods[mods.length - 1] = mods[mods.length - 1].slice(0, -3);
  const last = mods[mods.length - 1];
  if (last === 'mod' || (mods.length === 1 && (last === 'lib' || last === 'main'))) mods.pop();
  return mods;
}

/** Names of the inline `mod` blocks around `node`, outermost first. */
function enclosingMods(node: SyntaxNode): string[] {
  const names: string[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'mod_item') names.unshift(field(p, 'name')?.text ?? '_');
    // Items inside a function body are not reachable by path.
    if (p.type === 'function_item') return ['<fn>'];
  }
  return names;
}

function at(root: ModuleScope, path: string[]): ModuleScope {
  let s = root;
  for (const name of path) {
    let child = s.children.get(name);
    if (!child) s.children.set(name, (child = scope(s)));
    s = child;
  }
  return s;
}

export function buildModuleTree(files: ParsedFile[], fns: FnInfo[]): ModuleScope {
  const root = scope();
  const fileMods = new Map<ParsedFile, string[] | undefined>();
  for (const file of files) {
    const mods = fileModulePath(file.shownPath ?? file.path);
    fileMods.set(file, mods);
    if (!mods) continue;
    at(root, mods);
    for (const decl of descendantsOf(file.root, 'use_declaration')) {
      // `#[cfg(test)] pub use testing::f;` beside `#[cfg(not(test))] pub use prod::f;`: the canister gets prod's.
      if (!decl || inTestCode(decl, file.shownPath ?? file.path)) continue;
      const inner = enclosingMods(decl);
      if (inner[0] !== '<fn>') addUse(decl, at(root, [...mods, ...inner]).exports);
    }
  }
  for (const fn of fns) {
    // A generated function belongs where its macro is invoked.
    const mods = fileMods.get(fn.file.expansionOf ?? fn.file);
    const written = fn.expandedFrom ?? fn.node;
    if (!mods || fn.typeName || inTestCode(written, fn.file.shownPath ?? fn.file.path)) continue;
    const inner = enclosingMods(written);
    if (inner[0] === '<fn>') continue;
    const s = at(root, [...mods, ...inner]);
    s.fns.set(fn.name, [...(s.fns.get(fn.name) ?? []), fn]);
  }
  return root;
}
