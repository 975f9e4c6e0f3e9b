import { sameState, type Access } from '../model/analysis';
import { exclusiveAlternatives, stateName, type ReadNode } from '../model/ir';
import {
  accessNote,
  awaitFlat,
  checkCommitNotes,
  commitPoints,
  commitSiteNotes,
  commitSiteText,
  cpLine,
  describeInterleaver,
  finding,
  happensBefore,
  inCalleeText,
  lineOf,
  quote,
  writersOf,
} from './support/helpers';
import { touchesOtherEntriesOnly } from './support/instance-keys';
import { isCursorPick } from './support/cursor-picks';
import { idempotentActs } from './support/idempotent-act';
import { recheckProtects, rechecked } from './support/rechecks';
import { isResync } from './support/relevance';
import type { Finding, RelatedLocation, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'check-then-act',
  severity: 'warning',
  title: 'State checked before a commit point, changed after it',
  description:
    'A condition on state is checked before a commit point and the state it protects is written only after it, so concurrent calls all pass the check.',
  fix: 'Write the state before the await (debit or mark first) and compensate on failure, or hold a lock across the await.',
  languages: ['motoko', 'rust'],
};

/** Enough to show the other stories a root's checks tell at one await, few enough for the editor. */
const MAX_OTHER_CHECKS = 2;

/** Two checks at the same place (the same line, in the same callee) are one. */
function sameSite(a: Access, b: Access): boolean {
  const sa = a.node.inCallee ?? { file: a.file, range: a.range };
  const sb = b.node.inCallee ?? { file: b.file, range: b.range };
  return sa.file === sb.file && sa.range.start.line === sb.range.start.line;
}

/** Made under different impls of one call that runs one of several: never in the same run. */
function alternatives(a: Access, b: Access): boolean {
  return exclusiveAlternatives(a.node.alts, b.node.alts);
}

/** The untouched rest of a copy of the state stored back (`set_state(state)`): no change the code made. */
function isRestore(w: Access): boolean {
  return w.node.kind === 'write' && !!w.node.restore;
}

/** Where a callee that checks the state goes on to its own commit point: the check's window opens there. */
function checkedBeforeNote(check: Access): RelatedLocation[] {
  // The callee's next commit point after this very check, when known, is noted already (`commitNext`).
  if ((check.node as ReadNode).commitNext?.length) return [];
  const at = (check.node as ReadNode).checkedBefore;
  return at ? [{ file: at.file, range: at.range, message: 'the callee suspends here after its check' }] : [];
}

export const checkThenAct: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const flat = awaitFlat(e, cp);
      // One story per state root and commit point: the fields of one root checked there are one finding.
      const reported = new Set<string>();
      for (const check of cp.checkedReads) {
        const name = stateName(check.state);
        if (reported.has(check.state.root)) continue;
        // A pick from a cursor moved onto it before the await: a concurrent call picks another entry.
        if (isCursorPick(e, cp, check)) continue;
        // A re-sync from a reply after the await is not an act the check guarded (SPEC §5, Precision), nor is
        // the untouched rest of a copy stored back: it gets back the values the copy read. A write under a
        // fresh check of its state is safe, unless a call made after the stale check moves value or sends what
        // that check compared (a re-check cannot take back a payment).
        // Asked only for a re-checked write, and once per check.
        let protects: boolean | undefined;
        const recheckCounts = () => (protects ??= recheckProtects(e, cp, check));
        const writesAfter = e.accesses.filter(
          (w) =>
            w.kind === 'write' &&
            !isRestore(w) &&
            sameState(w.state, check.state) &&
            !alternatives(check, w) &&
            happensBefore(e, flat, w.flat) &&
            !isResync(e, w) &&
            !(rechecked(e, flat, w) && recheckCounts()),
        );
        if (!writesAfter.length) continue;
        // Putting the same record back under the checked key, or removing it, twice is doing it once.
        if (idempotentActs(e, check, writesAfter)) continue;
        // Another impl's write, where the call runs one of several, is not on the check's path.
        const writtenBetween = e.accesses.some(
          (w) =>
            w.kind === 'write' &&
            !isRestore(w) &&
            sameState(w.state, check.state) &&
            !alternatives(check, w) &&
            happensBefore(e, check.flat, w.flat) &&
            happensBefore(e, w.flat, flat),
        );
        if (writtenBetween) continue;
        // A task's check of the entry under its own key: other runs and inserters write other entries.
        const writers = writersOf(cp, check).filter((i) => !touchesOtherEntriesOnly(e, check, i));
        if (!writers.length) continue;
        reported.add(check.state.root);
        // The method itself, when it can pass the same check again, tells the whole story (a double spend); the
        // other writers follow as related locations.
        const first = writers.find((w) => w.entry === e) ?? writers[0];
        const write = writesAfter[0];
        // Other checks of the same root before this commit point, each made stale by its own await in a callee
        // (one story per root: they are related locations, not findings of their own).
        const otherChecks = cp.checkedReads
          .filter((c) => c !== check && c.state.root === check.state.root && checkCommitNotes(cp, c).length)
          .filter((c, i, all) => all.findIndex((x) => sameSite(x, c)) === i && !sameSite(c, check))
          .slice(0, MAX_OTHER_CHECKS);
        out.push(
          finding(
            meta,
            e,
            cp.await.range,
            `${quote(name)} is checked at line ${lineOf(check.range)}${inCalleeText(check.node)} before ${cpLine(cp)}${commitSiteText(cp)} and written only after it (line ${lineOf(write.range)}${inCalleeText(write.node)}): ${describeInterleaver(e, first, check)} ${
              first.entry === e
                ? 'can run at this commit point and pass the same check (time-of-check/time-of-use, e.g. a double spend)'
                : 'can run at this commit point and change it, so the check may no longer hold when the write happens (time-of-check/time-of-use)'
            }.`,
            {
              state: [name],
              commitPoint: cp.await.range,
              related: [
                accessNote(check, 'checks'),
                ...checkedBeforeNote(check),
                // The same check in other impls of a call that runs one of several: each is its own window.
                ...cp.checkedReads
                  .filter((c) => c !== check && c.state.root === check.state.root && alternatives(c, check))
                  .slice(0, 3)
                  .flatMap(checkedBeforeNote),
                ...commitSiteNotes(cp),
                ...checkCommitNotes(cp, check),
                accessNote(write, 'writes'),
                ...otherChecks.flatMap((c) => [accessNote(c, 'also checks'), ...checkCommitNotes(cp, c)]),
                ...writers
                  .filter((w) => w.entry !== e)
                  .flatMap((w) =>
                    w
                      .groupsWith(check)
                      .slice(0, 1)
                      .map((g) =>
                        accessNote(g.theirs.accesses[0], `interleaver ${quote(w.entry.ir.name)} writes`),
                      ),
                  ),
              ],
            },
          ),
        );
      }
    }
    return out;
  },
};
