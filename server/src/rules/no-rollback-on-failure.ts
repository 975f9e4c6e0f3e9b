import { stateName } from '../model/ir';
import { compensates, failureHandling, undoableWrites } from './failure-paths';
import { accessNote, commitPoints, cpLine, finding, quote } from './helpers';
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
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const a = cp.await;
      if (!a.call || a.handling === 'unwrapped') continue;
      const writes = undoableWrites(cp);
      if (!writes.length) continue;
      const h = failureHandling(e, cp);
      const missing = writes.filter((w) => !compensates(h, w));
      if (!missing.length) continue;
      let why: string;
      if (e.language === 'motoko' && !h.caught) why = 'a reject of the call is not caught (no `try … catch`)';
      else if (e.language === 'motoko') why = 'the `catch` does not restore it';
      else if (a.handling === 'ignored') why = 'the call result is ignored';
      else if (a.handling === 'propagated') why = '`?` returns the error without restoring it';
      else if (!h.resultBranches.length) why = 'the call result is never checked';
      else why = 'the failure branch does not restore it';
      const names = [...new Set(missing.map((w) => stateName(w.state)))];
      out.push(
        finding(
          meta,
          e,
          a.range,
          `${names.map(quote).join(', ')} changed before ${cpLine(cp)} stay${names.length === 1 ? 's' : ''} changed if ${quote(a.call.callee)} fails: ${why}. The change was committed at the await and other messages may already rely on it.`,
          { state: names, commitPoint: a.range, related: missing.map((w) => accessNote(w, 'changes')) },
        ),
      );
    }
    return out;
  },
};
