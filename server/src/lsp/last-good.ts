/**
 * While a file has syntax errors, the methods that did not change keep what the last analysis without errors
 * said about them (as rust-analyzer keeps its last good results): findings, hovers, inlay hints and code lenses.
 * A half-typed line in one method must not make the other methods' results vanish or flicker. Only the edited
 * method shows what the current analysis found.
 */
import type { FileModel, Pos, Range } from '../model/ir';
import type { Finding } from '../rules/types';
import type { WorkspaceResult } from '../workspace/analyze';

interface GoodAnalysis {
  text: string;
  file: FileModel;
  /** Undefined once dropped to save memory: only the findings are kept then. */
  result: WorkspaceResult | undefined;
  findings: Finding[];
  /** Line spans (inclusive) of the file's methods, so an edit inside one invalidates all of it. */
  parts: [first: number, last: number][];
}

/** The last good analysis of a file that has (or whose group has) syntax errors now, and how its lines moved. */
export interface LastGoodView {
  result: WorkspaceResult;
  file: FileModel;
  /** The text that analysis read. */
  text: string;
  edit: EditMap;
}

/**
 * How the lines of the last good text map to the current text: old lines `from..to` (inclusive, grown to the
 * methods they touch; `to < from` for an insertion between methods) changed, the lines after them moved by
 * `delta`. Typing edits one place at a time, so one region is enough.
 */
export class EditMap {
  constructor(
    readonly from: number,
    readonly to: number,
    readonly delta: number,
  ) {}

  /** The edit between two texts, grown to the methods (`parts`, old lines) it touches. */
  static between(before: string[], after: string[], parts: [number, number][]): EditMap {
    let prefix = 0;
    const max = Math.min(before.length, after.length);
    while (prefix < max && before[prefix] === after[prefix]) prefix++;
    let suffix = 0;
    while (suffix < max - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix])
      suffix++;
    let [from, to] = [prefix, Math.max(before.length - 1 - suffix, prefix - 1)];
    for (const [first, last] of parts)
      if (first <= Math.max(to, from) && last >= from)
        [from, to] = [Math.min(from, first), Math.max(to, last)];
    return new EditMap(from, to, after.length - before.length);
  }

  /** Whether an old line is in the changed region (what the last good analysis said there no longer holds). */
  isStale(oldLine: number): boolean {
    return oldLine >= this.from && oldLine <= this.to;
  }

  /** Whether a current line is in the changed region (the current analysis speaks for it). */
  isEdited(line: number): boolean {
    return line >= this.from && line <= this.to + this.delta;
  }

  /** Where an old position is now; undefined when it was in the changed region. */
  pos(p: Pos): Pos | undefined {
    if (this.isStale(p.line)) return undefined;
    return p.line > this.to ? { line: p.line + this.delta, character: p.character } : p;
  }

  /** Where an old range is now; undefined when it starts in the changed region. */
  range(r: Range): Range | undefined {
    const start = this.pos(r.start);
    if (!start) return undefined;
    return start === r.start
      ? r
      : { start, end: { line: r.end.line + this.delta, character: r.end.character } };
  }

  /** Where a current position outside the changed region was in the old text. */
  back(p: Pos): Pos | undefined {
    if (this.isEdited(p.line)) return undefined;
    return p.line > this.to + this.delta ? { line: p.line - this.delta, character: p.character } : p;
  }
}

export class LastGoodAnalyses {
  private readonly good = new Map<string, GoodAnalysis>();
  private readonly views = new Map<string, LastGoodView>();

  /**
   * Records the analysis of `file` (whose analysed text is `text`) and returns the findings to show for it. A
   * file analysed while no file of its group has syntax errors becomes the new last good analysis. `mine`: the
   * file's findings in `result`, when the caller has them.
   */
  record(
    file: FileModel,
    text: string,
    result: WorkspaceResult,
    groupHasErrors: boolean,
    mine = result.findings.filter((f) => f.file === file.file),
  ): Finding[] {
    if (!groupHasErrors) {
      const parts = file.entryPoints.map((e): [number, number] => [e.range.start.line, e.range.end.line]);
      this.good.set(file.file, { text, file, result, findings: mine, parts });
      this.views.delete(file.file);
      return mine;
    }
    const good = this.good.get(file.file);
    if (!good) {
      this.views.delete(file.file);
      return mine;
    }
    const edit = EditMap.between(good.text.split('\n'), text.split('\n'), good.parts);
    if (good.result)
      this.views.set(file.file, { result: good.result, file: good.file, text: good.text, edit });
    else this.views.delete(file.file);
    const kept = good.findings.flatMap((f): Finding[] => {
      const range = edit.range(f.range);
      if (!range) return [];
      const commitPoint = f.commitPoint && edit.range(f.commitPoint);
      return [
        {
          ...f,
          range,
          ...(commitPoint ? { commitPoint } : {}),
          related: f.related.flatMap((r) => {
            if (r.file !== file.file) return [r];
            const moved = edit.range(r.range);
            return moved ? [{ ...r, range: moved }] : [];
          }),
        },
      ];
    });
    const fresh = mine.filter((f) => edit.isEdited(f.range.start.line));
    return [...kept, ...fresh];
  }

  /** The last good analysis to show for `path` outside its edited region, while its group has errors. */
  viewOf(path: string): LastGoodView | undefined {
    return this.views.get(path);
  }

  /**
   * Lets go of the whole analyses kept for `paths` (a crate's result can be large), keeping their findings:
   * while the file has errors, hovers, hints and lenses then come from the current analysis.
   */
  dropAnalyses(paths: string[]): void {
    for (const p of paths) {
      const good = this.good.get(p);
      if (good) good.result = undefined;
      this.views.delete(p);
    }
  }
}
