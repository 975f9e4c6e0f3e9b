/** The scenario the timeline panel shows when the user asks for one: the method at the cursor and who interleaves it. */
import type { EntryAnalysis } from '../model/analysis';

export function defaultScenario(entries: EntryAnalysis[], line?: number): { name: string; count: number }[] {
  const atCursor =
    line === undefined
      ? undefined
      : entries.find((e) => e.ir.range.start.line <= line && line <= e.ir.range.end.line);
  const chosen =
    atCursor ?? entries.find((e) => e.commitPoints.some((c) => c.index !== undefined)) ?? entries[0];
  if (!chosen) return [];
  const others = new Set<string>();
  for (const cp of chosen.commitPoints) {
    for (const i of cp.interleavers)
      if (!i.harmless && i.entry.ir.name !== chosen.ir.name) others.add(i.entry.ir.name);
  }
  return [{ name: chosen.ir.name, count: 2 }, ...[...others].slice(0, 4).map((name) => ({ name, count: 1 }))];
}
