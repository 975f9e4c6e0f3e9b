/**
 * Names of state roots. Roots are crate-wide and written by their bare name (`DB.with(…)`), but a crate may
 * declare several roots of one name in different modules (a `thread_local! { static DB … }` per repository):
 * those are distinct state, so each gets a name qualified by its module (`user::DB`), and a use of the bare
 * name resolves to the root of the file it is written in, else to the one its path or `use` names.
 */
import type { StateRoot } from './crate-index';
import { expandPath, type UseMap } from './use-resolution';

/** Module path segments of a file: `src/repositories/user.rs` → `repositories`, `user`. */
function moduleSegments(path: string): string[] {
  const parts = path.replace(/\\/g, '/').replace(/\.rs$/, '').split('/');
  const src = parts.lastIndexOf('src');
  const segs = src >= 0 ? parts.slice(src + 1) : parts.slice(-1);
  if (/^(mod|lib|main)$/.test(segs[segs.length - 1] ?? '')) segs.pop();
  return segs.length ? segs : parts.slice(-1);
}

/** Gives the roots declared under one name in several files qualified names; returns them by bare name. */
export function qualifyRoots(decls: StateRoot[]): {
  roots: Map<string, StateRoot>;
  byName: Map<string, StateRoot[]>;
} {
  const byName = new Map<string, StateRoot[]>();
  for (const d of decls) {
    const same = byName.get(d.name) ?? [];
    // A later declaration in the same file replaces the earlier one, as a crate-wide map did.
    byName.set(d.name, [...same.filter((s) => s.file !== d.file), d]);
  }
  const roots = new Map<string, StateRoot>();
  for (const [name, list] of byName) {
    if (list.length === 1) {
      roots.set(name, list[0]);
      continue;
    }
    const segs = list.map((d) => moduleSegments(d.file));
    let depth = 1;
    const qualifier = (i: number) => segs[i].slice(-depth).join('::');
    while (
      depth < Math.max(...segs.map((s) => s.length)) &&
      new Set(list.map((_, i) => qualifier(i))).size < list.length
    )
      depth++;
    list.forEach((d, i) => {
      d.name = `${qualifier(i) || String(i)}::${name}`;
      roots.set(d.name, d);
    });
  }
  return { roots, byName };
}

/**
 * The root a written name or path (`DB`, `crate::repositories::user::DB`) stands for in `file`: the file's
 * own root of that name, else the one whose module the path (or the `use` that imports it) names.
 */
export function rootNamed(
  byName: Map<string, StateRoot[]>,
  file: { path: string; uses: UseMap },
  written: string,
): string | undefined {
  const segs = written.replace(/\s+/g, '').split('::');
  const name = segs[segs.length - 1];
  const list = byName.get(name);
  if (!list?.length) return undefined;
  if (list.length === 1) return list[0].name;
  const own = list.find((d) => d.file === file.path);
  if (own && segs.length === 1) return own.name;
  const full = expandPath(segs.join('::'), file.uses).split('::');
  const mod = full.slice(0, -1).filter((s) => !/^(crate|self|super)$/.test(s));
  if (!mod.length) return own?.name;
  const match = list.filter((d) => {
    const m = moduleSegments(d.file);
    return m.length > 0 && m[m.length - 1] === mod[mod.length - 1];
  });
  return match.length === 1 ? match[0].name : undefined;
}
