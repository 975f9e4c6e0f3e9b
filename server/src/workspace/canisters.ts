/** Which files form one canister: a Rust crate (nearest `Cargo.toml`), a Motoko actor (decided by the frontend). */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { manifestReader, type ManifestReader } from './cargo-manifest';

/** The folder of the nearest `Cargo.toml` above a Rust file, or the file's own folder when there is none. */
export function rustCrateOf(file: string, cache = new Map<string, string>()): string {
  const start = dirname(resolve(file));
  let dir = start;
  const visited: string[] = [];
  for (;;) {
    const known = cache.get(dir);
    if (known !== undefined) return remember(known);
    visited.push(dir);
    if (existsSync(join(dir, 'Cargo.toml'))) return remember(dir);
    const parent = dirname(dir);
    if (parent === dir) return remember(start);
    dir = parent;
  }
  function remember(crate: string): string {
    for (const v of visited) cache.set(v, crate);
    return crate;
  }
}

export interface RustCrateManifest {
  /** The name other code uses for the crate (`[lib] name`, else `[package] name` with `-` → `_`). */
  name?: string;
  /**
   * No other crate can depend on it: its library (if any) is built only as `cdylib` or `staticlib`, or it has
   * binaries only. Then its traits cannot have impls outside it.
   */
  closed: boolean;
}

/** What the analysis needs from the crate's `Cargo.toml` in `dir`, read once with a TOML parser. */
export function rustCrateManifest(dir: string, read: ManifestReader = manifestReader()): RustCrateManifest {
  const manifest = read(dir);
  return manifest
    ? { ...(manifest.name ? { name: manifest.name } : {}), closed: manifest.closed }
    : { closed: false };
}

/** The nearest folder above a Motoko file with a `mops.toml` or `dfx.json` (its project), or ''. */
export function motokoProjectOf(file: string): string {
  let dir = dirname(resolve(file));
  for (;;) {
    if (existsSync(join(dir, 'mops.toml')) || existsSync(join(dir, 'dfx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return '';
    dir = parent;
  }
}

/** Motoko `mo:` packages from `mops.toml` (installed under `.mops/`) and `dfx.json`-style vessel folders. */
export function motokoPackagesFor(file: string): Record<string, string> {
  const packages: Record<string, string> = {};
  let dir = dirname(resolve(file));
  for (;;) {
    const mops = join(dir, '.mops');
    if (existsSync(join(dir, 'mops.toml')) && existsSync(mops)) addMops(mops, packages);
    const vessel = join(dir, '.vessel');
    if (existsSync(join(dir, 'dfx.json')) && existsSync(vessel)) addVessel(vessel, packages);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return packages;
}

function addMops(mopsDir: string, out: Record<string, string>): void {
  try {
    for (const entry of readdirSync(mopsDir)) {
      const m = /^([A-Za-z0-9_-]+)@/.exec(entry);
      const name = m ? m[1] : entry;
      const src = join(mopsDir, entry, 'src');
      if (!out[name] && existsSync(src)) out[name] = src;
    }
  } catch {
    // An unreadable package folder leaves its imports unresolved, which the frontend reports.
  }
}

/** `.vessel/<name>/<version>/src`: the newest version folder (by name) wins. */
function addVessel(vesselDir: string, out: Record<string, string>): void {
  try {
    for (const name of readdirSync(vesselDir)) {
      const versions = readdirSync(join(vesselDir, name)).sort().reverse();
      const src = versions.map((v) => join(vesselDir, name, v, 'src')).find((p) => existsSync(p));
      if (!out[name] && src) out[name] = src;
    }
  } catch {
    // As for mops: unresolved imports are reported by the frontend.
  }
}
