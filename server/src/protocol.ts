/** Custom requests between the VS Code client (and the timeline webview) and the server. Plain data only. */
import type { CommitKind, EntryKind } from './model/ir';
import type { Policy, Simulation } from './schedule/types';

export const CommitPointsRequests = {
  /** Entry points and commit points of one file, for the client's commands and the timeline panel. */
  summary: 'commitPoints/summary',
  /** Runs a scenario on the canister of a file (the timeline panel). */
  simulate: 'commitPoints/simulate',
} as const;

/** Notifications from the server, sent only to clients that ask for them in `initializationOptions`. */
export const CommitPointsNotifications = {
  /** Whether an analysis runs, and the last failure (the status bar item). */
  status: 'commitPoints/status',
} as const;

export interface AnalysisStatus {
  state: 'analysing' | 'idle' | 'failed';
  message: string;
}

export interface SimulateParams {
  uri: string;
  /** Entry point names with counts; default: the entry point at `line` (or the first with a commit point) twice,
   * plus each entry point that can interleave it once. */
  scenario?: { name: string; count: number }[];
  /** 0-based line of the cursor, to choose the entry point. */
  line?: number;
  policy: Policy;
}

export type SimulateResult = { simulation: Simulation; scenario: string } | { error: string };

/** Messages from the extension to the timeline webview. */
export type PanelMessage = { type: 'simulation'; result: SimulateResult; file: string };

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
