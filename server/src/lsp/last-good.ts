/**
 * While a file has syntax errors, the findings of the methods that did not change are those of its last analysis
 * without errors (as rust-analyzer keeps its last good results): a half-typed line in one method must not make
 * the other methods' findings vanish or flicker. Only the edited method shows what the current analysis found.
 */
import type { FileModel, Range } from '../model/ir';
import type { Finding } from '../rules/types';

interface GoodAnalysis {
  lines: string[];
  findings: Finding[];
  /** Line spans (inclusive) of the file's methods, so an edit inside one invalidates all of it. */
  parts: [first: number, last: number][];
}

/** The lines of the old text that changed, and how far the lines after them moved. */
interface LineEdit {
  /** Old lines `from..to` (inclusive; `to < from` for a pure insertion) are no longer valid. */
  from: number;
  to: number;
  delta: number;
}

/** One edited region: the common prefix and suffix of lines are unchanged (typing edits one place at a time). */
function lineEdit(before: string[], after: string[]): LineEdit {
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix])
    suffix++;
  return { from: prefix, to: before.length - 1 - suffix, delta: after.length - before.length };
}

function shiftRange(r: Range, delta: number): Range {
  return {
    start: { line: r.start.line + delta, character: r.start.character },
    end: { line: r.end.line + delta, character: r.end.character },
  };
}

export class LastGoodFindings {
  private readonly good = new Map<string, GoodAnalysis>();

  /**
   * The findings to show for `file` (whose analysed text is `text`), given the current ones. A file analysed
   * while no file of its group has syntax errors becomes the new last good analysis.
   */
  findingsFor(file: FileModel, text: string, current: Finding[], groupHasErrors: boolean): Finding[] {
    const mine = current.filter((f) => f.file === file.file);
    const lines = text.split('\n');
    if (!groupHasErrors) {
      const parts = file.entryPoints.map((e): [number, number] => [e.range.start.line, e.range.end.line]);
      this.good.set(file.file, { lines, findings: mine, parts });
      return mine;
    }
    const good = this.good.get(file.file);
    if (!good) return mine;
    const edit = lineEdit(good.lines, lines);
    // The edited lines grow to the methods they touch: a changed method keeps none of its old findings.
    let [from, to] = [edit.from, Math.max(edit.to, edit.from - 1)];
    for (const [first, last] of good.parts)
      if (first <= Math.max(to, from) && last >= from)
        [from, to] = [Math.min(from, first), Math.max(to, last)];
    const stale = (line: number) => line >= from && line <= to;
    const moved = (r: Range): Range => (r.start.line > to ? shiftRange(r, edit.delta) : r);
    const kept = good.findings
      .filter((f) => !stale(f.range.start.line))
      .map((f) => ({
        ...f,
        range: moved(f.range),
        ...(f.commitPoint ? { commitPoint: moved(f.commitPoint) } : {}),
        related: f.related
          .filter((r) => r.file !== file.file || !stale(r.range.start.line))
          .map((r) => (r.file === file.file ? { ...r, range: moved(r.range) } : r)),
      }));
    // The current analysis speaks for the edited region (in the new text's lines).
    const fresh = mine.filter((f) => f.range.start.line >= from && f.range.start.line <= to + edit.delta);
    return [...kept, ...fresh];
  }

  forget(path: string): void {
    this.good.delete(path);
  }
}
