/** Custom requests between the VS Code client (and the timeline webview) and the server. Plain data only. */
import type { CommitKind, EntryKind } from './model/ir';
import type { Policy, Simulation, SourceSpan, StepSource } from './schedule/types';

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
  /** Instances of the chosen entry point in the default scenario (default 2). */
  count?: number;
  policy: Policy;
}

/** An entry point's lines in the file (0-based, inclusive). */
export interface EntryRange {
  name: string;
  startLine: number;
  endLine: number;
}

export type SimulateResult =
  | {
      simulation: Simulation;
      scenario: string;
      /** Where each step's code is. */
      sources?: StepSource[];
      /** The entry point the scenario is about, and every entry point of the file with its lines. */
      focus?: string;
      entryPoints?: EntryRange[];
    }
  | { error: string };

/** Messages from the extension to the timeline webview. */
export type PanelMessage =
  | { type: 'simulation'; result: SimulateResult; file: string }
  /** Whether the panel follows the editor (the pin), as the extension sees it. */
  | { type: 'following'; following: boolean };

/** Messages from the timeline webview to the extension. */
export type PanelRequest =
  /** Reveal this code in the editor (a step or commit point was activated). */
  | { type: 'reveal'; span: SourceSpan }
  /** The pin: stop (or resume) following the active editor and the method under the cursor. */
  | { type: 'pin'; pinned: boolean }
  /** How many messages of the method the default scenario runs (the panel's input). */
  | { type: 'count'; count: number }
  /** The webview (re)loaded and wants the current content. */
  | { type: 'ready' };

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
