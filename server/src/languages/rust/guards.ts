/**
 * Guard types: a struct whose constructor writes some state (takes a lock, marks a caller busy) and whose
 * `impl Drop` writes the same state (releases it). Found from the function summaries.
 */
import type { GuardNode, StatePath } from '../../model/ir';
import type { CrateIndex, FnInfo } from './crate-index';
import type { SummaryMap } from './summaries';

export interface GuardInfo {
  typeName: string;
  lock: StatePath;
  /** Constructor parameter whose argument is the lock's key. */
  keyParam?: number;
  dropMayTrap?: GuardNode['dropMayTrap'];
}

/** What lowering asks: the guard a call of `fn` constructs, if it constructs one. */
export interface GuardLookup {
  get(fn: FnInfo): GuardInfo | undefined;
}

const sameState = (a: StatePath, b: StatePath): boolean =>
  a.root === b.root && (a.field ?? '') === (b.field ?? '');

/** `impl Drop` bodies per `Self` type, in the crates given. */
function dropsByType(indexes: CrateIndex[]): Map<string, FnInfo[]> {
  const drops = new Map<string, FnInfo[]>();
  for (const index of indexes)
    for (const fn of index.fns) {
      if (fn.traitName !== 'Drop' || fn.name !== 'drop' || !fn.typeName) continue;
      const key = typeKey(fn, fn.typeName);
      drops.set(key, [...(drops.get(key) ?? []), fn]);
    }
  return drops;
}

function typeKey(fn: FnInfo, typeName: string): string {
  return `${fn.file.crateName ?? ''}::${typeName}`;
}

/** The guard `ctor` constructs: it returns its type and takes what that type's `Drop` releases. */
function guardOf(ctor: FnInfo, drops: FnInfo[], summaries: SummaryMap): GuardInfo | undefined {
  const typeName = ctor.typeName;
  if (!typeName || ctor.traitName || ctor.params[0] === 'self') return undefined;
  const returnsSelf = new RegExp(`^(Self|${typeName})$|^(Result|Option)<\\s*(Self|${typeName})\\b`);
  if (!returnsSelf.test(ctor.returnType.replace(/^->\s*/, '').trim())) return undefined;
  for (const drop of drops) {
    const dropSummary = summaries.get(drop);
    const released = dropSummary?.accesses.filter((a) => a.write) ?? [];
    if (released.length === 0) continue;
    const taken = summaries
      .get(ctor)
      ?.accesses.find((a) => a.write && released.some((r) => sameState(r.state, a.state)));
    if (!taken) continue;
    return {
      typeName,
      lock: taken.state,
      keyParam: taken.keyParam,
      dropMayTrap: dropSummary?.trap ?? dropSummary?.trapAfterCommit,
    };
  }
  return undefined;
}

/**
 * Guards looked up from the summaries as they are now: while summaries are being computed, a function that
 * constructs a guard sees it (and its summary says so), and reading the constructor's and `Drop`'s summaries
 * makes it depend on them.
 */
export function guardLookup(indexes: CrateIndex[]): (summaries: SummaryMap) => GuardLookup {
  const drops = dropsByType(indexes);
  return (summaries) => ({
    get(fn) {
      const mine = fn.typeName ? drops.get(typeKey(fn, fn.typeName)) : undefined;
      return mine ? guardOf(fn, mine, summaries) : undefined;
    },
  });
}

/** Constructor → guard description. */
export function findGuards(index: CrateIndex, summaries: SummaryMap): Map<FnInfo, GuardInfo> {
  const guards = new Map<FnInfo, GuardInfo>();
  const drops = dropsByType([index]);
  for (const ctor of index.methodsByName.values()) {
    for (const fn of ctor) {
      const mine = fn.typeName ? drops.get(typeKey(fn, fn.typeName)) : undefined;
      const guard = mine && guardOf(fn, mine, summaries);
      if (guard) guards.set(fn, guard);
    }
  }
  return guards;
}
