/**
 * What the Rust analysis reads from one `Cargo.toml`, with a real TOML parser: the crate's name as code writes
 * it, whether other crates can depend on it, its `path =` dependencies, and its `[workspace]` table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// smol-toml ships a CommonJS build under its `require` condition; only its types are ECMAScript-only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as typeof SmolToml;

/** One entry of `[dependencies]` (or a target's), before `workspace = true` and patches are applied. */
export interface CargoDependency {
  /** The key: the name code uses when the entry renames the package (`package = …`). */
  key: string;
  /** `package = "…"`: the real package name, when the key renames it. */
  package?: string;
  /** Absolute folder of a `path =` dependency. */
  path?: string;
  /** `foo.workspace = true`: the entry is the workspace's `[workspace.dependencies]` one. */
  fromWorkspace?: true;
  /** `features = [...]` written on the entry (added to the workspace entry's own ones). */
  features?: string[];
  /** Declared under `[target.'cfg(…)'.dependencies]`: it may be for the host only. */
  targetOnly?: true;
  /** `optional = true`: only with a feature. */
  optional?: true;
}

export interface CargoWorkspaceTable {
  members: string[];
  exclude: string[];
  /** `[workspace.dependencies]`, paths made absolute against the workspace root. */
  dependencies: Map<string, CargoDependency>;
  /** `[patch.*]` entries with a path: package name → absolute folder. */
  patches: Map<string, string>;
}

export interface CargoManifest {
  /** `[package] name`. */
  packageName?: string;
  /** The library's name as other code writes it (`[lib] name`, else the package name, `-` → `_`). */
  name?: string;
  /**
   * No other crate can depend on it: its library (if any) is built only as `cdylib` or `staticlib`, or it has
   * binaries only. Then its traits cannot have impls outside it.
   */
  closed: boolean;
  /** Normal dependencies (`[dependencies]`, `[target.*.dependencies]`); dev and build ones never reach the canister. */
  dependencies: CargoDependency[];
  workspace?: CargoWorkspaceTable;
}

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

function dependency(dir: string, key: string, spec: unknown): CargoDependency {
  const dep: CargoDependency = { key };
  if (!isTable(spec)) return dep;
  const pkg = str(spec.package);
  const path = str(spec.path);
  if (pkg) dep.package = pkg;
  if (path) dep.path = resolve(dir, path);
  if (spec.workspace === true) dep.fromWorkspace = true;
  if (spec.optional === true) dep.optional = true;
  const features = strings(spec.features);
  if (features.length) dep.features = features;
  return dep;
}

function dependencies(dir: string, table: unknown, targetOnly = false): CargoDependency[] {
  if (!isTable(table)) return [];
  return Object.entries(table).map(([k, v]) => {
    const dep = dependency(dir, k, v);
    return targetOnly ? { ...dep, targetOnly: true as const } : dep;
  });
}

function workspaceTable(dir: string, manifest: Table): CargoWorkspaceTable | undefined {
  const ws = manifest.workspace;
  if (!isTable(ws)) return undefined;
  const patches = new Map<string, string>();
  for (const source of Object.values(isTable(manifest.patch) ? manifest.patch : {})) {
    for (const dep of dependencies(dir, source)) if (dep.path) patches.set(dep.package ?? dep.key, dep.path);
  }
  return {
    members: strings(ws.members),
    exclude: strings(ws.exclude),
    dependencies: new Map(dependencies(dir, ws.dependencies).map((d) => [d.key, d])),
    patches,
  };
}

export type ManifestReader = (dir: string) => CargoManifest | undefined;

/**
 * A reader that parses each folder's `Cargo.toml` once (undefined when there is none or it does not parse).
 * One per analysis run: between runs the files may change.
 */
export function manifestReader(): ManifestReader {
  const cache = new Map<string, CargoManifest | undefined>();
  return (dir) => {
    const key = resolve(dir);
    if (cache.has(key)) return cache.get(key);
    let out: CargoManifest | undefined;
    try {
      out = describe(key, parseToml(readFileSync(join(key, 'Cargo.toml'), 'utf8')));
    } catch {
      out = undefined;
    }
    cache.set(key, out);
    return out;
  };
}

function describe(dir: string, manifest: Table): CargoManifest {
  const nameIn = (table: unknown): string | undefined => (isTable(table) ? str(table.name) : undefined);
  const packageName = nameIn(manifest.package);
  const name = (nameIn(manifest.lib) ?? packageName)?.replace(/-/g, '_');
  const lib = isTable(manifest.lib) ? manifest.lib : undefined;
  const types = lib?.['crate-type'];
  // Without `crate-type`, a library target (declared or `src/lib.rs`) is an ordinary, dependable `lib`.
  const closed = Array.isArray(types)
    ? !types.some((t) => t === 'lib' || t === 'rlib' || t === 'dylib')
    : !lib && !existsSync(join(dir, 'src', 'lib.rs'));
  const deps = dependencies(dir, manifest.dependencies);
  for (const target of Object.values(isTable(manifest.target) ? manifest.target : {}))
    if (isTable(target)) deps.push(...dependencies(dir, target.dependencies, true));
  const workspace = workspaceTable(dir, manifest);
  return {
    ...(packageName ? { packageName } : {}),
    ...(name ? { name } : {}),
    closed,
    dependencies: deps,
    ...(workspace ? { workspace } : {}),
  };
}
