import { finding, lineOf } from './support/helpers';
import type { Finding, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'caller-after-await',
  severity: 'info',
  title: 'Caller read after a commit point',
  description: 'The caller is read after a commit point instead of being bound once before it.',
  fix: 'Bind `let caller = ic_cdk::api::msg_caller();` at the start of the method and use that.',
  languages: ['rust'],
};

export const callerAfterAwait: Rule = {
  meta,
  check(analysis) {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      for (const f of e.cfg.nodes) {
        if (f.node.kind !== 'caller') continue;
        const segs = [...(e.segOf.get(f.idx) ?? [])].filter((s) => s > 0);
        if (!segs.length) continue;
        const cp = e.commitPoints.find((c) => c.index === Math.min(...segs));
        if (!cp || out.some((x) => x.range === cp.await.range)) continue;
        out.push(
          finding(
            meta,
            e,
            cp.await.range,
            `The caller is read again after the commit point at line ${lineOf(cp.await.range)} (line ${lineOf(f.node.range)}); bind it once before the first await so the code after it clearly uses the original caller.`,
            {
              commitPoint: cp.await.range,
              related: [{ file: e.file, range: f.node.range, message: 'the caller is read here' }],
            },
          ),
        );
      }
    }
    return out;
  },
};
