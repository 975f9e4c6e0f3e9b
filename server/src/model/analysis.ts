/**
 * Computes, once, everything the consumers show: per entry point its commit points and segments, and per commit
 * point the exposure of SPEC §4 (carried reads, in-flight writes, interleavers). Rules, LSP features, the CLI
 * and the timeline all read this; none recomputes it.
 */
import { buildCfg, computeSegments, DataFlow, Reachability, valuesOf, type Cfg } from './cfg';
import type { AwaitNode, EntryPointIR, FileModel, Notice, Range, ReadNode, StatePath, WriteNode } from './ir';
import { failureNotice } from './limits';
import {
  buildStateIndex,
  conflictGroups,
  sameCallerOnly,
  sameState,
  spellOut,
  type ConflictGroup,
  type StateIndex,
} from './state-index';

export { sameState };

export interface Access {
  kind: 'read' | 'write';
  state: StatePath;
  key?: string;
  /** The key is bound to the caller of its message (accesses conflict only for the same caller). */
  keyIsCaller: boolean;
  range: Range;
  file: string;
  node: ReadNode | WriteNode;
  /** Flat CFG nodes of the access. */
  flat: number[];
  segments: number[];
}

export interface SegmentInfo {
  index: number;
  reads: Access[];
  writes: Access[];
}

export type ConflictHow = 'writes-carried-read' | 'reads-in-flight-write' | 'writes-in-flight-write';

export interface Conflict {
  how: ConflictHow;
  /** The method's own access (the carried read or the in-flight write). */
  mine: Access;
  /** The interleaver's access. */
  theirs: Access;
  /** Both accesses are keyed by the caller: only calls by the same caller conflict. */
  sameCallerOnly: boolean;
}

export interface Interleaver {
  entry: EntryAnalysis;
  /** The interleaver's segments that conflict (all of its segments when harmless). */
  readonly segments: number[];
  /** Its groups of accesses that conflict, each with the method's accesses it conflicts with. */
  groups: ConflictGroup[];
  /** Every conflict, one per pair of accesses: built on first use (rules and hovers read `groups`). */
  readonly conflicts: Conflict[];
  harmless: boolean;
  /** Both hold the same lock across the commit point, so they exclude each other. */
  excludedByLock: boolean;
}

export interface CommitPointInfo {
  await: AwaitNode;
  /** The file of the `await` (another file than the entry point's when its code runs inline there). */
  file: string;
  /** Index of the segment this commit point starts (1-based), absent for `none`. */
  index?: number;
  /** The await sits in a loop: its segment can reach it again. */
  inLoop: boolean;
  carriedReads: Access[];
  /** The carried reads that are (part of) a condition deciding whether this commit point runs. */
  checkedReads: Access[];
  inFlightWrites: Access[];
  /** The entry points that can run here and touch its state (conflicting ones), in the canister's order. */
  touching: Interleaver[];
  /** Every entry point that can run here, harmless ones too: built on first use. */
  readonly interleavers: Interleaver[];
  /** Locks (guards, flags released in `finally`) held across this commit point. */
  locksHeld: LockInfo[];
}

export interface LockInfo {
  state: StatePath;
  key?: string;
  how: 'guard' | 'finally';
  range: Range;
  /** The CFG nodes that take the lock. */
  takenAt: number[];
}

export interface EntryAnalysis {
  file: string;
  canister: string;
  language: FileModel['language'];
  ir: EntryPointIR;
  cfg: Cfg;
  /** Memoised reachability on `cfg` ("can this event happen after that one"). */
  reach: Reachability;
  flow: DataFlow;
  /** Segment indices each flat CFG node runs in. */
  segOf: Map<number, Set<number>>;
  accesses: Access[];
  readById: Map<number, Access>;
  segments: SegmentInfo[];
  commitPoints: CommitPointInfo[];
  /** Locks this entry point takes and holds to its end (for mutual exclusion). */
  locks: LockInfo[];
}

export interface Analysis {
  files: FileModel[];
  entryPoints: EntryAnalysis[];
}

/** Entry kinds that cannot run while another message is suspended at a commit point. */
const CANNOT_INTERLEAVE = new Set(['init', 'pre-upgrade', 'post-upgrade', 'inspect']);
const CALLER_KEYS = new Set(['caller', 'msg.caller', 'caller()', 'msg_caller()']);

export interface AnalyzeOptions {
  /** State the project declared irrelevant (loggers, metrics): its accesses make no interleaver conflicts. */
  ignoredState?: (state: StatePath) => boolean;
}

/**
 * Analyses every entry point. One that fails (an exception, a stack overflow) is left out with a notice on its
 * file, and the others are analysed as if it were not there.
 */
export function analyze(input: FileModel[], options: AnalyzeOptions = {}): Analysis {
  const failures = new Map<FileModel, Notice[]>();
  const fail = (f: FileModel, ep: EntryPointIR, err: unknown) =>
    failures.set(f, [
      ...(failures.get(f) ?? []),
      failureNotice(ep.nameRange, `entry point \`${ep.name}\``, err),
    ]);
  let entryPoints = input.flatMap((f) =>
    f.entryPoints.flatMap((ep) => {
      try {
        return [analyzeEntry(f, ep)];
      } catch (err) {
        fail(f, ep, err);
        return [];
      }
    }),
  );
  const byCanister = new Map<string, EntryAnalysis[]>();
  for (const e of entryPoints) {
    const list = byCanister.get(e.canister) ?? [];
    list.push(e);
    byCanister.set(e.canister, list);
  }
  const ignored = options.ignoredState ?? (() => false);
  const canInterleave = new Map<string, Candidates>();
  const indexes = new Map<string, StateIndex>();
  for (const [canister, list] of byCanister) {
    const candidates = list.filter((o) => !CANNOT_INTERLEAVE.has(o.ir.kind));
    canInterleave.set(canister, { list: candidates, position: new Map(candidates.map((o, i) => [o, i])) });
    indexes.set(canister, buildStateIndex(candidates, ignored));
  }
  const broken = new Set<EntryAnalysis>();
  for (const e of entryPoints) {
    try {
      const candidates = canInterleave.get(e.canister) ?? {
        list: [],
        position: new Map<EntryAnalysis, number>(),
      };
      const index: StateIndex = indexes.get(e.canister) ?? new Map<string, never[]>();
      for (const cp of e.commitPoints) setInterleavers(cp, index, candidates, ignored);
    } catch (err) {
      broken.add(e);
      fail(
        input.find((f) => f.file === e.file)!,
        e.ir,
        err,
      );
    }
  }
  if (broken.size) entryPoints = entryPoints.filter((e) => !broken.has(e));
  // Files keep their identity unless a failure adds a notice (then a copy carries it).
  const files = input.map((f) => {
    const more = failures.get(f);
    if (!more) return f;
    return {
      ...f,
      entryPoints: f.entryPoints.filter((ep) => entryPoints.some((e) => e.ir === ep)),
      notices: [...(f.notices ?? []), ...more],
    };
  });
  return { files, entryPoints };
}

function analyzeEntry(file: FileModel, ir: EntryPointIR): EntryAnalysis {
  const cfg = buildCfg(ir);
  const flow = new DataFlow(cfg);
  const splitting = cfg.awaits.filter((a) => a.commit !== 'none');
  const segOf = computeSegments(cfg, splitting);
  const callerNames = new Set([...(ir.callerNames ?? [])]);

  const accesses: Access[] = [];
  const readById = new Map<number, Access>();
  const seen = new Set<ReadNode | WriteNode>();
  for (const f of cfg.nodes) {
    const n = f.node;
    if ((n.kind !== 'read' && n.kind !== 'write') || seen.has(n)) continue;
    seen.add(n);
    const flat = cfg.flatOf.get(n) ?? [];
    const segs = new Set<number>();
    for (const x of flat) segOf.get(x)?.forEach((s) => segs.add(s));
    const access: Access = {
      kind: n.kind,
      state: n.state,
      ...(n.key !== undefined ? { key: n.key } : {}),
      keyIsCaller: n.key !== undefined && (CALLER_KEYS.has(n.key) || callerNames.has(n.key)),
      range: n.range,
      file: n.file ?? file.file,
      node: n,
      flat,
      segments: [...segs].sort((a, b) => a - b),
    };
    accesses.push(access);
    if (n.kind === 'read') readById.set(n.id, access);
  }

  const segments: SegmentInfo[] = [];
  for (let i = 0; i <= splitting.length; i++) {
    segments.push({
      index: i,
      reads: accesses.filter((a) => a.kind === 'read' && a.segments.includes(i)),
      writes: accesses.filter((a) => a.kind === 'write' && a.segments.includes(i)),
    });
  }

  const entry: EntryAnalysis = {
    file: file.file,
    canister: file.canister,
    language: file.language,
    ir,
    cfg,
    reach: new Reachability(cfg),
    flow,
    segOf,
    accesses,
    readById,
    segments,
    commitPoints: [],
    locks: [],
  };
  entry.locks = locksTaken(entry);
  entry.commitPoints = cfg.awaits.map((a) => commitPointInfo(entry, a, splitting));
  return entry;
}

function commitPointInfo(e: EntryAnalysis, a: AwaitNode, splitting: AwaitNode[]): CommitPointInfo {
  const flat = e.cfg.awaitNode.get(a.id) ?? [];
  const index = splitting.indexOf(a);
  const info: CommitPointInfo = {
    await: a,
    file: a.file ?? e.file,
    inLoop: flat.some((f) => e.cfg.nodes[f].inLoop),
    carriedReads: [],
    checkedReads: [],
    inFlightWrites: [],
    touching: [],
    interleavers: [],
    locksHeld: [],
  };
  if (index < 0) return info;
  info.index = index + 1;
  const after = e.reach.from(flat);
  // One backward search from the commit point, not a forward one from every access.
  const reaching = e.reach.reaching(flat);
  const before = (acc: Access) => acc.flat.some((x) => reaching.has(x));
  // Conditions that decide whether the commit point runs.
  const controllingReads = new Set<number>();
  for (const f of flat)
    for (const c of e.cfg.nodes[f].controls) e.flow.reads(c).forEach((r) => controllingReads.add(r));
  // Reads whose values are used by events after the commit point.
  const usedAfter = new Set<number>();
  for (const n of after)
    for (const v of valuesOf(e.cfg.nodes[n].node)) e.flow.reads(v).forEach((r) => usedAfter.add(r));
  for (const acc of e.accesses) {
    if (!before(acc)) continue;
    if (acc.kind === 'read') {
      const id = (acc.node as ReadNode).id;
      if (controllingReads.has(id) || usedAfter.has(id)) info.carriedReads.push(acc);
      if (controllingReads.has(id)) info.checkedReads.push(acc);
    } else info.inFlightWrites.push(acc);
  }
  info.locksHeld = e.locks.filter((l) => lockHeldAt(e, l, flat, reaching));
  return info;
}

/** Locks an entry point takes: guards bound to a variable, and flags/set entries released in `finally`. */
function locksTaken(e: EntryAnalysis): LockInfo[] {
  const locks: LockInfo[] = [];
  const releasedInFinally = (state: StatePath) =>
    e.cfg.nodes.some(
      (g) =>
        g.inFinally && g.node.kind === 'write' && g.node.mark === 'clear' && sameState(g.node.state, state),
    );
  for (const [n, takenAt] of e.cfg.flatOf) {
    const key = n.kind === 'guard' || n.kind === 'write' ? n.key : undefined;
    const base = { ...(key ? { key } : {}), range: n.range, takenAt };
    if (n.kind === 'guard' && !n.droppedImmediately) locks.push({ ...base, state: n.lock, how: 'guard' });
    const outsideFinally = takenAt.some((f) => !e.cfg.nodes[f].inFinally);
    if (n.kind === 'write' && n.mark === 'set' && outsideFinally && releasedInFinally(n.state)) {
      locks.push({ ...base, state: n.state, how: 'finally' });
    }
  }
  return locks;
}

/** A lock is held at a commit point when it was taken on a path before it and is released only in cleanup. */
function lockHeldAt(e: EntryAnalysis, l: LockInfo, cpFlat: number[], reaching: Set<number>): boolean {
  if (!l.takenAt.some((x) => reaching.has(x))) return false;
  if (l.how === 'guard') return true;
  // A flag released in `finally` is held across every commit point of its `try` body.
  return cpFlat.some((c) => e.cfg.nodes[c].tries.length > 0);
}

/**
 * Fills a commit point's interleavers from the canister's state index: the conflicting ones now, the harmless
 * rest (every other entry point that can run here) only when someone asks for the whole list.
 */
function setInterleavers(
  cp: CommitPointInfo,
  index: StateIndex,
  candidates: Candidates,
  ignored: (state: StatePath) => boolean,
): void {
  if (cp.index === undefined) return;
  const carriedReads = cp.carriedReads.filter((a) => !ignored(a.state));
  const inFlightWrites = cp.inFlightWrites.filter((a) => !ignored(a.state));
  const byEntry = conflictGroups(index, carriedReads, inFlightWrites);
  const touching = [...byEntry]
    .sort((x, y) => candidates.position.get(x[0])! - candidates.position.get(y[0])!)
    .map(
      ([other, groups]) =>
        new Touching(
          other,
          groups,
          cp.locksHeld.some((l) => other.locks.some((o) => locksExclude(l, o, groups))),
        ),
    );
  cp.touching = touching;
  let all: Interleaver[] | undefined;
  Object.defineProperty(cp, 'interleavers', {
    enumerable: true,
    configurable: true,
    get: () => (all ??= everyInterleaver(touching, candidates.list)),
  });
}

/** The entry points of a canister that can run at a commit point, with their positions (the list's order). */
interface Candidates {
  list: EntryAnalysis[];
  position: Map<EntryAnalysis, number>;
}

/** A conflicting interleaver: its segments and the spelled-out conflicts are worked out on first use. */
class Touching implements Interleaver {
  readonly harmless = false;
  private segs?: number[];
  private all?: Conflict[];

  constructor(
    readonly entry: EntryAnalysis,
    readonly groups: ConflictGroup[],
    readonly excludedByLock: boolean,
  ) {}

  get segments(): number[] {
    if (!this.segs) {
      const segs = new Set<number>();
      for (const g of this.groups) for (const s of g.theirs.segments) segs.add(s);
      this.segs = [...segs].sort((a, b) => a - b);
    }
    return this.segs;
  }

  get conflicts(): Conflict[] {
    return (this.all ??= spellOut(this.groups));
  }
}

function everyInterleaver(touching: Interleaver[], candidates: EntryAnalysis[]): Interleaver[] {
  const byEntry = new Map(touching.map((i) => [i.entry, i] as const));
  return candidates.map(
    (other) =>
      byEntry.get(other) ?? {
        entry: other,
        segments: other.segments.map((s) => s.index),
        groups: [],
        conflicts: [],
        harmless: true,
        excludedByLock: false,
      },
  );
}

/** A lock key that names an enum variant (`TaskType::Sync`), not a variable. */
const CONSTANT_KEY = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)+$/;

/** Two holders of the same lock exclude each other; a caller-keyed lock only for same-caller conflicts. */
function locksExclude(mine: LockInfo, theirs: LockInfo, groups: ConflictGroup[]): boolean {
  if (!sameState(mine.state, theirs.state)) return false;
  if (mine.key === undefined || theirs.key === undefined) return true;
  // A key the code fixes to one enum variant (a task kind): the same variant is the same lock entry.
  if (mine.key === theirs.key && CONSTANT_KEY.test(mine.key)) return true;
  return groups.every((g) => sameCallerOnly(g));
}
