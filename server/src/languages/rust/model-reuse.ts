/**
 * What lets a caller keep file models between analyses (the language server, after a keystroke): the summaries
 * and guards each file's lowering read, so that a model made earlier can be shown to be what lowering the file
 * again would make. Deciding that is the caller's (workspace/rust-model-cache.ts); this only records.
 */
import type { AwaitAnnotation, EntryPointIR, FileModel, Notice } from '../../model/ir';
import type { CrateIndex, FnInfo } from './crate-index';
import type { GuardInfo, GuardLookup } from './guards';
import type { FnFacts, FnSummary, SummaryMap } from './summaries';

export interface FileReads {
  summaries: Set<FnInfo>;
  guards: Set<FnInfo>;
}

/** What lowering one function for its file's model added to the file (`FileOut`), and its entry point. */
export interface FunctionOutput {
  /** The file's next await id after it (ids count on from function to function). */
  nextId: number;
  awaits: AwaitAnnotation[];
  spawned: EntryPointIR[];
  notices: Notice[];
  entry?: EntryPointIR;
}

/** Keeps the outputs of functions lowered for their file's model, for the files that are lowered again. */
export interface FunctionOutputs {
  /** An output kept earlier that lowering `fn` now, its await ids starting at `firstId`, would give again. */
  reuseFunction(fn: FnInfo, firstId: number): { output: FunctionOutput; reads: FileReads } | undefined;
  keepFunction(fn: FnInfo, firstId: number, output: FunctionOutput, read: FileReads): void;
}

export function addReads(into: FileReads, from: FileReads): void {
  for (const f of from.summaries) into.summaries.add(f);
  for (const f of from.guards) into.guards.add(f);
}

/**
 * Keeps file models, and the facts each function's lowering gave the summaries, between analyses of one
 * workspace unit.
 */
export interface RustModelStore extends FunctionOutputs {
  /** The crate indexes kept from the previous analysis of the unit, if any (see index-reuse.ts). */
  keptIndexes(): CrateIndex[] | undefined;
  /** Keeps this analysis's indexes (`reused`: the kept ones, brought up to date) for the next (undefined: none). */
  keepIndexes(indexes: CrateIndex[] | undefined, reused: boolean): void;
  /** This analysis's functions, all crates, in index order: called first. */
  begin(fns: FnInfo[]): void;
  /** Facts kept from an earlier analysis that lowering `fn` with `current` would give again, if there are. */
  reuseFacts(fn: FnInfo, current: SummaryMap): FnFacts | undefined;
  /** Keeps the facts of a summary lowering made now, with the summaries it read (their values in `current`). */
  keepFacts(fn: FnInfo, facts: FnFacts, read: Set<FnInfo>, current: SummaryMap): void;
  /** The summary of facts this store gave or kept: made once per kept facts. */
  summaryOf(fn: FnInfo, facts: FnFacts, make: (fn: FnInfo, facts: FnFacts) => FnSummary): FnSummary;
  /** The settled summaries and the guards, before any model is asked for. */
  settled(summaries: SummaryMap, guards: Map<FnInfo, GuardInfo>): void;
  /** A model kept from an earlier analysis that lowering the file now would make again, if there is one. */
  reuse(path: string, text: string): FileModel | undefined;
  /** Keeps a model made now, with what its lowering read. */
  keep(path: string, text: string, model: FileModel, read: FileReads): void;
}

/** A read-only view of a map that notes every key asked for (lowering only calls `get`). */
export class ReadRecorder<K, V> extends Map<K, V> {
  constructor(
    private readonly inner: Map<K, V>,
    private readonly reads: Set<K>,
  ) {
    super();
  }
  override get(key: K): V | undefined {
    this.reads.add(key);
    return this.inner.get(key);
  }
  override has(key: K): boolean {
    this.reads.add(key);
    return this.inner.has(key);
  }
  override get size(): number {
    return this.inner.size;
  }
}

/** The environment parts a file's lowering reads, recording into `reads`. */
export function recordingMaps(
  summaries: SummaryMap,
  guards: GuardLookup,
  reads: FileReads,
): { summaries: Map<FnInfo, FnSummary>; guards: GuardLookup } {
  return {
    summaries: new ReadRecorder(summaries, reads.summaries),
    guards: {
      get(fn: FnInfo): GuardInfo | undefined {
        reads.guards.add(fn);
        return guards.get(fn);
      },
    },
  };
}
