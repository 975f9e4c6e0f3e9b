/**
 * A baseline lets a team adopt the tool on a large codebase: the findings of today are recorded once, and later
 * runs report only new ones. Findings are identified by their stable fingerprints, computed with paths relative
 * to the baseline file's folder so that the file works from any working directory and in any checkout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Finding } from '../rules/types';
import { fingerprints } from './fingerprints';

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  entryPoint: string;
  /** For the reader of the file; matching uses only the fingerprint. */
  message: string;
}

export interface Baseline {
  version: 1;
  tool: 'commit-points';
  findings: BaselineEntry[];
}

export class BaselineError extends Error {}

/** The fingerprints of findings as a baseline at `baselineFile` records them. */
export function baselineFingerprints(
  findings: Finding[],
  baselineFile: string,
  lineText: (f: Finding) => string | undefined,
): string[] {
  const dir = dirname(resolve(baselineFile));
  return fingerprints(findings, (f) => ({
    relPath: relative(dir, resolve(f.file)).split(sep).join('/'),
    lineText: lineText(f),
  }));
}

export function writeBaseline(
  baselineFile: string,
  findings: Finding[],
  lineText: (f: Finding) => string | undefined,
): number {
  const fps = baselineFingerprints(findings, baselineFile, lineText);
  const dir = dirname(resolve(baselineFile));
  const baseline: Baseline = {
    version: 1,
    tool: 'commit-points',
    findings: findings.map((f, i) => ({
      fingerprint: fps[i],
      rule: f.rule,
      file: relative(dir, resolve(f.file)).split(sep).join('/'),
      entryPoint: f.entryPoint,
      message: f.message,
    })),
  };
  try {
    writeFileSync(baselineFile, JSON.stringify(baseline, null, 2) + '\n');
  } catch (err) {
    throw new BaselineError(`cannot write the baseline ${baselineFile}: ${(err as Error).message}`);
  }
  return findings.length;
}

export function readBaseline(baselineFile: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(baselineFile, 'utf8'));
  } catch (err) {
    throw new BaselineError(`cannot read the baseline ${baselineFile}: ${(err as Error).message}`);
  }
  const b = data as Partial<Baseline> | null;
  if (b?.version !== 1 || b.tool !== 'commit-points' || !Array.isArray(b.findings))
    throw new BaselineError(
      `${baselineFile} is not a commit-points baseline (expected {"version": 1, "tool": "commit-points", "findings": […]}; write one with --write-baseline)`,
    );
  return new Set(
    b.findings
      .map((e: Partial<BaselineEntry>) => e.fingerprint)
      .filter((x): x is string => typeof x === 'string'),
  );
}

/** The findings the baseline does not record. */
export function newFindings(
  findings: Finding[],
  baselineFile: string,
  known: Set<string>,
  lineText: (f: Finding) => string | undefined,
): Finding[] {
  const fps = baselineFingerprints(findings, baselineFile, lineText);
  return findings.filter((_, i) => !known.has(fps[i]));
}
