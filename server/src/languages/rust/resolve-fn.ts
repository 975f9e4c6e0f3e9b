/**
 * Which workspace function a written call path names: free functions (preferring the module the path names,
 * then the calling file), `Type::method` and `Self::method`. Paths of other types' methods resolve to nothing,
 * so a std or dependency call is never mistaken for a workspace function of the same name.
 */
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
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
  const all = index.freeByName.get(last);
  if (!all?.length) return undefined;
  const matching = arity === undefined ? all : all.filter((c) => c.params.length === arity);
  const candidates = matching.length ? matching : all;
  if (segs.length >= 2) {
    const mod = segs[segs.length - 2];
    const byModule = candidates.find((c) => c.file.path.replace(/\\/g, '/').endsWith(`/${mod}.rs`));
    if (byModule) return byModule;
  }
  return candidates.find((c) => c.file === file) ?? candidates[0];
}
