/** Custom requests between the VS Code client (and the timeline webview) and the server. Plain data only. */
import type { CommitKind, EntryKind } from './model/ir';

export const CommitPointsRequests = {
  /** Entry points and commit points of one file, for the client's commands and the timeline panel. */
  summary: 'commitPoints/summary',
} as const;

export interface AnalysisSummary {
  file: string;
  entryPoints: {
    name: string;
    kind: EntryKind;
    segments: number;
    commitPoints: { line: number; kind: CommitKind; reason: string; interleavers: string[] }[];
  }[];
  findings: number;
}
