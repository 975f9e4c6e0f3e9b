/**
 * Who can touch a commit point's state while its method is suspended, without the cross product of accesses.
 *
 * Every access of an entry point falls in a group of accesses alike for conflicts (same state location, same
 * kind, same caller keying). A canister's index maps each state root to those groups, across its entry points;
 * a commit point meets each group of its roots once and keeps, per group, the accesses of its own that the
 * group conflicts with. The conflicts of one (mine, theirs) pair are then a group's count times a list, not
 * one object each: a 7,000-line actor had 30 million of those. The full list is built only when asked for.
 */
import type { Access, Conflict, ConflictHow, EntryAnalysis } from './analysis';
import type { StatePath } from './ir';

/** The accesses of one entry point alike for conflicts: one state location, one kind, one caller keying. */
export interface AccessGroup {
  entry: EntryAnalysis;
  kind: 'read' | 'write';
  state: StatePath;
  keyIsCaller: boolean;
  /** In the entry point's access order; `accesses.length` is the count, its head the first examples. */
  accesses: Access[];
  /** Position of the first access in the entry point's accesses (groups are ordered by it). */
  first: number;
  /** Segments the accesses run in, ascending. */
  segments: number[];
  /** Groups with the same key conflict with the same accesses of a commit point. */
  conflictKey: string;
}

/** One group of an interleaver against the accesses of the suspended method it conflicts with. */
export interface ConflictGroup {
  theirs: AccessGroup;
  /** The method's own accesses: carried reads (only against writes) first, then in-flight writes. */
  mine: Access[];
}

/**
 * The groups of one state location and kind (a `conflictKey`), of every entry point that may interleave: they
 * all conflict with the same accesses of a commit point, so a commit point meets the key once, not each group.
 */
export interface KeyGroups {
  conflictKey: string;
  kind: 'read' | 'write';
  state: StatePath;
  /** In entry then access order. */
  groups: AccessGroup[];
  /** The same groups by entry point (one or two: keyed by the caller or not). */
  byEntry: Map<EntryAnalysis, AccessGroup[]>;
}

/** The groups of one state root: in entry then access order, and by key in the order of first appearance. */
export interface RootGroups {
  groups: AccessGroup[];
  keys: KeyGroups[];
}

/** State root → the groups of every entry point that may interleave. */
export type StateIndex = Map<string, RootGroups>;

/** A key a commit point conflicts with: the accesses of the method it meets, and where its root comes first. */
export interface KeyConflict {
  key: KeyGroups;
  /** The method's accesses the key's groups conflict with (never empty), one list shared by them all. */
  mine: Access[];
  /** Position of the key's root among the roots the commit point's accesses name (its groups are ordered so). */
  rootOrder: number;
}

/** The conflict of `mine` with an access of kind `theirs`. */
export function conflictHow(mine: Access, theirs: 'read' | 'write'): ConflictHow {
  if (theirs === 'read') return 'reads-in-flight-write';
  return mine.kind === 'read' ? 'writes-carried-read' : 'writes-in-flight-write';
}

/** Both sides keyed by the caller for every access of the group: only calls by the same caller conflict. */
export function sameCallerOnly(g: ConflictGroup, mine?: Access): boolean {
  return g.theirs.keyIsCaller && (mine ? mine.keyIsCaller : g.mine.every((m) => m.keyIsCaller));
}

function stateKey(s: StatePath): string {
  const part = (x: string | undefined) => (x === undefined ? '\u0001' : x);
  return `${s.root}\u0000${part(s.holder)}\u0000${part(s.field)}\u0000${part(s.sub)}`;
}

/**
 * The groups made from each list of accesses. Every copy of a kept entry analysis shares its accesses
 * (model/entry-reuse.ts), and its groups depend on them only: a keystroke groups those of the entry points it
 * changed, and the others' are copied with the new copy as their entry. Neither list is ever changed once made.
 */
const groupsOfAccesses = new WeakMap<Access[], AccessGroup[]>();

/** An entry point's accesses grouped, in the order of each group's first access. */
export function accessGroups(e: EntryAnalysis): AccessGroup[] {
  const known = groupsOfAccesses.get(e.accesses);
  if (known) return known.map((g) => (g.entry === e ? g : { ...g, entry: e }));
  const groups = groupAccesses(e);
  groupsOfAccesses.set(e.accesses, groups);
  return groups;
}

function groupAccesses(e: EntryAnalysis): AccessGroup[] {
  const byKey = new Map<string, AccessGroup>();
  e.accesses.forEach((a, i) => {
    // A copy's untouched rest stored back in the segment that read it changes nothing others can see.
    if (a.kind === 'write' && a.noChange) return;
    const conflictKey = `${a.kind}\u0000${stateKey(a.state)}`;
    const key = `${conflictKey}\u0000${a.keyIsCaller ? 'caller' : ''}`;
    const g = byKey.get(key);
    if (g) g.accesses.push(a);
    else
      byKey.set(key, {
        entry: e,
        kind: a.kind,
        state: a.state,
        keyIsCaller: a.keyIsCaller,
        accesses: [a],
        first: i,
        segments: [],
        conflictKey,
      });
  });
  for (const g of byKey.values()) {
    const segs = new Set<number>();
    for (const a of g.accesses) for (const s of a.segments) segs.add(s);
    g.segments = [...segs].sort((x, y) => x - y);
  }
  return [...byKey.values()];
}

/**
 * The index of a canister's entry points that may interleave: what a query writes is discarded and state the
 * project declared irrelevant makes no conflicts, so neither is indexed.
 */
export function buildStateIndex(
  interleaving: EntryAnalysis[],
  ignored: (state: StatePath) => boolean,
): StateIndex {
  const index: StateIndex = new Map();
  const keys = new Map<string, KeyGroups>();
  for (const e of interleaving) {
    const isQuery = e.ir.kind === 'query' || e.ir.kind === 'composite-query';
    for (const g of accessGroups(e)) {
      if ((g.kind === 'write' && isQuery) || ignored(g.state)) continue;
      let root = index.get(g.state.root);
      if (!root) index.set(g.state.root, (root = { groups: [], keys: [] }));
      root.groups.push(g);
      let key = keys.get(g.conflictKey);
      if (!key) {
        keys.set(
          g.conflictKey,
          (key = {
            conflictKey: g.conflictKey,
            kind: g.kind,
            state: g.state,
            groups: [],
            byEntry: new Map(),
          }),
        );
        root.keys.push(key);
      }
      key.groups.push(g);
      const mine = key.byEntry.get(e);
      if (mine) mine.push(g);
      else key.byEntry.set(e, [g]);
    }
  }
  return index;
}

/**
 * The keys whose groups conflict with a commit point's carried reads and in-flight writes, each with those of
 * its accesses: by root (in the order the commit point's accesses name them), then in the index's order. The
 * groups themselves (each interleaver's, in its order) are read from the keys only when asked for.
 */
export function conflictingKeys(
  index: StateIndex,
  carriedReads: Access[],
  inFlightWrites: Access[],
): KeyConflict[] {
  const out: KeyConflict[] = [];
  // The method's accesses by root (in their order): a key meets only those of its own root.
  const byRoot = new Map<string, { carried: Access[]; inFlight: Access[] }>();
  const at = (a: Access) => {
    let r = byRoot.get(a.state.root);
    if (!r) byRoot.set(a.state.root, (r = { carried: [], inFlight: [] }));
    return r;
  };
  for (const a of carriedReads) at(a).carried.push(a);
  for (const a of inFlightWrites) at(a).inFlight.push(a);
  let rootOrder = 0;
  for (const [root, mineOfRoot] of byRoot) {
    for (const key of index.get(root)?.keys ?? []) {
      const alike = (a: Access) => sameState(a.state, key.state);
      const mine = [
        ...(key.kind === 'write' ? mineOfRoot.carried.filter(alike) : []),
        ...mineOfRoot.inFlight.filter(alike),
      ];
      if (mine.length) out.push({ key, mine, rootOrder });
    }
    rootOrder++;
  }
  return out;
}

/** An entry point's groups among `keys`, in its order: by root as the commit point names them, then by first access. */
export function groupsOfEntry(keys: readonly KeyConflict[], entry: EntryAnalysis): ConflictGroup[] {
  const found: { group: ConflictGroup; rootOrder: number }[] = [];
  for (const k of keys)
    for (const theirs of k.key.byEntry.get(entry) ?? [])
      found.push({ group: { theirs, mine: k.mine }, rootOrder: k.rootOrder });
  found.sort((x, y) => x.rootOrder - y.rootOrder || x.group.theirs.first - y.group.theirs.first);
  return found.map((f) => f.group);
}

/**
 * Every conflict of an interleaver, one per pair of accesses, in the order of the accesses (theirs, then mine).
 * Only for whoever asks for the full list: rules and hovers read the groups.
 */
export function spellOut(groups: ConflictGroup[]): Conflict[] {
  const out: Conflict[] = [];
  if (!groups.length) return out;
  const position = new Map(groups[0].theirs.entry.accesses.map((a, i) => [a, i] as const));
  let i = 0;
  while (i < groups.length) {
    // The groups of one root are consecutive; within a root the accesses interleave across groups.
    const root = groups[i].theirs.state.root;
    const pairs: [Access, ConflictGroup][] = [];
    for (; i < groups.length && groups[i].theirs.state.root === root; i++)
      for (const a of groups[i].theirs.accesses) pairs.push([a, groups[i]]);
    pairs.sort((x, y) => position.get(x[0])! - position.get(y[0])!);
    for (const [theirs, g] of pairs)
      for (const mine of g.mine)
        out.push({
          how: conflictHow(mine, theirs.kind),
          mine,
          theirs,
          sameCallerOnly: mine.keyIsCaller && theirs.keyIsCaller,
        });
  }
  return out;
}

export function sameState(a: StatePath, b: StatePath): boolean {
  return (
    a.root === b.root &&
    a.holder === b.holder &&
    (a.field === undefined || b.field === undefined || (a.field === b.field && sameSub(a, b)))
  );
}

/** Within one field: the same part of it, or one of them the whole field (which covers its parts). */
export function sameSub(a: StatePath, b: StatePath): boolean {
  return a.sub === undefined || b.sub === undefined || a.sub === b.sub;
}
