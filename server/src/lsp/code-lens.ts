/** A lens above each entry point that awaits: its commit points, segments and who interleaves it. */
import type { CodeLens } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { Range } from '../model/ir';

export const SHOW_TIMELINE = 'commitPoints.showTimeline';

/**
 * `withCommands`: the client runs our commands (our VS Code client says so in `initializationOptions`). Other
 * clients get title-only lenses (an empty command, which LSP clients show as text): a lens without `command`
 * would make them ask `codeLens/resolve`, and a command they do not know fails when clicked.
 * `place`: where an entry point's name is in the current text (an analysis of an older text moves its lenses),
 * undefined to leave it out.
 */
export function codeLensesFor(
  analysis: Analysis,
  file: string,
  uri: string,
  withCommands: boolean,
  place: (r: Range) => Range | undefined = (r) => r,
): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const e of analysis.entryPoints) {
    if (e.file !== file || !e.commitPoints.length) continue;
    const range = place(e.ir.nameRange);
    if (!range) continue;
    const commits = e.commitPoints.filter((c) => c.index !== undefined).length;
    const others = new Set<string>();
    for (const cp of e.commitPoints) {
      for (const i of cp.touching) if (!i.excludedByLock) others.add(i.entry.ir.name);
    }
    const parts = [
      commits === 0 ? 'no commit point' : `${commits} commit point${commits === 1 ? '' : 's'}`,
      `${e.segments.length} segment${e.segments.length === 1 ? '' : 's'}`,
    ];
    if (e.exposureSkipped !== undefined && commits) parts.push('exposure not computed (memory budget)');
    else if (others.size) {
      const names = [...others].map((n) => (n === e.ir.name ? `${n} (itself)` : n));
      parts.push(
        `interleaved by ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` +${names.length - 3}` : ''}`,
      );
    }
    const title = parts.join(' · ');
    lenses.push({
      range,
      command:
        withCommands && commits
          ? { title, command: SHOW_TIMELINE, arguments: [uri, range.start.line] }
          : { title, command: '' },
    });
  }
  return lenses;
}
