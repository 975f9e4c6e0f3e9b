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

const sameState = (a: StatePath, b: StatePath): boolean =>
  a.root === b.root && (a.field ?? '') === (b.field ?? '');

/** Constructor → guard description. */
export function findGuards(index: CrateIndex, summaries: SummaryMap): Map<FnInfo, GuardInfo> {
  const guards = new Map<FnInfo, GuardInfo>();
  for (const drop of index.fns) {
    if (drop.traitName !== 'Drop' || drop.name !== 'drop' || !drop.typeName) continue;
    const typeName = drop.typeName;
    const dropSummary = summaries.get(drop);
    const released = dropSummary?.accesses.filter((a) => a.write) ?? [];
    if (released.length === 0) continue;
    const returnsSelf = new RegExp(`^(Self|${typeName})$|^(Result|Option)<\\s*(Self|${typeName})\\b`);
    for (const ctor of index.methodsByName.values()) {
      for (const fn of ctor) {
        if (fn.typeName !== typeName || fn.traitName || fn.params[0] === 'self') continue;
        if (!returnsSelf.test(fn.returnType.replace(/^->\s*/, '').trim())) continue;
        const taken = summaries
          .get(fn)
          ?.accesses.find((a) => a.write && released.some((r) => sameState(r.state, a.state)));
        if (!taken) continue;
        guards.set(fn, {
          typeName,
          lock: taken.state,
          keyParam: taken.keyParam,
          dropMayTrap: dropSummary?.trap ?? dropSummary?.trapAfterCommit,
        });
      }
    }
  }
  return guards;
}
