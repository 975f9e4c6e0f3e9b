/** The scenario the timeline panel shows when the user asks for one: the method at the cursor and who interleaves it. */
import type { EntryAnalysis } from '../model/analysis';
import type { EntryRange } from '../protocol';

/** More messages than this of one method make a schedule nobody reads (and a slow witness search). */
export const MAX_COUNT = 200;

/** The entry point whose body holds `line`, else the first with a commit point, else the first. */
export function chosenEntry(entries: EntryAnalysis[], line?: number): EntryAnalysis | undefined {
  const atCursor = line === undefined ? undefined : entryAtLine(entries, line);
  return atCursor ?? entries.find((e) => e.commitPoints.some((c) => c.index !== undefined)) ?? entries[0];
}

function entryAtLine(entries: EntryAnalysis[], line: number): EntryAnalysis | undefined {
  return entries.find((e) => e.ir.range.start.line <= line && line <= e.ir.range.end.line);
}

/** The chosen entry point `count` times (default 2), and each entry point that can interleave it once. */
export function defaultScenario(
  entries: EntryAnalysis[],
  line?: number,
  count = 2,
): { name: string; count: number }[] {
  const chosen = chosenEntry(entries, line);
  if (!chosen) return [];
  const others = new Set<string>();
  for (const cp of chosen.commitPoints) {
    for (const i of cp.touching) if (i.entry.ir.name !== chosen.ir.name) others.add(i.entry.ir.name);
  }
  return [
    { name: chosen.ir.name, count: Math.max(1, Math.min(MAX_COUNT, Math.floor(count))) },
    ...[...others].slice(0, 4).map((name) => ({ name, count: 1 })),
  ];
}

/** The lines of a file's entry points, so that the panel can tell when the cursor moves to another method. */
export function entryRanges(entries: EntryAnalysis[]): EntryRange[] {
  return entries.map((e) => ({
    name: e.ir.name,
    startLine: e.ir.range.start.line,
    endLine: e.ir.range.end.line,
  }));
}
