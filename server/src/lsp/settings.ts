/** The editor settings (`commitPoints.*`), read defensively: a wrong type falls back to the default. */
import { DEFAULT_MAX_FILE_SIZE } from '../workspace/load';

export interface Settings {
  maxFileSize: number;
  /** Heap in MB past which exposure is skipped (0: automatic, see `workspace/memory-budget.ts`). */
  memoryBudgetMB: number;
  extraCallFunctions: string[];
  inlayHints: boolean;
  codeLens: boolean;
  /** Info-level findings as diagnostics (they can be many on a large codebase). */
  infoDiagnostics: boolean;
  /** A baseline file (relative to the workspace folder) whose findings are not shown; empty for none. */
  baseline: string;
}

export const defaultSettings: Settings = {
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  memoryBudgetMB: 0,
  extraCallFunctions: [],
  inlayHints: true,
  codeLens: true,
  infoDiagnostics: true,
  baseline: '',
};

interface RawSettings {
  maxFileSize?: unknown;
  memoryBudgetMB?: unknown;
  rust?: { extraCallFunctions?: unknown };
  inlayHints?: { enabled?: unknown };
  codeLens?: { enabled?: unknown };
  diagnostics?: { showInfo?: unknown };
  baseline?: unknown;
}

export function readSettings(raw: unknown): Settings {
  const cfg = (typeof raw === 'object' && raw !== null ? raw : {}) as RawSettings;
  const flag = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const calls = cfg.rust?.extraCallFunctions;
  return {
    maxFileSize: typeof cfg.maxFileSize === 'number' ? cfg.maxFileSize : DEFAULT_MAX_FILE_SIZE,
    memoryBudgetMB:
      typeof cfg.memoryBudgetMB === 'number' && cfg.memoryBudgetMB > 0 ? Math.floor(cfg.memoryBudgetMB) : 0,
    extraCallFunctions: Array.isArray(calls) ? calls.filter((c): c is string => typeof c === 'string') : [],
    inlayHints: flag(cfg.inlayHints?.enabled, true),
    codeLens: flag(cfg.codeLens?.enabled, true),
    infoDiagnostics: flag(cfg.diagnostics?.showInfo, true),
    baseline: typeof cfg.baseline === 'string' ? cfg.baseline.trim() : '',
  };
}
