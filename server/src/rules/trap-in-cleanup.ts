import { finding, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'trap-in-cleanup',
  severity: 'warning',
  title: 'Cleanup code that may trap',
  description:
    'A `finally` block or a guard’s `Drop` may itself trap, so the cleanup it exists for does not happen.',
  fix: 'Make cleanup infallible: no `unwrap`, indexing, assertions or `Nat` subtraction in `finally` / `Drop`.',
  languages: ['motoko', 'rust'],
};

export const trapInCleanup: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const e of analysis.entryPoints) {
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind === 'trap' && f.inFinally) {
          const key = `${e.file}:${n.range.start.line}:${n.range.start.character}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(
            finding(
              meta,
              e,
              n.range,
              `This \`finally\` code of ${quote(e.ir.name)} may trap (${n.cause}): the cleanup it should do is rolled back with it.`,
            ),
          );
        }
        if (n.kind === 'guard' && n.dropMayTrap) {
          const d = n.dropMayTrap;
          const key = `${d.file}:${d.range.start.line}:${d.range.start.character}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(
            finding(
              meta,
              e,
              d.range,
              `The \`Drop\` of ${quote(n.typeName)} may trap (${d.cause}): when it runs in cleanup after a trap, the lock is not released.`,
              {
                file: d.file,
                related: [{ file: e.file, range: n.range, message: `${quote(n.typeName)} is used here` }],
              },
            ),
          );
        }
      }
    }
    return out;
  },
};
