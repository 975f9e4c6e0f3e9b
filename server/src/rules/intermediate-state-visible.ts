import { stateName } from '../model/ir';
import { accessNote, commitPoints, cpLine, describeInterleaver, finding, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'intermediate-state-visible',
  severity: 'info',
  title: 'Intermediate state visible to other messages',
  description:
    'State written before a commit point is read by another entry point while the method is suspended at it.',
  fix: 'Make sure the intermediate value is a valid state for every reader (e.g. a pending marker), or move the write after the await.',
  languages: ['motoko', 'rust'],
};

const MAX_RELATED_READERS = 10;

export const intermediateStateVisible: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const { count, first: readers, written } = cp.exposure.readers(e.ir.name, MAX_RELATED_READERS);
      if (!count) continue;
      const names = [...new Set([...written].map((w) => stateName(w.state)))];
      const first = readers[0];
      out.push(
        finding(
          meta,
          e,
          cp.await.range,
          `While ${quote(e.ir.name)} is suspended at ${cpLine(cp)}, ${describeInterleaver(e, first.interleaver, first.firstRead.mine[0])}${count > 1 ? ` and ${count - 1} more` : ''} can read the intermediate ${names.map(quote).join(', ')} written before it.`,
          {
            state: names,
            commitPoint: cp.await.range,
            related: [
              ...[...written].map((w) => accessNote(w, 'writes')),
              // One read per interleaver, for the first few: enough to navigate, bounded for huge canisters.
              ...readers.map((r) =>
                accessNote(r.firstRead.theirs.accesses[0], `${quote(r.interleaver.entry.ir.name)} reads`),
              ),
            ],
          },
        ),
      );
    }
    return out;
  },
};
