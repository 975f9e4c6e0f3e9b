/**
 * The Motoko frontend's public API: Motoko source files → the commit-point model (`model/ir.ts`).
 * Parsing is our own tolerant parser (`parser.ts`); lowering lives in `frontend/`.
 */
import type { FileModel } from '../../model/ir';
import type { SourceFile } from '../../model/source';
import { analyzeFile } from './frontend/analyze-file';
import { FileSet } from './frontend/files';
import type { MotokoLoweringReuse } from './frontend/lowering-reuse';
import type { ParseResult } from './parser';
import { markPhase } from '../../workspace/timings';

export interface MotokoOptions {
  /** Reads a file that is not among the given ones (imports); undefined when it does not exist. */
  readFile?: (absPath: string) => string | undefined;
  /** `mo:` package name → source folder (absolute), from mops.toml / dfx.json, found by the caller */
  packages?: Record<string, string>;
  /** Parses a file, from a cache that outlives the analysis (the language server's); default: parse it. */
  parse?: (absPath: string, text: string) => ParseResult;
  /** The lowering kept from the previous analysis (the language server's): unchanged fields are not lowered again. */
  lowerings?: MotokoLoweringReuse;
}

/** One `FileModel` per given file, in the given order. Never throws. */
export function analyzeMotokoFiles(files: SourceFile[], options: MotokoOptions = {}): FileModel[] {
  const set = new FileSet(files, options);
  markPhase('motoko-parse');
  return files.map((f) => {
    try {
      const info = set.get(f.path);
      if (!info) return failed(f, 'the file could not be read');
      const modules = { files: set };
      return options.lowerings
        ? options.lowerings.analyze(info, modules, JSON.stringify(options.packages ?? {}))
        : analyzeFile(info, modules);
    } catch (e) {
      return failed(f, `internal error while analysing: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

function failed(f: SourceFile, why: string): FileModel {
  return {
    file: f.path,
    language: 'motoko',
    canister: f.path,
    parseErrors: [],
    skipped: why,
    entryPoints: [],
    awaits: [],
    stateDecls: [],
  };
}
