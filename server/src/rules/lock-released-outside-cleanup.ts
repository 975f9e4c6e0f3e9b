import { sameState, type Access, type CommitPointInfo, type EntryAnalysis } from '../model/analysis';
import { failureHandling } from './support/failure-paths';
import type { WriteNode } from '../model/ir';
import { stateName } from '../model/ir';
import {
  accessNote,
  awaitFlat,
  commitPoints,
  cpLine,
  finding,
  quote,
  happensBefore,
} from './support/helpers';
import { isCheckedLock } from './support/relevance';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'lock-released-outside-cleanup',
  severity: 'warning',
  title: 'Lock released in ordinary code after a commit point',
  description:
    'A lock or marker set before a commit point is released in ordinary code after it, so a trap or early return after the await leaves it set forever.',
  fix: 'Release the lock in `finally` (Motoko) or in the `Drop` of a guard bound to a named variable (Rust).',
  languages: ['motoko', 'rust'],
};

/**
 * Motoko: a flag checked earlier in the method and set before this commit point is meant to keep other calls
 * out, even when a commit point separates the check from the set (check-then-act reports that gap); left set
 * by a trap, it blocks every later call all the same.
 */
function checkedBefore(e: EntryAnalysis, cp: CommitPointInfo, set: Access): boolean {
  return cp.checkedReads.some((r) => sameState(r.state, set.state) && happensBefore(e, r.flat, set.flat));
}

/**
 * The harm test: some path leaves the method between the await and the release. Motoko: a reject that no
 * `catch` handles throws past the release, as does a trap or an exit (`return`, `throw`) after the await that
 * no release precedes. Rust code is judged by order alone (a reject there is a value, not a throw).
 */
function canLeak(e: EntryAnalysis, cp: CommitPointInfo, flat: number[], set: Access): boolean {
  if (e.language !== 'motoko' || !failureHandling(e, cp).caught) return true;
  const releases = e.accesses.filter(
    (w) =>
      w.kind === 'write' &&
      (w.node as WriteNode).mark === 'clear' &&
      sameState(w.state, set.state) &&
      happensBefore(e, flat, w.flat),
  );
  return e.cfg.nodes.some(
    (f) =>
      (f.node.kind === 'trap' || f.node.kind === 'exit') &&
      !f.inFinally &&
      happensBefore(e, flat, [f.idx]) &&
      !releases.some((r) => happensBefore(e, r.flat, [f.idx])),
  );
}

export const lockReleasedOutsideCleanup: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const flat = awaitFlat(e, cp);
      const reported = new Set<string>();
      for (const set of cp.inFlightWrites) {
        if ((set.node as WriteNode).mark !== 'set') continue;
        if (!isCheckedLock(e, cp, set) && !(e.language === 'motoko' && checkedBefore(e, cp, set))) continue;
        const name = stateName(set.state);
        if (reported.has(name)) continue;
        if (cp.locksHeld.some((l) => sameState(l.state, set.state))) continue;
        const release = e.accesses.find(
          (w) =>
            w.kind === 'write' &&
            (w.node as WriteNode).mark === 'clear' &&
            sameState(w.state, set.state) &&
            happensBefore(e, flat, w.flat) &&
            !w.flat.some((x) => e.cfg.nodes[x].inFinally),
        );
        if (!release) continue;
        if (!canLeak(e, cp, flat, set)) continue;
        reported.add(name);
        out.push(
          finding(
            meta,
            e,
            cp.await.range,
            `${quote(name)} is set before ${cpLine(cp)} and released after it in ordinary code: if the code after the await traps or returns early, ${quote(name)} stays set and blocks later calls.`,
            {
              state: [name],
              commitPoint: cp.await.range,
              related: [accessNote(set, 'sets'), accessNote(release, 'releases')],
            },
          ),
        );
      }
    }
    return out;
  },
};
