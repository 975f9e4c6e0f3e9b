import type { TrapNode } from '../model/ir';
import { stateName } from '../model/ir';
import { accessNote, commitPoints, cpLine, finding, lineOf, quote } from './support/helpers';
import { operationWrites } from './support/relevance';
import type { Finding, RelatedLocation, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'trap-after-commit',
  severity: 'warning',
  title: 'Code after a commit point may trap',
  description:
    'Code after a commit point may trap while earlier segments already changed state: the trap rolls back only to the commit point, not to the start of the method.',
  fix: 'Avoid traps after the await (handle the error instead), or restore the state in cleanup (`finally` / a `Drop` guard).',
  languages: ['motoko', 'rust'],
};

const causeText: Record<TrapNode['cause'], string> = {
  unwrap: '`unwrap` may panic',
  expect: '`expect` may panic',
  panic: 'this panics',
  index: 'indexing may go out of bounds',
  assert: 'the assertion may fail',
  underflow: '`Nat` subtraction may underflow',
  trap: 'this traps',
  'null-unwrap': '`!` on `null` traps',
  unreachable: 'this traps',
};

export const trapAfterCommit: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const changed = operationWrites(e, cp, true);
      if (!changed.length) continue;
      const traps: { node: TrapNode; related: RelatedLocation }[] = [];
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind !== 'trap' || f.inFinally || !e.segOf.get(f.idx)?.has(cp.index!)) continue;
        // An unwrapped call result is `unwrap-call-result`'s finding.
        if ((n.cause === 'unwrap' || n.cause === 'expect') && n.value && e.flow.awaits(n.value).size > 0)
          continue;
        if (traps.some((t) => t.node === n)) continue;
        traps.push({ node: n, related: { file: e.file, range: n.range, message: causeText[n.cause] } });
      }
      if (!traps.length) continue;
      const names = [...new Set(changed.map((w) => stateName(w.state)))];
      const first = traps[0].node;
      out.push(
        finding(
          meta,
          e,
          cp.await.range,
          `Code after ${cpLine(cp)} may trap (line ${lineOf(first.range)}: ${causeText[first.cause]}); the trap rolls back only to this commit point, so the earlier change${names.length === 1 ? '' : 's'} to ${names.map(quote).join(', ')} stay${names.length === 1 ? 's' : ''}.`,
          {
            state: names,
            commitPoint: cp.await.range,
            related: [...traps.map((t) => t.related), ...changed.map((w) => accessNote(w, 'changes'))],
          },
        ),
      );
    }
    return out;
  },
};
