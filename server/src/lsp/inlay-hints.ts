/** Inlay hints after each `await`: its kind, and how many entry points can interleave there and touch its state. */
import type { InlayHint } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { FileModel, Pos } from '../model/ir';

/**
 * `text` is the file's current text: with it, a Rust hint goes after the `?`s that follow `.await` (a hint
 * between `.await` and `?` would read as `.await ⟂ commit point?`).
 */
export function inlayHintsFor(analysis: Analysis, file: FileModel, text?: string): InlayHint[] {
  const lines = file.language === 'rust' && text !== undefined ? text.split('\n') : undefined;
  const at = (end: Pos) => (lines ? afterQuestionMarks(lines, end) : end);
  const hints: InlayHint[] = [];
  const seen = new Set<string>();
  for (const e of analysis.entryPoints) {
    for (const cp of e.commitPoints) {
      // An await of another file's code run inline here is hinted in its own file, once.
      if (cp.file !== file.file) continue;
      const a = cp.await;
      if (seen.has(`${a.range.start.line}:${a.range.start.character}`)) continue;
      const touching = cp.touching.filter((i) => !i.excludedByLock).length;
      // Past the memory budget the interleavers are not known: "0" would read as "none can interleave".
      const exposure =
        e.exposureSkipped !== undefined
          ? ' · exposure not computed'
          : touching
            ? ` · ${touching} interleaver${touching === 1 ? '' : 's'}`
            : '';
      const label =
        a.commit === 'none'
          ? 'not a commit point'
          : `${a.commit === 'maybe' ? 'maybe ' : ''}commit point${exposure}`;
      seen.add(`${a.range.start.line}:${a.range.start.character}`);
      hints.push({ position: at(a.range.end), label: ` ⟂ ${label}`, paddingLeft: true, tooltip: a.reason });
    }
  }
  for (const a of file.awaits) {
    if (seen.has(`${a.range.start.line}:${a.range.start.character}`)) continue;
    const label =
      a.commit === 'none' ? 'not a commit point' : `${a.commit === 'maybe' ? 'maybe ' : ''}commit point`;
    hints.push({ position: at(a.range.end), label: ` ⟂ ${label}`, paddingLeft: true, tooltip: a.reason });
  }
  return hints;
}

/** `end` moved past the `?` operators (spaces between allowed) that follow it on its line. */
export function afterQuestionMarks(lines: string[], end: Pos): Pos {
  const line = lines[end.line];
  if (line === undefined) return end;
  let character = end.character;
  for (let i = end.character; i < line.length; i++) {
    if (line[i] === '?') character = i + 1;
    else if (line[i] !== ' ' && line[i] !== '\t') break;
  }
  return character === end.character ? end : { line: end.line, character };
}
