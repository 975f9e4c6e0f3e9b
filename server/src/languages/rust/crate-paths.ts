/**
 * Resolves a path into another crate of the workspace (`ledger_client::api::transfer`) through that crate's
 * module tree: its modules, the functions they declare, and their `pub use` re-exports (renamed, globbed,
 * `self`/`super`/`crate`-relative, or from a crate further down). A path it cannot follow resolves to nothing,
 * so the call stays unknown (`maybe`), never a guess by last name.
 */
import type { CrateIndex, FnInfo } from './crate-index';
import type { ModuleScope } from './module-tree';

/** Re-export chains are short; a bound stops `pub use a::*` cycles. */
const MAX_DEPTH = 24;

/** `segs` written from the root of `crate` (the segments after its name). */
export function resolveInCrate(crate: CrateIndex, segs: string[]): FnInfo | undefined {
  return lookup(crate, crate.tree, segs, 0);
}

/**
 * Answers per module and path, shared by all lookups of the analysis: the same names are asked again and again,
 * and globs re-exporting each other would otherwise be walked exponentially. `null` while being resolved: a
 * cycle answers "nothing", which keeps the call unknown.
 */
const memo = new WeakMap<ModuleScope, Map<string, FnInfo | null>>();

/** `segs` relative to module `mod`: a child module, a function declared there, or a name it re-exports. */
function lookup(crate: CrateIndex, mod: ModuleScope, segs: string[], depth: number): FnInfo | undefined {
  if (depth > MAX_DEPTH || !segs.length) return undefined;
  let known = memo.get(mod);
  if (!known) memo.set(mod, (known = new Map<string, FnInfo | null>()));
  const key = segs.join('::');
  if (known.has(key)) return known.get(key) ?? undefined;
  known.set(key, null);
  const found = resolveHere(crate, mod, segs, depth);
  known.set(key, found ?? null);
  return found;
}

function resolveHere(crate: CrateIndex, mod: ModuleScope, segs: string[], depth: number): FnInfo | undefined {
  const [head, ...rest] = segs;
  if (!rest.length) {
    const own = mod.fns.get(head);
    // Two declarations (`#[cfg]` variants) could differ in what they call: neither is taken.
    if (own) return own.length === 1 ? own[0] : undefined;
    return reexported(crate, mod, segs, depth);
  }
  const child = mod.children.get(head);
  if (child) return lookup(crate, child, rest, depth + 1);
  // `Type::method`: types are looked up by name in the crate (they may be re-exported anywhere).
  if (rest.length === 1 && /^[A-Z]/.test(head)) {
    const method = crate.methods.get(`${head}::${rest[0]}`);
    if (method) return method;
  }
  return reexported(crate, mod, segs, depth);
}

/** Through the module's `pub use` declarations: an alias for the first segment, then its globs. */
function reexported(crate: CrateIndex, mod: ModuleScope, segs: string[], depth: number): FnInfo | undefined {
  const [head, ...rest] = segs;
  const alias = mod.exports.aliases.get(head);
  if (alias !== undefined) {
    const found = written(crate, mod, [...alias.split('::'), ...rest], depth + 1);
    if (found) return found;
  }
  for (const glob of mod.exports.globs) {
    const found = written(crate, mod, [...glob.split('::'), ...segs], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * A path as written inside module `mod` of `crate` (`crate::a::f`, `super::f`, `b::f` for a child `b`), or
 * undefined when it does not lead to exactly one function of the workspace.
 */
export function resolveFrom(crate: CrateIndex, mod: ModuleScope, segs: string[]): FnInfo | undefined {
  return written(crate, mod, segs, 0);
}

/** A path as written inside module `mod` of `crate` (the target of a `use`). */
function written(crate: CrateIndex, mod: ModuleScope, segs: string[], depth: number): FnInfo | undefined {
  if (segs[0] === '') segs = segs.slice(1); // `::dep::f`
  const [head, ...rest] = segs;
  // A binary's `main.rs` imports its own library by the crate's name (`use my_canister::a::f`).
  if (head === 'crate' || head === crate.crateName) return lookup(crate, crate.tree, rest, depth);
  if (head === 'self') return lookup(crate, mod, rest, depth);
  if (head === 'super') {
    let m: ModuleScope | undefined = mod;
    let r = segs;
    for (; r[0] === 'super'; r = r.slice(1)) m = m?.parent;
    return m ? lookup(crate, m, r, depth) : undefined;
  }
  if (mod.children.has(head)) return lookup(crate, mod, segs, depth);
  const dep = crate.deps.get(head);
  if (dep) return lookup(dep, dep.tree, rest, depth);
  // Edition 2015 paths start at the crate root.
  if (crate.tree.children.has(head)) return lookup(crate, crate.tree, segs, depth);
  return undefined;
}
