/**
 * The frontends' part of the pipeline: sources grouped into Rust crates (analysed per Cargo workspace) and
 * Motoko projects, each turned into file models. Files too large are refused here with a model saying so.
 */
import { analyzeMotokoFiles } from '../languages/motoko';
import type { FileModel } from '../model/ir';
import type { SourceFile } from '../model/source';
import type { WorkspaceOptions } from './analyze';
import { analyzeRustSources } from './analyze-rust';
import { motokoPackagesFor, motokoProjectOf, rustCrateOf } from './canisters';
import { languageOf, skippedModel } from './file-models';
import { checkText, DEFAULT_MAX_FILE_SIZE } from './load';
import { markPhase } from './timings';

export async function frontendModels(sources: SourceFile[], options: WorkspaceOptions): Promise<FileModel[]> {
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const models: FileModel[] = [];
  const rust = new Map<string, SourceFile[]>();
  const motoko: SourceFile[] = [];
  const crateCache = new Map<string, string>();
  for (const src of sources) {
    const lang = languageOf(src.path);
    const size = Buffer.byteLength(src.text, 'utf8');
    if (size > max) {
      const check = checkText(new Uint8Array(size), max);
      models.push(skippedModel(src.path, check.ok ? 'too large' : check.reason));
      continue;
    }
    if (lang === 'rust') {
      const crate = rustCrateOf(src.path, crateCache);
      rust.set(crate, [...(rust.get(crate) ?? []), src]);
    } else if (lang === 'motoko') motoko.push(src);
  }
  markPhase('group');
  models.push(...(await analyzeRustSources(rust, max, options)));
  // Motoko files are analysed per project (its `mo:` packages), each actor file being its own canister.
  const projects = new Map<string, SourceFile[]>();
  for (const src of motoko) {
    const project = motokoProjectOf(src.path);
    projects.set(project, [...(projects.get(project) ?? []), src]);
  }
  for (const [project, files] of projects) {
    try {
      const packages = motokoPackagesFor(files[0].path);
      models.push(
        ...analyzeMotokoFiles(files, {
          packages,
          ...(options.readFile ? { readFile: options.readFile } : {}),
          ...(options.motokoParses ? { parse: options.motokoParses.parse.bind(options.motokoParses) } : {}),
          ...(options.motokoLowerings ? { lowerings: options.motokoLowerings } : {}),
        }),
      );
    } catch (err) {
      options.onInternalError?.(`motoko frontend (${project || 'no project'})`, err);
      models.push(
        ...files.map((f) => skippedModel(f.path, `internal error in the Motoko analysis: ${String(err)}`)),
      );
    }
  }
  markPhase('motoko');
  return models;
}
