import type { Access, Interleaver } from '../model/analysis';
import type { ConflictGroup } from '../model/state-index';
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
      // A group of reads conflicts with in-flight writes only (reads-in-flight-write). Worked out once per
      // interleaver: a large canister has many commit points, each with many interleavers.
      const groupsOf = new Map<Interleaver, ConflictGroup[]>();
      for (const i of cp.touching) {
        if (i.entry.ir.name === e.ir.name || i.excludedByLock) continue;
        const groups = i.groups.filter((g) => g.theirs.kind === 'read');
        if (groups.length > 0) groupsOf.set(i, groups);
      }
      if (!groupsOf.size) continue;
      const readers = [...groupsOf.keys()];
      const readGroups = (i: Interleaver) => groupsOf.get(i) ?? [];
      const written = writesSeen(readers.map(readGroups));
      const names = [...new Set([...written].map((w) => stateName(w.state)))];
      const first = readers[0];
      const firstGroup = readGroups(first)[0];
      out.push(
        finding(
          meta,
          e,
          cp.await.range,
          `While ${quote(e.ir.name)} is suspended at ${cpLine(cp)}, ${describeInterleaver(e, first, firstGroup.mine[0])}${readers.length > 1 ? ` and ${readers.length - 1} more` : ''} can read the intermediate ${names.map(quote).join(', ')} written before it.`,
          {
            state: names,
            commitPoint: cp.await.range,
            related: [
              ...[...written].map((w) => accessNote(w, 'writes')),
              // One read per interleaver, for the first few: enough to navigate, bounded for huge canisters.
              ...readers
                .slice(0, MAX_RELATED_READERS)
                .map((r) =>
                  accessNote(readGroups(r)[0].theirs.accesses[0], `${quote(r.entry.ir.name)} reads`),
                ),
            ],
          },
        ),
      );
    }
    return out;
  },
};

/**
 * The writes the readers see, each once in first-seen order. Every interleaver repeats most of them: the groups
 * of one state location share one list of the method's writes (state-index.ts), so each list is walked once.
 */
export function writesSeen(groupsPerReader: readonly ConflictGroup[][]): Set<Access> {
  const written = new Set<Access>();
  const walked = new Set<readonly Access[]>();
  for (const groups of groupsPerReader)
    for (const g of groups) {
      if (walked.has(g.mine)) continue;
      walked.add(g.mine);
      for (const w of g.mine) written.add(w);
    }
  return written;
}
