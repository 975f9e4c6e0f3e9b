/**
 * The pipeline from files to findings, shared by the command line and the language server: load (refusing
 * what cannot be analysed), group into canisters, run the frontends, analyse once, run the rules.
 */
import { analyzeMotokoFiles } from '../languages/motoko';
import { analyze, type Analysis } from '../model/analysis';
import type { FileModel } from '../model/ir';
import type { SourceFile } from '../model/source';
import { runRules } from '../rules/registry';
import type { Finding } from '../rules/types';
import { motokoPackagesFor, motokoProjectOf, rustCrateOf } from './canisters';
import { analyzeRustSources } from './analyze-rust';
import { checkText, DEFAULT_MAX_FILE_SIZE, loadSource } from './load';
import { languageOf, skippedModel } from './file-models';

export { languageOf, skippedModel };

export interface WorkspaceOptions {
  maxFileSize?: number;
  extraCallFunctions?: string[];
  /** Reads files that are not among the inputs (Motoko imports, Rust dependency crates); defaults to the file system. */
  readFile?: (absPath: string) => string | undefined;
  /** Reports an internal error of one part without losing the others' results. */
  onInternalError?: (where: string, err: unknown) => void;
}

export interface WorkspaceResult {
  files: FileModel[];
  analysis: Analysis;
  findings: Finding[];
}

/** Analyses files from disk. */
export async function analyzePaths(
  paths: string[],
  options: WorkspaceOptions = {},
): Promise<WorkspaceResult> {
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const sources: SourceFile[] = [];
  const skipped: FileModel[] = [];
  for (const path of paths) {
    const loaded = loadSource(path, max);
    if (loaded.ok) sources.push({ path, text: loaded.text });
    else skipped.push(skippedModel(path, loaded.reason));
  }
  const result = await analyzeSources(sources, options);
  const files = [...skipped, ...result.files].sort((a, b) => a.file.localeCompare(b.file));
  return { ...result, files };
}

/** Analyses in-memory sources (the language server's open documents plus files read from disk). */
export async function analyzeSources(
  sources: SourceFile[],
  options: WorkspaceOptions = {},
): Promise<WorkspaceResult> {
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
        }),
      );
    } catch (err) {
      options.onInternalError?.(`motoko frontend (${project || 'no project'})`, err);
      models.push(
        ...files.map((f) => skippedModel(f.path, `internal error in the Motoko analysis: ${String(err)}`)),
      );
    }
  }
  const files = models.sort((a, b) => a.file.localeCompare(b.file));
  const analysis = analyze(files);
  const findings = runRules(analysis, (rule, err) => options.onInternalError?.(`rule ${rule}`, err));
  return { files, analysis, findings };
}
