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
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const readers = cp.interleavers.filter(
        (i) =>
          i.entry.ir.name !== e.ir.name &&
          !i.excludedByLock &&
          i.conflicts.some((c) => c.how === 'reads-in-flight-write'),
      );
      if (!readers.length) continue;
      const conflicts = readers.flatMap((i) => i.conflicts.filter((c) => c.how === 'reads-in-flight-write'));
      const names = [...new Set(conflicts.map((c) => stateName(c.mine.state)))];
      const first = readers[0];
      const firstConflict = first.conflicts.find((c) => c.how === 'reads-in-flight-write')!;
      out.push(
        finding(
          meta,
          e,
          cp.await.range,
          `While ${quote(e.ir.name)} is suspended at ${cpLine(cp)}, ${describeInterleaver(e, first, firstConflict.mine)}${readers.length > 1 ? ` and ${readers.length - 1} more` : ''} can read the intermediate ${names.map(quote).join(', ')} written before it.`,
          {
            state: names,
            commitPoint: cp.await.range,
            related: [
              ...[...new Set(conflicts.map((c) => c.mine))].map((w) => accessNote(w, 'writes')),
              // One read per interleaver, for the first few: enough to navigate, bounded for huge canisters.
              ...readers.slice(0, MAX_RELATED_READERS).map((r) => {
                const c = r.conflicts.find((x) => x.how === 'reads-in-flight-write')!;
                return accessNote(c.theirs, `${quote(r.entry.ir.name)} reads`);
              }),
            ],
          },
        ),
      );
    }
    return out;
  },
};
