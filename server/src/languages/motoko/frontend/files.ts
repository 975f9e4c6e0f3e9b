/** The files of one analysis: parsed once, found by absolute path, and import paths resolved to them. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SourceFile } from '../../../model/source';
import { LineIndex } from '../../../text/positions';
import type * as A from '../ast';
import { parseMotoko, type ParseError, type ParseResult } from '../parser';

export interface FileInfo {
  /** Path as given (reported to the user). */
  path: string;
  abs: string;
  text: string;
  lines: LineIndex;
  program: A.Program;
  errors: ParseError[];
}

export interface FileSetOptions {
  readFile?: (absPath: string) => string | undefined;
  packages?: Record<string, string>;
  /** Parses a file, from a cache that outlives the analysis (the language server's); default: parse it. */
  parse?: (absPath: string, text: string) => ParseResult;
}

export type ImportTarget = { file: FileInfo } | { error: string } | { library: string };

/** Base/core library paths whose semantics the frontend knows by name (no source needed). */
export function isStandardLibrary(importPath: string): boolean {
  return /^mo:(base|core|prim|⛔)(\/|$)/.test(importPath);
}

export class FileSet {
  private readonly byAbs = new Map<string, FileInfo | null>();
  /** Imports already resolved, per importing file: the same import is looked up at every use of its module. */
  private readonly resolved = new WeakMap<FileInfo, Map<string, ImportTarget>>();

  constructor(
    files: SourceFile[],
    private readonly options: FileSetOptions,
  ) {
    for (const f of files) {
      const abs = path.resolve(f.path);
      if (!this.byAbs.has(abs)) this.byAbs.set(abs, makeFile(f.path, abs, f.text, options.parse));
    }
  }

  /** Every file read so far (the analysed ones first). */
  all(): FileInfo[] {
    return [...this.byAbs.values()].filter((f): f is FileInfo => f !== null);
  }

  get(p: string): FileInfo | undefined {
    return this.load(path.resolve(p));
  }

  private load(abs: string): FileInfo | undefined {
    const known = this.byAbs.get(abs);
    if (known !== undefined) return known ?? undefined;
    let text: string | undefined;
    try {
      // Like the compiler, an import outside the analysed files is read from disk unless told otherwise.
      text = this.options.readFile ? this.options.readFile(abs) : readFileSync(abs, 'utf8');
    } catch {
      text = undefined;
    }
    const info = text === undefined ? null : makeFile(abs, abs, text, this.options.parse);
    this.byAbs.set(abs, info);
    return info ?? undefined;
  }

  /** Resolves `import M "<importPath>"` written in `from`. */
  resolveImport(from: FileInfo, importPath: string): ImportTarget {
    let known = this.resolved.get(from);
    if (!known) this.resolved.set(from, (known = new Map<string, ImportTarget>()));
    let target = known.get(importPath);
    if (!target) known.set(importPath, (target = this.resolveAnew(from, importPath)));
    return target;
  }

  private resolveAnew(from: FileInfo, importPath: string): ImportTarget {
    if (importPath.startsWith('mo:')) {
      const rest = importPath.slice(3);
      const slash = rest.indexOf('/');
      const pkg = slash < 0 ? rest : rest.slice(0, slash);
      const sub = slash < 0 ? 'lib' : rest.slice(slash + 1);
      const root = this.options.packages?.[pkg];
      if (root === undefined) {
        if (isStandardLibrary(importPath)) return { library: importPath };
        return { error: `package \`${pkg}\` is not configured (mops.toml / dfx.json)` };
      }
      const found = this.firstOf([path.join(root, `${sub}.mo`), path.join(root, sub, 'lib.mo')]);
      return found ? { file: found } : { error: `\`${importPath}\` was not found under ${root}` };
    }
    if (/^(ic|canister):/.test(importPath)) return { error: `\`${importPath}\` is a canister import` };
    const base = path.resolve(path.dirname(from.abs), importPath);
    const candidates = importPath.endsWith('.mo') ? [base] : [`${base}.mo`, path.join(base, 'lib.mo')];
    const found = this.firstOf(candidates);
    return found ? { file: found } : { error: `\`${importPath}\` could not be read` };
  }

  /** A file of a `mo:` package (a library, not the workspace's own code). */
  inPackage(file: FileInfo): boolean {
    let known = this.packaged.get(file);
    if (known === undefined) {
      const roots = Object.values(this.options.packages ?? {});
      known = roots.some((r) => {
        const rel = path.relative(path.resolve(r), file.abs);
        return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
      });
      this.packaged.set(file, known);
    }
    return known;
  }

  /** `inPackage`'s answers: asked at every call of a function of the workspace. */
  private readonly packaged = new WeakMap<FileInfo, boolean>();

  private firstOf(candidates: string[]): FileInfo | undefined {
    for (const c of candidates) {
      const f = this.load(c);
      if (f) return f;
    }
    return undefined;
  }
}

function makeFile(p: string, abs: string, text: string, parse?: FileSetOptions['parse']): FileInfo {
  const { program, errors } = parse ? parse(abs, text) : parseMotoko(text);
  return { path: p, abs, text, lines: new LineIndex(text), program, errors };
}
