/**
 * Which workspace function a written call path names: free functions (preferring the module the path names,
 * then the calling file), `Type::method` and `Self::method`. Paths of other types' methods resolve to nothing,
 * so a std or dependency call is never mistaken for a workspace function of the same name.
 */
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
import { expandPath } from './use-resolution';

/** `caller`: the function the call is written in, for `Self::`. */
export function resolveWorkspaceFn(
  index: CrateIndex,
  file: ParsedFile,
  caller: FnInfo | undefined,
  written: string,
): FnInfo | undefined {
  const full = expandPath(written, file.uses);
  const segs = full.split('::');
  const last = segs[segs.length - 1];

  if (segs.length >= 2) {
    let type = segs[segs.length - 2];
    if (type === 'Self' && caller?.typeName) type = caller.typeName;
    const m = index.methods.get(`${type}::${last}`);
    if (m) return m;
    if (/^[A-Z]/.test(type)) return undefined;
  }
  const candidates = index.freeByName.get(last);
  if (!candidates?.length) return undefined;
  if (segs.length >= 2) {
    const mod = segs[segs.length - 2];
    const byModule = candidates.find((c) => c.file.path.replace(/\\/g, '/').endsWith(`/${mod}.rs`));
    if (byModule) return byModule;
  }
  return candidates.find((c) => c.file === file) ?? candidates[0];
}
