import { stateName, type WriteNode } from '../model/ir';
import { finding, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'query-state-write',
  severity: 'info',
  title: 'Query writes state',
  description: 'A query writes state; the write is discarded when the query returns.',
  fix: 'Make the method an update if the change must persist, or compute on a local copy.',
  languages: ['motoko', 'rust'],
};

export const queryStateWrite: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      if (e.ir.kind !== 'query' && e.ir.kind !== 'composite-query') continue;
      // One finding per place: a helper called there may write many parts of the state at once.
      const byPlace = new Map<string, { range: (typeof e.accesses)[number]['range']; states: Set<string> }>();
      for (const w of e.accesses) {
        // A method of unknown effect (`rel.get0(k)`) may only read: never a finding on its own (SPEC §5).
        if (w.kind !== 'write' || (w.node as WriteNode).unknown) continue;
        const key = `${w.range.start.line}:${w.range.start.character}:${w.range.end.line}:${w.range.end.character}`;
        const place = byPlace.get(key) ?? { range: w.range, states: new Set<string>() };
        place.states.add(stateName(w.state));
        byPlace.set(key, place);
      }
      for (const { range, states } of byPlace.values()) {
        const names = [...states];
        out.push(
          finding(
            meta,
            e,
            range,
            `The query ${quote(e.ir.name)} writes ${names.map(quote).join(', ')}: the change is discarded when the query returns.`,
            { state: names },
          ),
        );
      }
    }
    return out;
  },
};
