/**
 * The Rust part of the pipeline: the crates of the files asked for are grouped by Cargo workspace, each group
 * is completed with the crates it reaches by `path =` (read from the editor or disk, not reported on), and
 * each group is analysed as one unit (SPEC §2).
 */
import { join } from 'node:path';
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

/** `asked`: the files asked for, by crate folder. Models are returned for those files only. */
export async function analyzeRustSources(
  asked: Map<string, SourceFile[]>,
  maxFileSize: number,
  options: WorkspaceOptions,
): Promise<FileModel[]> {
  const units = [...rustUnits([...asked.keys()], manifestReader()).values()].map((unit) => ({
    root: unit.root,
    crates: [...unit.crates.values()].map((crate): RustCrateInput & { report: Set<string> } => {
      const mine = unit.asked.has(crate.dir) ? asked.get(crate.dir) : undefined;
      // A crate reached only as a dependency is read from the editor or disk and not reported on.
      const files = mine ?? dependencySources(crate.dir, maxFileSize, options.readFile);
      return {
        dir: crate.dir,
        files,
        name: crate.name,
        closed: crate.closed,
        deps: crate.deps,
        report: new Set(mine?.map((f) => f.path) ?? []),
      };
    }),
  }));
  // Facades (`pub use ic_cdk::*`) are known by their path, whichever crate declares them.
  const all = new Map(units.flatMap((u) => u.crates.map((c) => [c.dir, c])));
  const facades = cdkFacades(
    new Map([...all].map(([dir, c]) => [dir, c.files])),
    (dir) => all.get(dir)?.name,
  );
  const models: FileModel[] = [];
  const config = options.config;
  const trees = options.rustTrees;
  if (trees && units.length) await trees.ready();
  for (const unit of units) {
    try {
      models.push(
        ...(await analyzeRustWorkspace(unit.crates, {
          extraCallFunctions: [...(options.extraCallFunctions ?? []), ...(config?.callFunctions ?? [])],
          ...(config ? { entryAttributes: config.entryAttributes } : {}),
          cdkFacades: facades,
          ...(trees
            ? { parseFile: (dir: string, path: string, text: string) => trees.parse(dir, path, text) }
            : {}),
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
