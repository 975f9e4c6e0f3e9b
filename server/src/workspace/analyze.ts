/**
 * The pipeline from files to findings, shared by the command line and the language server: load (refusing
 * what cannot be analysed), group into canisters, run the frontends, analyse once, run the rules.
 */
import { analyze, type Analysis } from '../model/analysis';
import type { FileModel, StatePath } from '../model/ir';
import type { SourceFile } from '../model/source';
import { runRules } from '../rules/registry';
import { applyProjectConfig, stateMatcher } from '../config/apply-config';
import type { ProjectConfig } from '../config/project-config';
import { stateName } from '../model/ir';
import type { Finding } from '../rules/types';
import { DEFAULT_MAX_FILE_SIZE, loadSource } from './load';
import { frontendModels } from './frontends';
import { frontendsInWorkers } from './frontend-jobs';
import type { MotokoParseCache } from './motoko-parse-cache';
import type { MotokoLoweringReuse } from '../languages/motoko/frontend/lowering-reuse';
import type { RustTreeCache } from './rust-tree-cache';
import type { RustModelCache } from './rust-model-cache';
import { languageOf, skippedModel } from './file-models';
import { memoryBudget } from './memory-budget';
import { markPhase } from './timings';
import type { AnalysisReuse } from './analysis-reuse';

export { languageOf, skippedModel };

export interface WorkspaceOptions {
  maxFileSize?: number;
  extraCallFunctions?: string[];
  /** Reads files that are not among the inputs (Motoko imports, Rust dependency crates); defaults to the file system. */
  readFile?: (absPath: string) => string | undefined;
  /** Reports an internal error of one part without losing the others' results. */
  onInternalError?: (where: string, err: unknown) => void;
  /** The project file (`commit-points.toml`) and the inline suppressions filter the findings when given. */
  config?: ProjectConfig;
  /** Rust parse trees kept between analyses (the language server's), so unchanged files are not re-parsed. */
  rustTrees?: RustTreeCache;
  /** Rust file models kept between analyses (the language server's), so unchanged files are not lowered again. */
  rustModels?: RustModelCache;
  /** Motoko parse results kept between analyses (the language server's), so imports are not re-parsed. */
  motokoParses?: MotokoParseCache;
  /** Motoko lowerings kept between analyses (the language server's), so unchanged actor fields are not lowered again. */
  motokoLowerings?: MotokoLoweringReuse;
  /** Heap in MB past which exposure is skipped (see `memory-budget.ts`); 0 or absent: automatic. */
  memoryBudgetMB?: number;
  /** Entry points' analyses and findings kept between analyses (the language server's). */
  analysisReuse?: AnalysisReuse;
  /**
   * Threads for the frontends (the command line's): independent parts (Cargo workspaces, Motoko projects) are
   * analysed on worker threads (`frontend-jobs.ts`). Not with caches, which live in this thread.
   */
  jobs?: number;
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
  const config = options.config;
  const threads = options.jobs ?? 1;
  const models = await (threads > 1 && !needsThisThread(options)
    ? frontendsInWorkers(sources, options, threads)
    : frontendModels(sources, options));
  const ignored = config?.ignoreState.length ? stateMatcher(config.ignoreState) : undefined;
  const reuse = options.analysisReuse;
  models.sort((a, b) => a.file.localeCompare(b.file));
  const analysis = analyze(reuse ? reuse.sameIr.canonical(models) : models, {
    ...(ignored ? { ignoredState: (s: StatePath) => ignored(stateName(s)) } : {}),
    ...(reuse ? { entries: reuse.entries } : {}),
    overBudget: memoryBudget(options.memoryBudgetMB),
  });
  markPhase('analyze');
  const findings = inTestDoubles(
    runRules(
      analysis,
      (rule, err) => options.onInternalError?.(`rule ${rule}`, err),
      reuse?.findingsFor(config?.ignoreState ?? []),
    ),
    models,
  );
  markPhase('rules');
  const files = analysis.files;
  if (!config) return { files, analysis, findings };
  const texts = new Map(sources.map((s) => [s.path, s.text]));
  const analysed = files.filter((f) => !f.skipped).map((f) => f.file);
  return { files, analysis, findings: applyProjectConfig(findings, config, analysed, (f) => texts.get(f)) };
}

function needsThisThread(options: WorkspaceOptions): boolean {
  return !!(
    options.rustTrees ||
    options.rustModels ||
    options.motokoParses ||
    options.motokoLowerings ||
    options.readFile
  );
}

/**
 * A test double (a fake canister, a mock crate) is never deployed: its findings are shown as infos, so that they
 * stay visible in its own files without counting as warnings of the project (a `[rules]` setting still applies).
 */
function inTestDoubles(findings: Finding[], models: FileModel[]): Finding[] {
  const doubles = new Set(models.filter((m) => m.testDouble).map((m) => m.file));
  if (!doubles.size) return findings;
  return findings.map((f) =>
    doubles.has(f.file) && f.severity !== 'info'
      ? { ...f, severity: 'info', message: `${f.message} (Reported as info: this crate is a test double.)` }
      : f,
  );
}
