/**
 * Which workspace function a written call path names: free functions through the crate's module tree from the
 * caller's module and the `use` declarations in scope there, `Type::method` and `Self::method`. Paths of other
 * types' methods resolve to nothing, so a std or dependency call is never mistaken for a workspace function of
 * the same name; a path the tree cannot follow is taken by name only when one function has that name.
 */
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
import { resolveInCrate } from './crate-paths';
import { inTestCode } from './type-index';
import type { SyntaxNode } from './syntax';
import { expandPath, type UseMap } from './use-resolution';
import { callerModule, resolveLocalPath, visibleUses } from './local-paths';

/**
 * `caller`: the function the call is written in, for `Self::`. `arity`: the number of arguments, when known;
 * a candidate with another number of parameters is taken only when no candidate matches.
 */
export function resolveWorkspaceFn(
  index: CrateIndex,
  file: ParsedFile,
  caller: FnInfo | undefined,
  written: string,
  arity?: number,
): FnInfo | undefined {
  const inTest = !!caller && isTestFn(caller);
  const uses = visibleUses(file, caller, inTest);
  const full = expandPath(written, uses);
  let segs = full.split('::');
  // A path into another crate of the workspace follows that crate's module tree and re-exports.
  const dep = segs.length >= 2 ? index.deps.get(segs[0]) : undefined;
  if (dep) return resolveInCrate(dep, segs.slice(1));
  // A name (or module) the file imports with `use other_crate::…::*`, unless this crate has it nearer.
  const local =
    segs.length === 1
      ? sameFile(index, file, segs[0])
      : index.modules.has(segs[0]) || index.methods.has(segs.slice(-2).join('::'));
  if (!local) {
    const globbed = throughDepGlobs(index, uses, segs);
    if (globbed) return globbed;
  }
  if (segs.length >= 2 && segs[0] === index.crateName) segs = ['crate', ...segs.slice(1)];
  // A path headed by another crate (`ledger_client::transfer`) never names a function of this one.
  if (segs.length >= 2 && !index.modules.has(segs[0]) && !/^[A-Z]/.test(segs[0])) return undefined;
  const last = segs[segs.length - 1];

  if (segs.length >= 2) {
    let type = segs[segs.length - 2];
    if (type === 'Self' && caller?.typeName) type = caller.typeName;
    const m = index.methods.get(`${type}::${last}`);
    if (m) return m;
    if (/^[A-Z]/.test(type)) return undefined;
  }
  // The module tree, from the caller's module: the path says which of two same-named functions it calls.
  const here = callerModule(index, file, caller);
  if (here) {
    const found = resolveLocalPath(index, here, segs, uses, arity);
    if (found && found !== 'unknown') return found;
    // Test code may call test helpers, which the tree leaves out: those keep the guess by name below.
    if (found === 'unknown' && !inTest) return undefined;
  }
  // A file outside the tree (`tests/`, `build.rs`) still reaches the crate's functions by `crate::` paths.
  if (!here && segs[0] === 'crate') {
    const rooted = resolveInCrate(index, segs.slice(1));
    if (rooted) return rooted;
  }
  // A function of test code (`#[cfg(test)]` mocks) is not what the canister's own code calls.
  const all = index.freeByName.get(last)?.filter((c) => !isTestFn(c) || inTest);
  if (!all?.length) return undefined;
  const matching = arity === undefined ? all : all.filter((c) => c.params.length === arity);
  const candidates = matching.length ? matching : all;
  // Past the tree, a name is taken only when it names one function: a guess between two could be the
  // wrong one, and a wrong callee can make an unsound `none`.
  const sameFileOnes = candidates.filter((c) => c.file === file);
  if (segs.length === 1 && sameFileOnes.length) {
    // A function declared in the caller's body is the one its name means there.
    const nested = caller ? sameFileOnes.filter((c) => within(c.node, caller.node)) : [];
    return only(nested.length ? nested : sameFileOnes);
  }
  // A bare name the caller's module neither declares nor imports comes from outside the crate (or a block).
  if (here && !inTest) return undefined;
  if (segs.length >= 2) {
    const mod = segs[segs.length - 2];
    const byModule = candidates.filter((c) => {
      const path = c.file.path.replace(/\\/g, '/');
      return path.endsWith(`/${mod}.rs`) || path.endsWith(`/${mod}/mod.rs`);
    });
    if (byModule.length) return only(byModule);
  }
  return only(candidates);
}

function within(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return (
    inner.tree === outer.tree && inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex
  );
}

function only(fns: FnInfo[]): FnInfo | undefined {
  return fns.length === 1 ? fns[0] : undefined;
}

function sameFile(index: CrateIndex, file: ParsedFile, name: string): boolean {
  return !!index.freeByName.get(name)?.some((f) => f.file === file);
}

function throughDepGlobs(index: CrateIndex, uses: UseMap, path: string[]): FnInfo | undefined {
  for (const glob of uses.globs) {
    const segs = glob.replace(/^::/, '').split('::');
    const dep = index.deps.get(segs[0]);
    const found = dep ? resolveInCrate(dep, [...segs.slice(1), ...path]) : undefined;
    if (found) return found;
  }
  return undefined;
}

const testFns = new WeakMap<FnInfo, boolean>();

function isTestFn(fn: FnInfo): boolean {
  let known = testFns.get(fn);
  if (known === undefined) testFns.set(fn, (known = inTestCode(fn.node, fn.file.shownPath ?? fn.file.path)));
  return known;
}

const testOnly = new WeakMap<FnInfo, boolean>();

/**
 * Compiled only for tests: under `#[cfg(test)]`, or in a test module file of the crate's `src/` (`src/tests.rs`,
 * `src/a/tests/b.rs`). Stricter than `isTestFn` about paths: a crate without a known folder is not judged by
 * where it sits.
 */
export function isTestOnly(fn: FnInfo): boolean {
  let known = testOnly.get(fn);
  if (known === undefined) {
    const shown = (fn.file.shownPath ?? fn.file.path).replace(/\\/g, '/');
    const inSrc = shown.startsWith('src/') ? shown.slice('src/'.length) : '';
    testOnly.set(fn, (known = inTestCode(fn.expandedFrom ?? fn.node, inSrc)));
  }
  return known;
}
