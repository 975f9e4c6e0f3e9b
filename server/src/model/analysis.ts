/**
 * Computes, once, everything the consumers show: per entry point its commit points and segments, and per commit
 * point the exposure of SPEC §4 (carried reads, in-flight writes, interleavers). Rules, LSP features, the CLI
 * and the timeline all read this; none recomputes it.
 */
import { buildCfg, computeSegments, DataFlow, Reachability, valuesOf, type Cfg } from './cfg';
import type { AwaitNode, EntryPointIR, FileModel, Notice, Range, ReadNode, StatePath, WriteNode } from './ir';
import { failureNotice } from './limits';
import type { EntryReuse } from './entry-reuse';
import {
  buildStateIndex,
  conflictingKeys,
  sameState,
  type ConflictGroup,
  type RootGroups,
  type StateIndex,
} from './state-index';
import { Exposure, NO_EXPOSURE, setExposure, type Candidates } from './exposure';

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
  /**
   * A `restore` write (the untouched rest of a copy stored back) in the same segment as the reads of the copy:
   * it stores what the message itself read, so other messages never see it change anything.
   */
  noChange?: true;
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
  /** A lock both hold rules it out: the interleaver cannot make this access while the method is suspended. */
  excludedByLock?: true;
}

export interface Interleaver {
  entry: EntryAnalysis;
  /** The interleaver's segments that conflict (all of its segments when harmless). */
  readonly segments: number[];
  /** Its groups of accesses that conflict, each with the method's accesses it conflicts with. */
  readonly groups: ConflictGroup[];
  /** Its groups that conflict with the method's access `mine`, in the order of `groups`. */
  groupsWith(mine: Access): ConflictGroup[];
  /** Every conflict, one per pair of accesses: built on first use (rules and hovers read `groups`). */
  readonly conflicts: Conflict[];
  harmless: boolean;
  /** Both hold the same lock across the commit point, so they exclude each other (every conflict is ruled out). */
  readonly excludedByLock: boolean;
  /** Whether it writes the state of the method's access `mine` where no held lock rules that out. */
  writesOpenly(mine: Access): boolean;
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
  /** The entry points that can run here and touch its state (conflicting ones), in the canister's order: built on first use. */
  readonly touching: Interleaver[];
  /** Who can touch its state while suspended, from the canister's state index: what rules ask (exposure.ts). */
  exposure: Exposure;
  /** Every entry point that can run here, harmless ones too: built on first use. */
  readonly interleavers: Interleaver[];
  /** Locks (guards, flags released in `finally`) held across this commit point. */
  locksHeld: LockInfo[];
}

export interface LockInfo {
  state: StatePath;
  key?: string;
  /** The key is the message's caller: the lock excludes only messages of the same caller. */
  keyIsCaller: boolean;
  /** A callee's guard: held only while that callee runs, where the accesses it covers (`underGuard`) are. */
  scope?: number;
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
  /**
   * Why the exposure (interleavers) of its commit points was not computed: the memory budget was reached. Its
   * awaits are still classified; rules that need interleavers find nothing here, and hovers say so.
   */
  exposureSkipped?: string;
}

export interface Analysis {
  files: FileModel[];
  entryPoints: EntryAnalysis[];
}

/** Entry kinds that cannot run while another message is suspended at a commit point. */
const CANNOT_INTERLEAVE = new Set(['init', 'pre-upgrade', 'post-upgrade', 'inspect']);
/** Keys that name the message's caller wherever they appear; a local or parameter counts only as bound to it. */
export const CALLER_KEYS: ReadonlySet<string> = new Set(['msg.caller', 'caller()', 'msg_caller()']);

export interface AnalyzeOptions {
  /** State the project declared irrelevant (loggers, metrics): its accesses make no interleaver conflicts. */
  ignoredState?: (state: StatePath) => boolean;
  /**
   * Asked before each entry point's exposure is computed: a reason once memory is past the budget. From then on
   * exposure is skipped (SPEC: degrade, do not die), so a huge workspace still gets its commit points.
   */
  overBudget?: () => string | undefined;
  /** The language server's entry points kept from the previous analysis (entry-reuse.ts). */
  entries?: EntryReuse;
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
        const entries = options.entries;
        return [entries ? entries.entryFor(f, ep, () => analyzeEntry(f, ep)) : analyzeEntry(f, ep)];
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
  let budgetReason: string | undefined;
  for (const e of entryPoints) {
    budgetReason ??= options.overBudget?.();
    if (budgetReason !== undefined) {
      e.exposureSkipped = budgetReason;
      continue;
    }
    try {
      const candidates = canInterleave.get(e.canister) ?? {
        list: [],
        position: new Map<EntryAnalysis, number>(),
      };
      const index: StateIndex = indexes.get(e.canister) ?? new Map<string, RootGroups>();
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
  for (const f of input) {
    const skipped = entryPoints.filter((e) => e.file === f.file && e.exposureSkipped !== undefined);
    if (skipped.length) failures.set(f, [...(failures.get(f) ?? []), skippedNotice(skipped)]);
  }
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

/** One notice per file for the entry points whose exposure was skipped, at the first of them. */
function skippedNotice(skipped: EntryAnalysis[]): Notice {
  const shown = skipped.slice(0, 3).map((e) => `\`${e.ir.name}\``);
  const more = skipped.length > 3 ? ` and ${skipped.length - 3} more` : '';
  return {
    range: skipped[0].ir.nameRange,
    message: `exposure not computed for ${shown.join(', ')}${more} (${skipped[0].exposureSkipped}): their awaits are classified, but interleavers and the findings that need them are not given`,
  };
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

  for (const a of accesses) if (restoresWithinSegment(a, flow, readById)) a.noChange = true;

  const segments: SegmentInfo[] = [];
  for (let i = 0; i <= splitting.length; i++) segments.push({ index: i, reads: [], writes: [] });
  // One pass over the accesses (in their order), not one per segment.
  for (const a of accesses)
    for (const s of a.segments) {
      const seg = segments[s];
      if (seg) (a.kind === 'read' ? seg.reads : seg.writes).push(a);
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
  const users = readUsers(entry);
  entry.commitPoints = cfg.awaits.map((a) => commitPointInfo(entry, a, splitting, users));
  return entry;
}

/** See `Access.noChange`: every read of the root the stored copy comes from is in the write's one segment. */
function restoresWithinSegment(w: Access, flow: DataFlow, readById: Map<number, Access>): boolean {
  if (w.kind !== 'write' || !(w.node as WriteNode).restore || w.segments.length !== 1) return false;
  const copied = [...flow.reads((w.node as WriteNode).value)]
    .map((id) => readById.get(id))
    .filter((r) => r !== undefined && r.state.root === w.state.root);
  return (
    copied.length > 0 && copied.every((r) => r!.segments.length === 1 && r!.segments[0] === w.segments[0])
  );
}

/**
 * Per state read, the flat nodes whose values use it: "is this read used after the commit point" is then a look
 * at its few users, where a union of the values of every node after each commit point made a set per commit point.
 */
function readUsers(e: EntryAnalysis): Map<number, number[]> {
  const users = new Map<number, number[]>();
  for (const f of e.cfg.nodes)
    for (const v of valuesOf(f.node))
      for (const r of e.flow.reads(v)) {
        const list = users.get(r);
        if (!list) users.set(r, [f.idx]);
        else if (list[list.length - 1] !== f.idx) list.push(f.idx);
      }
  return users;
}

function commitPointInfo(
  e: EntryAnalysis,
  a: AwaitNode,
  splitting: AwaitNode[],
  users: Map<number, number[]>,
): CommitPointInfo {
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
    exposure: NO_EXPOSURE,
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
  const usedAfter = (id: number) => (users.get(id) ?? []).some((n) => after.has(n));
  for (const acc of e.accesses) {
    if (!before(acc)) continue;
    if (acc.kind === 'read') {
      const id = (acc.node as ReadNode).id;
      if (controllingReads.has(id) || usedAfter(id)) info.carriedReads.push(acc);
      if (controllingReads.has(id)) info.checkedReads.push(acc);
    } else if (!acc.noChange) info.inFlightWrites.push(acc);
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
  const callerNames = new Set([...CALLER_KEYS, ...(e.ir.callerNames ?? [])]);
  for (const [n, takenAt] of e.cfg.flatOf) {
    const key = n.kind === 'guard' || n.kind === 'write' ? n.key : undefined;
    const base = {
      ...(key ? { key } : {}),
      keyIsCaller: !!key && callerNames.has(key),
      range: n.range,
      takenAt,
    };
    if (n.kind === 'guard' && !n.droppedImmediately)
      locks.push({
        ...base,
        state: n.lock,
        how: 'guard',
        ...(n.scope !== undefined ? { scope: n.scope } : {}),
      });
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
  // A callee's guard is held at the `.await` on the callee: what it covers goes on after that commit point.
  if (l.scope !== undefined)
    return e.accesses.some((a) => a.node.underGuard === l.scope && e.reach.beforeInOrder(cpFlat, a.flat));
  if (l.how === 'guard') return true;
  // A flag released in `finally` is held across every commit point of its `try` body.
  return cpFlat.some((c) => e.cfg.nodes[c].tries.length > 0);
}

/**
 * Sets a commit point's exposure from the canister's state index: the keys of state it conflicts with; the
 * interleavers (conflicting ones, and every entry point that can run here) are built only when asked for.
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
  const keys = conflictingKeys(index, carriedReads, inFlightWrites);
  setExposure(cp, new Exposure(keys, candidates, cp.locksHeld), candidates);
}
