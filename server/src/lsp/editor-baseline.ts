/**
 * The `commitPoints.baseline` setting: findings recorded in a baseline file (`check --write-baseline`) are not
 * shown in the editor either, matched by the same stable fingerprints as `check --baseline`.
 */
import { statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { BaselineError, newFindings, readBaseline } from '../config/baseline';
import type { Finding } from '../rules/types';

export class EditorBaseline {
  /** The last file read, reread when its modification time changes (a baseline written again). */
  private cached: { path: string; mtimeMs: number; known: Set<string> } | undefined;
  private lastError: string | undefined;

  constructor(private readonly log: (message: string) => void) {}

  /**
   * The findings of one file that `setting` (a path, relative to `root`; empty for none) does not record.
   * `lineText(f)` is the text of the finding's first line, as analysed. A missing or bad baseline hides nothing
   * and is logged once.
   */
  filter(
    findings: Finding[],
    setting: string,
    root: string | undefined,
    lineText: (f: Finding) => string | undefined,
  ): Finding[] {
    if (!setting || !findings.length) return findings;
    const path = isAbsolute(setting) || !root ? resolve(setting) : resolve(root, setting);
    const known = this.read(path);
    return known ? newFindings(findings, path, known, lineText) : findings;
  }

  private read(path: string): Set<string> | undefined {
    try {
      const { mtimeMs } = statSync(path);
      if (this.cached?.path !== path || this.cached.mtimeMs !== mtimeMs)
        this.cached = { path, mtimeMs, known: readBaseline(path) };
      this.lastError = undefined;
      return this.cached.known;
    } catch (err) {
      const message =
        err instanceof BaselineError
          ? err.message
          : `cannot read the baseline ${path}: ${(err as Error).message}`;
      if (message !== this.lastError) this.log(`commitPoints.baseline: ${message}; no finding is hidden`);
      this.lastError = message;
      return undefined;
    }
  }
}

/**
 * The file-watch glob that reports changes of the baseline named by `setting` (empty: none). Matched by name
 * anywhere, since clients differ in how they root a relative pattern: a spurious match only re-analyses.
 */
export function baselineWatchGlob(setting: string): string | undefined {
  return setting ? `**/${basename(setting)}` : undefined;
}
