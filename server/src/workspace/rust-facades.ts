/**
 * Modules of the workspace's crates that re-export all of ic-cdk under their own path (`pub use ic_cdk::*;` in
 * `orbit_essentials/src/cdk.rs`, `pub use ic_cdk as cdk;`), so that `orbit_essentials::cdk::api::call::call` in
 * another crate is known as `ic_cdk::api::call::call`. Read from the text: a `pub use` at the start of a line.
 */
import { relative, sep } from 'node:path';
import type { SourceFile } from '../model/source';

const GLOB = /^\s*pub\s+use\s+(?:::)?ic_cdk::\*\s*;/m;
const ALIAS = /^\s*pub\s+use\s+(?:::)?ic_cdk\s+as\s+(\w+)\s*;/gm;

/** The module path of a file under the crate's `src/` (`cdk.rs` → `cdk`, `lib.rs` → ``), if it is there. */
function modulePath(crateDir: string, file: string): string[] | undefined {
  const rel = relative(`${crateDir}${sep}src`, file);
  if (rel.startsWith('..') || !rel.endsWith('.rs')) return undefined;
  const segs = rel.slice(0, -3).split(sep);
  const last = segs[segs.length - 1];
  if (last === 'mod' || (segs.length === 1 && (last === 'lib' || last === 'main'))) segs.pop();
  return segs;
}

/** Every facade path (`orbit_essentials::cdk`) of the given crates (folder → files), by crate name. */
export function cdkFacades(
  crates: Map<string, SourceFile[]>,
  nameOf: (dir: string) => string | undefined,
): string[] {
  const out = new Set<string>();
  for (const [dir, files] of crates) {
    const name = nameOf(dir);
    if (!name) continue;
    for (const f of files) {
      if (!f.text.includes('ic_cdk')) continue;
      const mod = modulePath(dir, f.path);
      if (!mod) continue;
      if (GLOB.test(f.text) && mod.length) out.add([name, ...mod].join('::'));
      for (const m of f.text.matchAll(ALIAS)) out.add([name, ...mod, m[1]].join('::'));
    }
  }
  return [...out].sort();
}
