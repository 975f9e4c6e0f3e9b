/**
 * The unit of Rust analysis (SPEC §2): the Cargo workspace. Crates asked for are grouped by the workspace
 * they are members of, and each group is completed with every crate they reach through `path =`
 * dependencies (direct, `workspace = true`, or a `[patch]` of the workspace), so that a call into another
 * crate of the workspace resolves to its code. A registry or git dependency stays outside: unknown.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import type { CargoDependency, CargoManifest, CargoWorkspaceTable, ManifestReader } from './cargo-manifest';
import { dependencyMarks, notCanisterCode, type CrateMarks, type NotCanisterCode } from './canister-code';

export interface WorkspaceCrate {
  /** The crate's folder (where its `Cargo.toml` is). */
  dir: string;
  /** Its library's name as code writes it. */
  name?: string;
  closed: boolean;
  /** Names this crate's code uses for its path dependencies (`package =` renames, `-` → `_`) → their folders. */
  deps: Map<string, string>;
  /** Its `Cargo.toml` was read. */
  manifest: boolean;
  /** Set when the crate is not canister code by its manifest (see canister-code.ts): why. */
  notCanisterCode?: NotCanisterCode;
}

export interface RustUnit {
  /** The workspace root, or the crate's own folder when it is in no workspace. */
  root: string;
  /** Folder → crate: the crates asked for and every crate they reach by path. */
  crates: Map<string, WorkspaceCrate>;
  /** The folders of the crates asked for in this unit (reported on; the others are only read). */
  asked: Set<string>;
}

/** `members = ["src/*", "canister"]` patterns as regular expressions over `/`-separated relative paths. */
function globMatches(pattern: string, rel: string): boolean {
  const body = pattern
    .replace(/\/+$/, '')
    .replace(/^\.\//, '')
    .split(/(\*\*|\*|\?)/)
    .map((part) =>
      part === '**'
        ? '.*'
        : part === '*'
          ? '[^/]*'
          : part === '?'
            ? '[^/]'
            : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`).test(rel);
}

function isMember(root: string, ws: CargoWorkspaceTable, dir: string): boolean {
  if (dir === root) return true;
  const rel = relative(root, dir).split(sep).join('/');
  if (ws.exclude.some((e) => rel === e.replace(/\/+$/, '') || rel.startsWith(`${e.replace(/\/+$/, '')}/`)))
    return false;
  return ws.members.some((m) => globMatches(m, rel));
}

/** The root of the Cargo workspace `dir` is a member of: the nearest `[workspace]` above it that lists it. */
export function workspaceRootOf(dir: string, read: ManifestReader): string | undefined {
  const start = resolve(dir);
  for (let d = start; ; d = dirname(d)) {
    const ws = read(d)?.workspace;
    // The nearest `[workspace]` decides; a crate it does not list is a workspace of its own.
    if (ws) return isMember(d, ws, start) ? d : undefined;
    if (dirname(d) === d) return undefined;
  }
}

/** The folder a dependency's code comes from, when it is on disk. */
function dependencyDir(dep: CargoDependency, ws: CargoWorkspaceTable | undefined): CargoDependency {
  const inherited = dep.fromWorkspace ? ws?.dependencies.get(dep.key) : undefined;
  const features = [...(inherited?.features ?? []), ...(dep.features ?? [])];
  const merged: CargoDependency = inherited
    ? {
        ...inherited,
        key: dep.key,
        ...(features.length ? { features } : {}),
        ...(dep.targetOnly ? { targetOnly: true as const } : {}),
        ...(dep.optional ? { optional: true as const } : {}),
      }
    : dep;
  const path = merged.path ?? ws?.patches.get(merged.package ?? merged.key);
  return path ? { ...merged, path } : merged;
}

function describeCrate(
  dir: string,
  manifest: CargoManifest | undefined,
  read: ManifestReader,
): WorkspaceCrate & { marks: CrateMarks } {
  const root = workspaceRootOf(dir, read);
  const ws = root ? read(root)?.workspace : undefined;
  const deps = new Map<string, string>();
  const marks: CrateMarks = { manifest: !!manifest, cdk: false, deps: [] };
  for (const declared of manifest?.dependencies ?? []) {
    const dep = dependencyDir(declared, ws);
    const mark = dependencyMarks(dep);
    if (mark.canister) marks.cdk = true;
    if (mark.host && !dep.optional) marks.host ??= mark.host;
    if (!dep.path) continue;
    const target = read(dep.path);
    if (!target) continue;
    // A renamed dependency is written by its key; otherwise by the library's own name.
    const name = dep.package ? dep.key.replace(/-/g, '_') : (target.name ?? dep.key.replace(/-/g, '_'));
    deps.set(name, dep.path);
  }
  return {
    dir,
    ...(manifest?.name ? { name: manifest.name } : {}),
    closed: manifest?.closed ?? false,
    deps,
    manifest: !!manifest,
    marks,
  };
}

/** Groups the crates asked for (their folders) into units, each completed with the crates it reaches by path. */
export function rustUnits(crateDirs: string[], read: ManifestReader): Map<string, RustUnit> {
  const units = new Map<string, RustUnit>();
  const marks = new Map<string, CrateMarks & { name?: string }>();
  for (const asked of crateDirs) {
    const dir = resolve(asked);
    const root = workspaceRootOf(dir, read) ?? dir;
    let unit = units.get(root);
    if (!unit) units.set(root, (unit = { root, crates: new Map(), asked: new Set() }));
    unit.asked.add(dir);
    const queue = [dir];
    while (queue.length) {
      const next = queue.pop()!;
      if (unit.crates.has(next)) continue;
      const { marks: crateMarks, ...crate } = describeCrate(next, read(next), read);
      unit.crates.set(next, crate);
      marks.set(next, {
        ...crateMarks,
        deps: [...crate.deps.values()],
        ...(crate.name ? { name: crate.name } : {}),
      });
      queue.push(...crate.deps.values());
    }
  }
  const why = notCanisterCode(marks);
  for (const unit of units.values())
    for (const [dir, crate] of unit.crates) {
      const reason = why.get(dir);
      if (reason) crate.notCanisterCode = reason;
    }
  return units;
}
