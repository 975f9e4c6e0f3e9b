import { finding, quote } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'unawaited-async-star',
  severity: 'warning',
  title: '`async*` value never awaited',
  description: 'An `async*` value that is never `await*`ed does nothing: its body does not run.',
  fix: 'Run it with `await*`, or make the function `async` if it should run as its own message.',
  languages: ['motoko'],
};

export const unawaitedAsyncStar: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind !== 'unawaited-async-star' || out.some((x) => x.range === n.range)) continue;
        out.push(
          finding(
            meta,
            e,
            n.range,
            `${quote(n.callee)} returns an \`async*\` computation that is never \`await*\`ed: its body never runs.`,
          ),
        );
      }
    }
    return out;
  },
};
