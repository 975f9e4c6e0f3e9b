/**
 * Which workspace function a written call path names: free functions (preferring the module the path names,
 * then the calling file), `Type::method` and `Self::method`. Paths of other types' methods resolve to nothing,
 * so a std or dependency call is never mistaken for a workspace function of the same name.
 */
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
import { resolveInCrate } from './crate-paths';
import { inTestCode } from './type-index';
import { expandPath } from './use-resolution';

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
  const full = expandPath(written, file.uses);
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
    const globbed = throughDepGlobs(index, file, segs);
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
  // A function of test code (`#[cfg(test)]` mocks) is not what the canister's own code calls.
  const all = index.freeByName.get(last)?.filter((c) => !isTestFn(c) || (!!caller && isTestFn(caller)));
  // None declared under that name outside tests: a `crate::…` path may still reach one re-exported from a dependency.
  if (!all?.length) return segs[0] === 'crate' ? resolveInCrate(index, segs.slice(1)) : undefined;
  const matching = arity === undefined ? all : all.filter((c) => c.params.length === arity);
  const candidates = matching.length ? matching : all;
  if (segs.length >= 2) {
    const mod = segs[segs.length - 2];
    const byModule = candidates.find((c) => c.file.path.replace(/\\/g, '/').endsWith(`/${mod}.rs`));
    if (byModule) return byModule;
  }
  return candidates.find((c) => c.file === file) ?? candidates[0];
}

function sameFile(index: CrateIndex, file: ParsedFile, name: string): boolean {
  return !!index.freeByName.get(name)?.some((f) => f.file === file);
}

function throughDepGlobs(index: CrateIndex, file: ParsedFile, path: string[]): FnInfo | undefined {
  for (const glob of file.uses.globs) {
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
