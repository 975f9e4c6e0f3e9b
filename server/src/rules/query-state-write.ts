import { stateName } from '../model/ir';
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
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      if (e.ir.kind !== 'query' && e.ir.kind !== 'composite-query') continue;
      for (const w of e.accesses) {
        if (w.kind !== 'write') continue;
        out.push(
          finding(
            meta,
            e,
            w.range,
            `The query ${quote(e.ir.name)} writes ${quote(stateName(w.state))}: the change is discarded when the query returns.`,
            { state: [stateName(w.state)] },
          ),
        );
      }
    }
    return out;
  },
};
