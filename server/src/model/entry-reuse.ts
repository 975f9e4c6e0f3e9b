/**
 * What the language server keeps of an analysis for the next one (a keystroke later): each entry point's own
 * analysis (CFG, accesses, segments, commit points, locks), which depends on its IR and file only. The Rust
 * frontend hands back the very same IR object for a function an edit did not change, so an entry point whose IR
 * object comes again is not analysed again; only its interleavers, which depend on the others, are.
 *
 * Each analysis gets its own copy of the entry point and its commit points (interleavers are set on those), the
 * rest is shared: the previous analysis, which the server may still show, is never changed.
 */
import type { CommitPointInfo, EntryAnalysis } from './analysis';
import { NO_EXPOSURE } from './exposure';
import type { EntryPointIR, FileModel } from './ir';

interface Kept {
  file: string;
  canister: string;
  language: FileModel['language'];
  /** The entry point as analysed, before any interleaver was set. */
  entry: EntryAnalysis;
}

export class EntryReuse {
  private readonly kept = new WeakMap<EntryPointIR, Kept>();
  /** Each analysis's copy → the kept analysis it is a copy of. */
  private readonly origins = new WeakMap<EntryAnalysis, EntryAnalysis>();
  /** Entry points analysed and reused since the start. */
  readonly stats = { analysed: 0, reused: 0 };

  /** The analysis of `ir` in `file`: a copy of the kept one when there is one, else `analyse()`'s, kept. */
  entryFor(file: FileModel, ir: EntryPointIR, analyse: () => EntryAnalysis): EntryAnalysis {
    const k = this.kept.get(ir);
    if (k && k.file === file.file && k.canister === file.canister && k.language === file.language) {
      this.stats.reused++;
      return this.copyOf(k.entry);
    }
    this.stats.analysed++;
    const entry = analyse();
    this.kept.set(ir, { file: file.file, canister: file.canister, language: file.language, entry });
    return this.copyOf(entry);
  }

  /**
   * The kept analysis `entry` is a copy of: the same object for every analysis that reused it, so it stands for
   * "this entry point's own analysis did not change". Undefined for an entry point not analysed through here.
   */
  originOf(entry: EntryAnalysis): EntryAnalysis | undefined {
    return this.origins.get(entry);
  }

  private copyOf(entry: EntryAnalysis): EntryAnalysis {
    const copy: EntryAnalysis = { ...entry, commitPoints: entry.commitPoints.map(freshCommitPoint) };
    this.origins.set(copy, entry);
    return copy;
  }
}

/** A commit point without interleavers (they are set per analysis); its own facts are shared. */
function freshCommitPoint(cp: CommitPointInfo): CommitPointInfo {
  return { ...cp, touching: [], exposure: NO_EXPOSURE, interleavers: [] };
}
