/**
 * Where to report a finding about a commit point that sits in code run inline (a Motoko `async*` body at an
 * `await*` of it, possibly in another file, possibly nested). The commit point itself may be deep in a shared
 * helper (a ledger wrapper's `await`) that none of the finding's accesses are in; the finding belongs where
 * the code it is about is written: in the innermost inlined body on the way to the commit point that holds one
 * of its accesses, at the `await*` through which that body reaches the commit point.
 */
import type { EntryAnalysis } from './analysis';
import type { BlockNode, Node, Range } from './ir';

interface Frames {
  /** For each node's range: the inlined blocks around the node, outermost first. */
  byRange: Map<Range, BlockNode[]>;
}

const cache = new WeakMap<EntryAnalysis, Frames>();

function framesOf(e: EntryAnalysis): Frames {
  const known = cache.get(e);
  if (known) return known;
  const byRange = new Map<Range, BlockNode[]>();
  const walk = (nodes: Node[], chain: BlockNode[]) => {
    for (const n of nodes) {
      if (!byRange.has(n.range)) byRange.set(n.range, chain);
      // A related location into a callee's own line (`inCallee`) stands for the access made here.
      const site = 'inCallee' in n ? n.inCallee?.range : undefined;
      if (site && !byRange.has(site)) byRange.set(site, chain);
      if (n.kind === 'branch') n.arms.forEach((arm) => walk(arm, chain));
      else if (n.kind === 'loop') walk(n.body, chain);
      else if (n.kind === 'block') walk(n.body, n.inlined !== undefined ? [...chain, n] : chain);
      else if (n.kind === 'try') {
        walk(n.body, chain);
        walk(n.catchBody ?? [], chain);
        walk(n.finallyBody ?? [], chain);
      }
    }
  };
  walk(e.ir.body, []);
  const frames = { byRange };
  cache.set(e, frames);
  return frames;
}

/**
 * The site to report a finding at: the commit point's own `range`/`file`, or the `await*` call (an inlined
 * block's range) in the innermost body on the way to it that holds one of `related` (ranges of accesses).
 */
export function reportSite(
  e: EntryAnalysis,
  commitPoint: Range,
  commitFile: string,
  related: Range[],
): { range: Range; file: string } {
  const { byRange } = framesOf(e);
  const chain = byRange.get(commitPoint);
  if (!chain || chain.length === 0) return { range: commitPoint, file: commitFile };
  let deepest = 0;
  for (const r of related) {
    const other = byRange.get(r);
    if (!other) continue;
    let i = 0;
    while (i < chain.length && i < other.length && other[i] === chain[i]) i++;
    deepest = Math.max(deepest, i);
  }
  if (deepest === chain.length) return { range: commitPoint, file: commitFile };
  const site = chain[deepest];
  return { range: site.range, file: site.file ?? e.file };
}
