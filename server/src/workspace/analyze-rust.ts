/**
 * The Rust part of the pipeline: the crates of the files asked for are grouped by Cargo workspace, each group
 * is completed with the crates it reaches by `path =` (read from the editor or disk, not reported on), and
 * each group is analysed as one unit (SPEC §2).
 */
import { join, relative, sep } from 'node:path';
import { analyzeRustWorkspace, type RustCrateInput } from '../languages/rust';
import type { FileModel } from '../model/ir';
import type { SourceFile } from '../model/source';
import type { WorkspaceOptions } from './analyze';
import { manifestReader } from './cargo-manifest';
import { rustUnits } from './cargo-workspace';
import { collectSources } from './collect';
import { skippedModel } from './file-models';
import { loadSource } from './load';
import { cdkFacades } from './rust-facades';
import { namesCdk } from './canister-code';
import type { RustTreeCache } from './rust-tree-cache';
import type { RustModelCache } from './rust-model-cache';
import { macroRulesNames } from './rust-outline';
import { markPhase } from './timings';

/** `asked`: the files asked for, by crate folder. Models are returned for those files only. */
export async function analyzeRustSources(
  asked: Map<string, SourceFile[]>,
  maxFileSize: number,
  options: WorkspaceOptions,
): Promise<FileModel[]> {
  const models: FileModel[] = [];
  const units = [...rustUnits([...asked.keys()], manifestReader()).values()].map((unit) => {
    // Host tools and test targets get no annotations; a crate that canister code calls is still read.
    const offChain = (dir: string): string | undefined => {
      const not = unit.crates.get(dir)?.notCanisterCode;
      if (!not || (!not.host && namesCdk((asked.get(dir) ?? []).map((f) => f.text)))) return undefined;
      return not.reason;
    };
    const canister = [...unit.asked].filter((dir) => !offChain(dir));
    const needed = reachable(canister, (dir) => unit.crates.get(dir)?.deps.values() ?? []);
    for (const dir of unit.asked) {
      const why = offChain(dir);
      for (const f of asked.get(dir) ?? [])
        if (why) models.push(offChainModel(dir, f.path, why));
        else if (isTestTarget(dir, f.path, !!unit.crates.get(dir)?.manifest))
          models.push(offChainModel(dir, f.path, TEST_TARGET));
    }
    return {
      root: unit.root,
      crates: [...unit.crates.values()]
        .filter((crate) => needed.has(crate.dir))
        .map((crate): RustCrateInput & { report: Set<string> } => {
          const mine = unit.asked.has(crate.dir)
            ? asked.get(crate.dir)?.filter((f) => !isTestTarget(crate.dir, f.path, crate.manifest))
            : undefined;
          // A crate reached only as a dependency is read from the editor or disk and not reported on.
          const files = mine ?? dependencySources(crate.dir, maxFileSize, options.readFile);
          return {
            dir: crate.dir,
            files,
            name: crate.name,
            closed: crate.closed,
            deps: crate.deps,
            // An off-chain crate that canister code calls is read for its summaries; it has its model already.
            report: new Set(offChain(crate.dir) ? [] : (mine?.map((f) => f.path) ?? [])),
          };
        }),
    };
  });
  // Facades (`pub use ic_cdk::*`) are known by their path, whichever crate declares them.
  const all = new Map(units.flatMap((u) => u.crates.map((c) => [c.dir, c])));
  const facades = cdkFacades(
    new Map([...all].map(([dir, c]) => [dir, c.files])),
    (dir) => all.get(dir)?.name,
  );
  const config = options.config;
  const trees = options.rustTrees;
  markPhase('rust-units');
  if (trees && units.length) await trees.ready();
  for (const unit of units) {
    try {
      const rustOptions = {
        extraCallFunctions: [...(options.extraCallFunctions ?? []), ...(config?.callFunctions ?? [])],
        ...(config ? { entryAttributes: config.entryAttributes } : {}),
        cdkFacades: facades,
      };
      const kept = options.rustModels;
      const store =
        trees && kept
          ? kept.storeFor(unit.root, unitFingerprint(unit.crates, rustOptions, trees, kept))
          : undefined;
      markPhase('rust-fingerprint');
      models.push(
        ...(await analyzeRustWorkspace(unit.crates, {
          ...rustOptions,
          ...(trees
            ? { parseFile: (dir: string, path: string, text: string) => trees.parse(dir, path, text) }
            : {}),
          ...(store ? { models: store } : {}),
        })),
      );
      markTestDoubles(models, unit.crates);
      for (const c of unit.crates)
        trees?.retain(
          c.dir,
          c.files.map((f) => f.path),
        );
    } catch (err) {
      options.onInternalError?.(`rust frontend (${unit.root})`, err);
      for (const c of unit.crates)
        for (const f of c.files)
          if (c.report.has(f.path))
            models.push(skippedModel(f.path, `internal error in the Rust analysis: ${String(err)}`));
    }
  }
  return models;
}

/**
 * What the unit's crate index and options are made of, up to bodies that declare nothing: the crates, their
 * files in order, each file's outline (rust-outline.ts), the options. Kept models are reused only while it holds.
 */
function unitFingerprint(
  crates: (RustCrateInput & { report: Set<string> })[],
  rustOptions: object,
  trees: RustTreeCache,
  kept: RustModelCache,
): string[] {
  const macros = macroRulesNames(crates.flatMap((c) => c.files.map((f) => f.text)));
  const parts = [JSON.stringify(rustOptions)];
  for (const c of crates) {
    parts.push(JSON.stringify([c.dir, c.name, c.closed, [...(c.deps ?? [])], [...c.report]]));
    for (const f of c.files) {
      let tree = null;
      try {
        tree = trees.parse(c.dir, f.path, f.text);
      } catch {
        // The analysis says why the file is skipped; its outline is its whole text.
      }
      parts.push(f.path, kept.outlineOf(f.path, f.text, tree, macros));
    }
  }
  return parts;
}

const TEST_TARGET =
  'not canister code: integration tests, benchmarks, examples and build scripts are built for the host';

/**
 * Files of a crate's `tests/`, `benches/` and `examples/` folders and its `build.rs` are their own targets, built
 * for the host with the dev-dependencies: never part of the canister. Only said of a crate with a manifest.
 */
function isTestTarget(crateDir: string, path: string, hasManifest: boolean): boolean {
  if (!hasManifest) return false;
  const rel = relative(crateDir, path).split(sep);
  return rel[0] === 'tests' || rel[0] === 'benches' || rel[0] === 'examples' || rel.join('/') === 'build.rs';
}

/** The folders reachable from `start` through `next`, `start` included. */
function reachable(start: string[], next: (dir: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
    if (seen.has(d)) continue;
    seen.add(d);
    stack.push(...next(d));
  }
  return seen;
}

function offChainModel(crateDir: string, path: string, why: string): FileModel {
  return {
    file: path,
    language: 'rust',
    canister: crateDir,
    parseErrors: [],
    notCanisterCode: why,
    entryPoints: [],
    awaits: [],
    stateDecls: [],
  };
}

/** A package named as a test double: `fake-cmc`, `mock_ledger`, `ledger-mock`, `test-utils`, `stub`. */
const TEST_DOUBLE_CRATE = /(^|[-_])(fake|mock|mocks|stub|stubs|test|tests|testing)([-_]|$)/;

function markTestDoubles(models: FileModel[], crates: { name?: string; files: SourceFile[] }[]): void {
  const files = new Set(
    crates.filter((c) => c.name && TEST_DOUBLE_CRATE.test(c.name)).flatMap((c) => c.files.map((f) => f.path)),
  );
  if (!files.size) return;
  for (const m of models) if (files.has(m.file)) m.testDouble = true;
}

/** The `.rs` files under a dependency crate's `src/`, as the editor has them or else from disk. */
function dependencySources(
  dir: string,
  max: number,
  readFile: ((absPath: string) => string | undefined) | undefined,
): SourceFile[] {
  const out: SourceFile[] = [];
  for (const path of collectSources([join(dir, 'src')]).files) {
    if (!path.endsWith('.rs')) continue;
    const open = readFile?.(path);
    if (open !== undefined) {
      if (Buffer.byteLength(open, 'utf8') <= max) out.push({ path, text: open });
      continue;
    }
    const fromDisk = loadSource(path, max);
    if (fromDisk.ok) out.push({ path, text: fromDisk.text });
  }
  return out;
}
