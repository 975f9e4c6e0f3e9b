/** The `--format json` report: exactly the contract of SPEC §8 (1-based lines, 1-based UTF-16 columns). */
import type { Analysis } from '../model/analysis';
import { stateName, type FileModel } from '../model/ir';
import type { Finding, Severity } from '../rules/types';
import { toOneBased } from '../text/positions';

export interface JsonReport {
  version: 1;
  files: {
    path: string;
    language: 'motoko' | 'rust';
    parseErrors: number;
    skipped?: string;
    /** The file is not canister code (a host tool, a test target): it has no annotations. */
    notCanisterCode?: string;
    notices?: { line: number; column: number; message: string }[];
  }[];
  entryPoints: {
    file: string;
    name: string;
    kind: string;
    line: number;
    commitPoints: { line: number; column: number; kind: 'commit' | 'maybe' | 'none'; reason: string }[];
    segments: { index: number; reads: string[]; writes: string[] }[];
    /** Why its exposure was not computed (the memory budget); absent when it was. */
    exposureSkipped?: string;
  }[];
  findings: {
    rule: string;
    severity: Severity;
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    entryPoint: string;
    state: string[];
    commitPointLine: number | null;
    message: string;
    related: { file: string; line: number; message: string }[];
  }[];
}

const uniqueSorted = (names: string[]) => [...new Set(names)].sort();

export function jsonReport(files: FileModel[], analysis: Analysis, findings: Finding[]): JsonReport {
  return {
    version: 1,
    files: files.map((f) => ({
      path: f.file,
      language: f.language,
      parseErrors: f.parseErrors.length,
      ...(f.skipped !== undefined ? { skipped: f.skipped } : {}),
      ...(f.notCanisterCode !== undefined ? { notCanisterCode: f.notCanisterCode } : {}),
      ...(f.notices?.length
        ? {
            notices: f.notices.map((n) => ({ ...toOneBased(n.range.start), message: n.message })),
          }
        : {}),
    })),
    entryPoints: analysis.entryPoints.map((e) => ({
      file: e.file,
      name: e.ir.name,
      kind: e.ir.kind,
      line: e.ir.nameRange.start.line + 1,
      commitPoints: e.commitPoints.map((cp) => ({
        ...toOneBased(cp.await.range.start),
        kind: cp.await.commit,
        reason: cp.await.reason,
      })),
      segments: e.segments.map((s) => ({
        index: s.index,
        reads: uniqueSorted(s.reads.map((a) => stateName(a.state))),
        writes: uniqueSorted(s.writes.map((a) => stateName(a.state))),
      })),
      ...(e.exposureSkipped !== undefined ? { exposureSkipped: e.exposureSkipped } : {}),
    })),
    findings: findings.map((f) => {
      const start = toOneBased(f.range.start);
      const end = toOneBased(f.range.end);
      return {
        rule: f.rule,
        severity: f.severity,
        file: f.file,
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        entryPoint: f.entryPoint,
        state: f.state,
        commitPointLine: f.commitPoint ? f.commitPoint.start.line + 1 : null,
        message: f.message,
        related: f.related.map((r) => ({ file: r.file, line: r.range.start.line + 1, message: r.message })),
      };
    }),
  };
}
