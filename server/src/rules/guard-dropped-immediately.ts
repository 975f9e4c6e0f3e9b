import { stateName } from '../model/ir';
import { finding, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'guard-dropped-immediately',
  severity: 'warning',
  title: 'Guard dropped immediately',
  description:
    '`let _ = Guard::new(…)` drops the guard at once: its `Drop` releases the lock before the await it should protect.',
  fix: 'Bind the guard to a named variable (`let _guard = Guard::new(…)?;`) so it lives to the end of the method.',
  languages: ['rust'],
};

export const guardDroppedImmediately: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind !== 'guard' || !n.droppedImmediately) continue;
        if (out.some((x) => x.range === n.range)) continue;
        out.push(
          finding(
            meta,
            e,
            n.range,
            `The ${quote(n.typeName)} guard is dropped immediately, releasing ${quote(stateName(n.lock))} at once: it protects nothing across the commit points of ${quote(e.ir.name)}. Bind it with \`let _guard = …\`.`,
            { state: [stateName(n.lock)] },
          ),
        );
      }
    }
    return out;
  },
};
