import { stateName } from '../model/ir';
import { finding, lineOf, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'refcell-borrow-across-await',
  severity: 'warning',
  title: 'RefCell borrow alive across an await',
  description:
    'A `RefCell` borrow is alive across an `.await`: other messages that run at the commit point and borrow the same cell panic.',
  fix: 'Drop the borrow before the await: copy what you need out of it, or scope it in a block or `with` closure.',
  languages: ['rust'],
};

export const refcellBorrowAcrossAwait: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind !== 'borrow-across-await' || out.some((x) => x.related[0]?.range === n.range)) continue;
        out.push(
          finding(
            meta,
            e,
            n.awaitRange,
            `The borrow ${quote(n.name)}${n.state ? ` of ${quote(stateName(n.state))}` : ''} is still alive at the \`.await\` on line ${lineOf(n.awaitRange)}: any message that borrows it while this one is suspended panics.`,
            {
              state: n.state ? [stateName(n.state)] : [],
              commitPoint: n.awaitRange,
              related: [{ file: e.file, range: n.range, message: `${quote(n.name)} borrows here` }],
            },
          ),
        );
      }
    }
    return out;
  },
};
