/** Small shared pieces for rule modules: finding construction and wording. */
import type { Access, Analysis, CommitPointInfo, EntryAnalysis, Interleaver } from '../../model/analysis';
import { stateName, type Range } from '../../model/ir';
import { reportSite } from '../../model/inline-frames';
import { sameCallerOnly } from '../../model/state-index';
import type { Finding, RelatedLocation, RuleMeta } from '../types';

export function* commitPoints(analysis: Analysis): Generator<[EntryAnalysis, CommitPointInfo]> {
  for (const e of analysis.entryPoints) {
    for (const cp of e.commitPoints) if (cp.index !== undefined) yield [e, cp];
  }
}

export function lineOf(range: Range): number {
  return range.start.line + 1;
}

export function quote(name: string): string {
  return `\`${name}\``;
}

/** Points at the access itself: in the callee's body when it happens in a called function or helper. */
export function accessNote(a: Access, what: string): RelatedLocation {
  const site = a.node.inCallee;
  if (site)
    return {
      file: site.file,
      range: site.range,
      message: `${what} ${quote(stateName(a.state))} here, in ${quote(site.fn)} (called at line ${lineOf(a.range)})`,
    };
  return { file: a.file, range: a.range, message: `${what} ${quote(stateName(a.state))} here` };
}

/** ` in `f`` when the access or trap happens in a called function's body, else nothing. */
export function inCalleeText(node: { inCallee?: { fn: string } }): string {
  return node.inCallee ? ` in ${quote(node.inCallee.fn)}` : '';
}

export function finding(
  meta: RuleMeta,
  e: EntryAnalysis,
  range: Range,
  message: string,
  opts: { state?: string[]; commitPoint?: Range; related?: RelatedLocation[]; file?: string } = {},
): Finding {
  // A commit point in code run inline is reported where the code the finding is about is written.
  const cpFile = opts.file === undefined ? fileOfCommitPoint(e, range) : undefined;
  const site =
    cpFile !== undefined
      ? reportSite(
          e,
          range,
          cpFile,
          (opts.related ?? []).map((r) => r.range),
        )
      : { range, file: opts.file ?? e.file };
  return {
    rule: meta.id,
    severity: meta.severity,
    file: site.file,
    range: site.range,
    entryPoint: e.ir.name,
    state: [...new Set(opts.state ?? [])].sort(),
    ...(opts.commitPoint ? { commitPoint: opts.commitPoint } : {}),
    message,
    related: dedupeRelated(opts.related ?? []),
  };
}

/** Interleavers that write the given state (the method itself included), where no held lock rules it out. */
export function writersOf(cp: CommitPointInfo, state: Access): Interleaver[] {
  return cp.exposure.writers(state);
}

/** "another `withdraw`" or "`lockFunds`", plus the same-caller note when keyed by the caller. */
export function describeInterleaver(me: EntryAnalysis, i: Interleaver, state?: Access): string {
  const name =
    i.entry.ir.name === me.ir.name ? `another call of ${quote(me.ir.name)}` : quote(i.entry.ir.name);
  const about = state ? i.groupsWith(state) : [];
  const sameCaller = state !== undefined && about.length > 0 && about.every((g) => sameCallerOnly(g, state));
  return sameCaller ? `${name} (by the same caller: the state is keyed by the caller)` : name;
}

/**
 * True when `a` happens before `b` on some path of one iteration (b reachable from a without a loop's back
 * edge): what one iteration does after its call is not "before" the next iteration's call (SPEC §5).
 */
export function happensBefore(e: EntryAnalysis, a: number[], b: number[]): boolean {
  return e.reach.beforeInOrder(a, b);
}

export function awaitFlat(e: EntryAnalysis, cp: CommitPointInfo): number[] {
  return e.cfg.awaitNode.get(cp.await.id) ?? [];
}

/** Where an await on a workspace function really suspends: its commit point inside the callee, and so on down. */
export function commitSiteNotes(cp: CommitPointInfo): RelatedLocation[] {
  return (cp.await.within ?? []).map((w, i) => ({
    file: w.file,
    range: w.range,
    message: i === 0 ? 'the callee suspends at this commit point' : 'which suspends at this commit point',
  }));
}

/**
 * For a check made inside a callee: the callee's own commit point that follows it (the await the check goes
 * stale across), when the commit point's chain of callees does not already show it.
 */
export function checkCommitNotes(cp: CommitPointInfo, check: Access): RelatedLocation[] {
  const next = check.node.kind === 'read' ? check.node.commitNext : undefined;
  if (!next?.length) return [];
  const shown = new Set((cp.await.within ?? []).map((w) => `${w.file}:${w.range.start.line}`));
  const first = next.findIndex((w) => !shown.has(`${w.file}:${w.range.start.line}`));
  if (first < 0) return [];
  return next.slice(first).map((w, i) => ({
    file: w.file,
    range: w.range,
    message: i === 0 ? 'after this check the call suspends here' : 'which suspends at this commit point',
  }));
}

/** ` (inside the callee, at lib.rs:45)` when the await waits on a workspace function that commits inside. */
export function commitSiteText(cp: CommitPointInfo): string {
  const w = cp.await.within?.[0];
  return w ? ` (the call suspends inside it, at ${w.file.split(/[\\/]/).pop()}:${lineOf(w.range)})` : '';
}

export function cpLine(cp: CommitPointInfo): string {
  return `the commit point at line ${lineOf(cp.await.range)}`;
}

/** The file of the commit point at `range` (its code may be another file's, run inline in the entry point). */
function fileOfCommitPoint(e: EntryAnalysis, range: Range): string | undefined {
  return e.commitPoints.find((cp) => cp.await.range === range)?.file;
}

function dedupeRelated(list: RelatedLocation[]): RelatedLocation[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = `${r.file}:${r.range.start.line}:${r.range.start.character}:${r.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
