import { stateName } from '../model/ir';
import { failureHandling, writesBack } from './support/failure-paths';
import { accessNote, commitPoints, commitSiteNotes, cpLine, finding, quote } from './support/helpers';
import { operationWrites } from './support/relevance';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'no-rollback-on-failure',
  severity: 'warning',
  title: 'State changed before a call is not restored when the call fails',
  description:
    'State changed before a commit point stays changed when the call fails: nothing on the failure path writes it back.',
  fix: 'Handle the failure (Rust: match the `Err`; Motoko: `try … catch` and the error variant) and restore the state there.',
  languages: ['motoko', 'rust'],
};

export const noRollbackOnFailure: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const a = cp.await;
      if (!a.call || a.handling === 'unwrapped') continue;
      // Rust: an `async fn` that returns nothing and checks its own calls' results handles their failures
      // itself; its caller is told of none, so there is no failure path here to restore anything on.
      if (e.language === 'rust' && a.handling === 'unit') continue;
      const writes = operationWrites(e, cp);
      if (!writes.length) continue;
      const h = failureHandling(e, cp);
      // Motoko: a reject throws, so `catch`/`finally` must restore; an error variant needs its own restore.
      // Rust: a reject is an `Err` of the result, handled like any other error.
      const motoko = e.language === 'motoko';
      const restoredOnReject = (w: (typeof writes)[number]) =>
        writesBack(h.rejectWrites, w) || (h.rejectReachesResult && writesBack(h.resultWrites, w));
      const restoredOnError = (w: (typeof writes)[number]) =>
        writesBack(h.resultWrites, w) ||
        writesBack(h.finallyWrites, w) ||
        (motoko && !h.resultBranches.some((b) => b.failureArms?.includes(true)));
      const missing = writes.filter((w) =>
        motoko ? !restoredOnReject(w) || !restoredOnError(w) : !writesBack(h.handlerWrites, w),
      );
      if (!missing.length) continue;
      let why: string;
      if (motoko && !h.caught && !missing.every(restoredOnReject))
        why = 'a reject of the call is not caught (no `try … catch`)';
      else if (motoko && !missing.every(restoredOnReject)) why = 'the `catch` does not restore it';
      else if (motoko) why = 'the error result is not handled by restoring it';
      else if (a.handling === 'ignored') why = 'the call result is ignored';
      else if (a.handling === 'propagated') why = '`?` returns the error without restoring it';
      else if (a.handling === 'returned') why = 'its result goes back to the caller and nothing restores it';
      else if (!h.resultBranches.length) why = 'the call result is never checked';
      else why = 'the failure branch does not restore it';
      const names = [...new Set(missing.map((w) => stateName(w.state)))];
      out.push(
        finding(
          meta,
          e,
          a.range,
          `${names.map(quote).join(', ')} changed before ${cpLine(cp)} stay${names.length === 1 ? 's' : ''} changed if ${quote(a.call.callee)} fails: ${why}. The change was committed at the await and other messages may already rely on it.`,
          {
            state: names,
            commitPoint: a.range,
            // Where the call that may fail really is, when the await waits on a helper that makes it.
            related: [...missing.map((w) => accessNote(w, 'changes')), ...commitSiteNotes(cp)],
          },
        ),
      );
    }
    return out;
  },
};
