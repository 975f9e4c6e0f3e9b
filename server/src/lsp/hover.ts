/** Hover at an `await`: its classification, why, and the exposure there (carried reads, in-flight writes, interleavers). */
import type { Analysis, CommitPointInfo, EntryAnalysis } from '../model/analysis';
import { stateName, type Pos } from '../model/ir';
import { sameCallerOnly } from '../model/state-index';
import { containsPos } from '../text/positions';

const kindTitle = {
  commit: 'Commit point',
  maybe: 'Possible commit point',
  none: 'Not a commit point',
} as const;

export function commitPointAt(
  analysis: Analysis,
  file: string,
  pos: Pos,
): [EntryAnalysis, CommitPointInfo] | undefined {
  for (const e of analysis.entryPoints) {
    for (const cp of e.commitPoints) {
      if (cp.file !== file) continue;
      if (containsPos(cp.await.range, pos) || containsPos(cp.await.exprRange, pos)) {
        if (containsPos(cp.await.range, pos)) return [e, cp];
      }
    }
  }
  return undefined;
}

export function hoverMarkdown(analysis: Analysis, file: string, pos: Pos): string | undefined {
  const hit = commitPointAt(analysis, file, pos);
  if (hit) return explainCommitPoint(hit[0], hit[1]);
  const model = analysis.files.find((f) => f.file === file);
  const a = model?.awaits.find((x) => containsPos(x.range, pos));
  if (!a) return undefined;
  return `**${kindTitle[a.commit]}** \`${a.keyword}\` in \`${a.functionName}\`\n\n${a.reason}`;
}

export function explainCommitPoint(e: EntryAnalysis, cp: CommitPointInfo): string {
  const a = cp.await;
  const lines = [`**${kindTitle[a.commit]}** \`${a.keyword}\` in \`${e.ir.name}\``, '', a.reason];
  if (cp.index === undefined) return lines.join('\n');
  lines.push(
    '',
    `Segment ${cp.index - 1} ends here and segment ${cp.index} starts when the call returns. State changed before this point is committed; other messages can run before the method resumes; a trap after it rolls back only to here.`,
  );
  if (cp.inLoop)
    lines.push(
      '',
      'This await is in a loop: its segment can reach it again, so it commits once per iteration.',
    );
  if (e.exposureSkipped !== undefined)
    lines.push(
      '',
      `**Exposure not computed** (${e.exposureSkipped}): which other messages can run here and what they touch is not known, and no finding that needs it is given. Raise \`commitPoints.memoryBudgetMB\` or analyse fewer files at once.`,
    );
  const names = (xs: { state: { root: string; field?: string } }[]) =>
    capped([...new Set(xs.map((x) => `\`${stateName(x.state)}\``))]).join(', ');
  if (cp.carriedReads.length) lines.push('', `**Relies on across it:** ${names(cp.carriedReads)}`);
  if (cp.inFlightWrites.length)
    lines.push('', `**Visible to others while suspended:** ${names(cp.inFlightWrites)}`);
  if (cp.locksHeld.length)
    lines.push('', `**Lock held:** ${names(cp.locksHeld.map((l) => ({ state: l.state })))}`);
  const touching = cp.touching;
  if (touching.length) {
    lines.push('', '**Can interleave here and touch that state:**');
    for (const i of touching.slice(0, MAX_LISTED)) {
      const what = capped([
        ...new Set(
          i.groups.map(
            (g) => `${g.theirs.kind === 'write' ? 'writes' : 'reads'} \`${stateName(g.theirs.state)}\``,
          ),
        ),
      ]).join(', ');
      const same = i.groups.every((g) => sameCallerOnly(g))
        ? ' — only calls by the same caller conflict (keyed by the caller)'
        : '';
      const lock = i.excludedByLock ? ' — excluded by the lock held here' : '';
      lines.push(`- \`${i.entry.ir.name}\` (segment ${i.segments.join(', ')}): ${what}${same}${lock}`);
    }
    if (touching.length > MAX_LISTED) lines.push(`- and ${touching.length - MAX_LISTED} more`);
  }
  // Every other entry point that can run here: listed on demand, for this hover only.
  const harmless = cp.interleavers.filter((i) => i.harmless);
  if (harmless.length)
    lines.push(
      '',
      `**Harmless interleavers** (share no state): ${capped(harmless.map((i) => `\`${i.entry.ir.name}\``)).join(', ')}`,
    );
  return lines.join('\n');
}

/** Lists in a hover stay readable: the first few, then how many more (the timeline shows them all). */
const MAX_LISTED = 8;

function capped(items: string[]): string[] {
  return items.length <= MAX_LISTED
    ? items
    : [...items.slice(0, MAX_LISTED), `and ${items.length - MAX_LISTED} more`];
}
