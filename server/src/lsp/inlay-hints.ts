/** Inlay hints after each `await`: its kind, and how many entry points can interleave there and touch its state. */
import type { InlayHint } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { FileModel } from '../model/ir';

export function inlayHintsFor(analysis: Analysis, file: FileModel): InlayHint[] {
  const hints: InlayHint[] = [];
  const seen = new Set<string>();
  for (const e of analysis.entryPoints) {
    if (e.file !== file.file) continue;
    for (const cp of e.commitPoints) {
      const a = cp.await;
      const touching = cp.interleavers.filter((i) => !i.harmless && !i.excludedByLock).length;
      const label =
        a.commit === 'none'
          ? 'not a commit point'
          : `${a.commit === 'maybe' ? 'maybe ' : ''}commit point${touching ? ` · ${touching} interleaver${touching === 1 ? '' : 's'}` : ''}`;
      seen.add(`${a.range.start.line}:${a.range.start.character}`);
      hints.push({ position: a.range.end, label: ` ⟂ ${label}`, paddingLeft: true, tooltip: a.reason });
    }
  }
  for (const a of file.awaits) {
    if (seen.has(`${a.range.start.line}:${a.range.start.character}`)) continue;
    const label =
      a.commit === 'none' ? 'not a commit point' : `${a.commit === 'maybe' ? 'maybe ' : ''}commit point`;
    hints.push({ position: a.range.end, label: ` ⟂ ${label}`, paddingLeft: true, tooltip: a.reason });
  }
  return hints;
}
