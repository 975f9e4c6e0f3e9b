/**
 * The one place where positions change units. Tree-sitter reports UTF-8 byte offsets, the official Motoko AST
 * UTF-8 byte columns, our Motoko lexer UTF-16 offsets (JavaScript string indices); the model and LSP use
 * 0-based lines with UTF-16 columns.
 */
import type { Pos, Range } from '../model/ir';

export class LineIndex {
  /** UTF-16 offset of the start of each line. */
  private readonly lineStarts: number[];
  private utf8Starts: number[] | undefined;

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Position of a UTF-16 offset (a JavaScript string index). */
  positionAt(offset: number): Pos {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  /** UTF-16 offset of a position; clamps to the line and the text. */
  offsetAt(pos: Pos): number {
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(0, pos.line)];
    const next = pos.line + 1 < this.lineStarts.length ? this.lineStarts[pos.line + 1] : this.text.length;
    return Math.min(start + Math.max(0, pos.character), next);
  }

  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }

  /** UTF-16 column of a UTF-8 byte column on a line (what tree-sitter and the Motoko compiler report). */
  utf16Column(line: number, utf8Column: number): number {
    return utf8ToUtf16(this.lineText(line), utf8Column);
  }

  /** UTF-8 byte column of a UTF-16 column on a line. */
  utf8Column(line: number, utf16Column: number): number {
    return Buffer.byteLength(this.lineText(line).slice(0, utf16Column), 'utf8');
  }

  /** Position of a UTF-8 byte offset into the whole text. */
  positionAtByte(byteOffset: number): Pos {
    if (!this.utf8Starts) {
      this.utf8Starts = this.lineStarts.map((s) => Buffer.byteLength(this.text.slice(0, s), 'utf8'));
    }
    const starts = this.utf8Starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= byteOffset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: this.utf16Column(lo, byteOffset - starts[lo]) };
  }
}

/** Converts a UTF-8 byte column within `lineText` to a UTF-16 column. */
export function utf8ToUtf16(lineText: string, utf8Column: number): number {
  let bytes = 0;
  let i = 0;
  while (i < lineText.length && bytes < utf8Column) {
    const cp = lineText.codePointAt(i)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return i;
}

/** 1-based line and column for people (CLI, SARIF): UTF-16 columns, as VS Code shows them. */
export function toOneBased(pos: Pos): { line: number; column: number } {
  return { line: pos.line + 1, column: pos.character + 1 };
}

export function containsPos(range: Range, pos: Pos): boolean {
  const afterStart =
    pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd =
    pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** `inner` lies wholly within `outer` (ends included). */
export function containsRange(outer: Range, inner: Range): boolean {
  return containsPos(outer, inner.start) && containsPos(outer, inner.end);
}

export function comparePos(a: Pos, b: Pos): number {
  return a.line - b.line || a.character - b.character;
}
