import { sameState } from '../model/analysis';
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

export const lockReleasedOutsideCleanup: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const flat = awaitFlat(e, cp);
      const reported = new Set<string>();
      for (const set of cp.inFlightWrites) {
        if ((set.node as WriteNode).mark !== 'set' || !isCheckedLock(e, cp, set)) continue;
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
