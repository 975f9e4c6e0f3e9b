/**
 * A commit point's exposure to the entry points that may run while it is suspended, read from the canister's
 * state index (state-index.ts) without building one interleaver per entry point that touches its state: an
 * actor whose entry points all share state has commit points × entry points of those, each with its groups.
 *
 * The commit point keeps the keys (state location and kind) it conflicts with and its accesses each meets.
 * The questions rules ask (who writes this state openly, who reads what is in flight) are answered from the
 * keys' entry points; an interleaver and its groups are made only for an entry point someone asks about, and
 * the whole `touching` list only when asked for (the hover, the code lens, the editor's findings reuse).
 */
import type { Access, CommitPointInfo, Conflict, EntryAnalysis, Interleaver, LockInfo } from './analysis';
import {
  groupsOfEntry,
  sameState,
  sameSub,
  spellOut,
  type ConflictGroup,
  type KeyConflict,
} from './state-index';
import type { StatePath } from './ir';

/** The entry points of a canister that can run at a commit point, with their positions (the list's order). */
export interface Candidates {
  list: EntryAnalysis[];
  position: Map<EntryAnalysis, number>;
}

/** An interleaver that reads what the method wrote before its commit point, with its first such group. */
export interface Reader {
  interleaver: Interleaver;
  firstRead: ConflictGroup;
}

export class Exposure {
  private readonly made = new Map<EntryAnalysis, Touching>();
  private all?: Touching[];
  private readonly keysWith = new Map<Access, KeyConflict[]>();

  constructor(
    readonly keys: readonly KeyConflict[],
    private readonly candidates: Candidates,
    readonly held: LockInfo[],
  ) {}

  /** The entry points that touch the commit point's state, each once, in the canister's order. */
  entries(keys: readonly KeyConflict[] = this.keys): EntryAnalysis[] {
    const marked = new Uint8Array(this.candidates.list.length);
    for (const k of keys) for (const e of k.key.byEntry.keys()) marked[this.candidates.position.get(e)!] = 1;
    const out: EntryAnalysis[] = [];
    marked.forEach((m, i) => {
      if (m) out.push(this.candidates.list[i]);
    });
    return out;
  }

  /** Every conflicting interleaver, in the canister's order. */
  touching(): Interleaver[] {
    return (this.all ??= this.entries().map((e) => this.interleaver(e)));
  }

  /** The interleaver `entry` is here (it must touch the commit point's state). */
  interleaver(entry: EntryAnalysis): Touching {
    let i = this.made.get(entry);
    if (!i) this.made.set(entry, (i = new Touching(entry, this)));
    return i;
  }

  /** The keys that conflict with the method's access `mine`. */
  keysWithMine(mine: Access): KeyConflict[] {
    let keys = this.keysWith.get(mine);
    if (!keys) this.keysWith.set(mine, (keys = this.keys.filter((k) => k.mine.includes(mine))));
    return keys;
  }

  /**
   * Interleavers that write `mine`'s state where no held lock rules it out: `touching` so filtered, in its
   * order. An entry point of a write key that conflicts with `mine` writes it; only when both sides hold locks
   * are its groups asked whether a lock rules that out.
   */
  writers(mine: Access): Interleaver[] {
    let found = this.writersOf.get(mine);
    if (!found) {
      const writes = this.keysWithMine(mine).filter((k) => k.key.kind === 'write');
      found = this.entries(writes)
        .map((e) => this.interleaver(e))
        .filter((i) => !this.locked(i.entry) || (!i.excludedByLock && i.writesOpenly(mine)));
      this.writersOf.set(mine, found);
    }
    return found;
  }

  private readonly writersOf = new Map<Access, Interleaver[]>();

  /** Both the commit point and `entry` hold locks: only then can a lock rule out a conflict. */
  locked(entry: EntryAnalysis): boolean {
    return this.held.length > 0 && entry.locks.length > 0;
  }

  /**
   * The other entry points (not named `method`, not held off by a lock) whose reads meet in-flight writes
   * (reads-in-flight-write): how many, the first `max` of them with their first such group, and the writes
   * they see, each once in first-seen order (interleavers in order, each one's groups in order). The groups of
   * one key share one list of the method's writes, so each list is walked once, and the walk stops when every
   * list has been. No interleaver is made for a reader past the first `max` unless a lock must be asked.
   */
  readers(method: string, max: number): { count: number; first: Reader[]; written: Set<Access> } {
    const reads = this.keys.filter((k) => k.key.kind === 'read');
    const written = new Set<Access>();
    const first: Reader[] = [];
    let count = 0;
    const walked = new Set<readonly Access[]>();
    for (const e of this.entries(reads)) {
      if (e.ir.name === method) continue;
      if (this.locked(e) && this.interleaver(e).excludedByLock) continue;
      count++;
      if (first.length < max)
        first.push({ interleaver: this.interleaver(e), firstRead: groupsOfEntry(reads, e)[0] });
      if (walked.size === reads.length) continue;
      for (const g of groupsOfEntry(reads, e)) {
        if (walked.has(g.mine)) continue;
        walked.add(g.mine);
        for (const w of g.mine) written.add(w);
      }
    }
    return { count, first, written };
  }
}

/** No exposure: a commit point that is none, or whose exposure was not computed. */
export const NO_EXPOSURE = new Exposure([], { list: [], position: new Map() }, []);

/**
 * A conflicting interleaver. Its groups, segments and spelled-out conflicts are worked out on first use; whether
 * a lock excludes it or it writes a state openly needs its groups only when both sides hold locks.
 */
export class Touching implements Interleaver {
  readonly harmless = false;
  private all?: ConflictGroup[];
  private segs?: number[];
  private spelled?: Conflict[];
  private excluded?: boolean;

  constructor(
    readonly entry: EntryAnalysis,
    private readonly exposure: Exposure,
  ) {}

  get groups(): ConflictGroup[] {
    return (this.all ??= groupsOfEntry(this.exposure.keys, this.entry));
  }

  /** Its groups that conflict with the method's access `mine`, in its order. */
  groupsWith(mine: Access): ConflictGroup[] {
    if (this.all) return this.all.filter((g) => g.mine.includes(mine));
    return groupsOfEntry(this.exposure.keysWithMine(mine), this.entry);
  }

  /** Locks rule out conflicts one by one (a per-caller guard only the same caller's): excluded when all are. */
  get excludedByLock(): boolean {
    return (this.excluded ??=
      this.locked() &&
      this.groups.every((g) => g.mine.every((m) => g.theirs.accesses.every((t) => this.excludes(m, t)))));
  }

  /** Whether a lock held at the commit point and one this interleaver takes rule out `mine` against `theirs`. */
  excludes(mine: Access, theirs: Access): boolean {
    const pair = { mine, theirs, sameCallerOnly: mine.keyIsCaller && theirs.keyIsCaller };
    return this.exposure.held.some((l) => this.entry.locks.some((o) => lockExcludes(l, o, pair)));
  }

  /** Whether it writes `mine`'s state where no lock rules that out. */
  writesOpenly(mine: Access): boolean {
    const locked = this.locked();
    return this.groupsWith(mine).some(
      (g) => g.theirs.kind === 'write' && (!locked || g.theirs.accesses.some((t) => !this.excludes(mine, t))),
    );
  }

  get segments(): number[] {
    if (!this.segs) {
      const segs = new Set<number>();
      for (const g of this.groups) for (const s of g.theirs.segments) segs.add(s);
      this.segs = [...segs].sort((a, b) => a - b);
    }
    return this.segs;
  }

  get conflicts(): Conflict[] {
    if (!this.spelled) {
      this.spelled = spellOut(this.groups);
      if (this.locked())
        for (const c of this.spelled) if (this.excludes(c.mine, c.theirs)) c.excludedByLock = true;
    }
    return this.spelled;
  }

  private locked(): boolean {
    return this.exposure.locked(this.entry);
  }
}

/** Every entry point that can run at the commit point: its conflicting interleavers and the harmless rest. */
export function everyInterleaver(touching: Interleaver[], candidates: EntryAnalysis[]): Interleaver[] {
  const byEntry = new Map(touching.map((i) => [i.entry, i] as const));
  return candidates.map(
    (other) =>
      byEntry.get(other) ?? {
        entry: other,
        segments: other.segments.map((s) => s.index),
        groups: [],
        groupsWith: () => [],
        conflicts: [],
        harmless: true,
        excludedByLock: false,
        writesOpenly: () => false,
      },
  );
}

/** Makes the commit point read its exposure: `touching` and `interleavers` are built when first read. */
export function setExposure(cp: CommitPointInfo, exposure: Exposure, candidates: Candidates): void {
  cp.exposure = exposure;
  let all: Interleaver[] | undefined;
  Object.defineProperty(cp, 'touching', {
    enumerable: true,
    configurable: true,
    get: () => exposure.touching(),
  });
  Object.defineProperty(cp, 'interleavers', {
    enumerable: true,
    configurable: true,
    get: () => (all ??= everyInterleaver(exposure.touching(), candidates.list)),
  });
}

/** The pair of accesses a lock decision is about. */
type LockedPair = Pick<Conflict, 'mine' | 'theirs' | 'sameCallerOnly'>;

/** A lock key that names an enum variant (`TaskType::Sync`), not a variable. */
const CONSTANT_KEY = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)+$/;

/**
 * Whether a lock the method holds at its commit point and one the interleaver takes rule out one conflict: the
 * same lock without a key, or with the same constant key, excludes the other holder; a lock keyed by the caller
 * only a conflict keyed by the caller on both sides (another caller touches another entry); a callee's guard
 * only what the interleaver does under it. Taking and releasing the lock itself is the lock's own business.
 */
function lockExcludes(mine: LockInfo, theirs: LockInfo, c: LockedPair): boolean {
  if (!sameState(mine.state, theirs.state)) return false;
  if (isLockState(c.mine.state, mine) || isLockState(c.theirs.state, theirs)) return true;
  if (theirs.scope !== undefined && c.theirs.node.underGuard !== theirs.scope) return false;
  if (mine.key === undefined || theirs.key === undefined) return true;
  if (mine.key === theirs.key && CONSTANT_KEY.test(mine.key)) return true;
  return mine.keyIsCaller && theirs.keyIsCaller && c.sameCallerOnly;
}

/** Exactly the lock's state (not its whole root, which holds more than the lock). */
function isLockState(state: StatePath, lock: LockInfo): boolean {
  return (
    state.root === lock.state.root &&
    state.holder === lock.state.holder &&
    state.field === lock.state.field &&
    sameSub(state, lock.state)
  );
}
