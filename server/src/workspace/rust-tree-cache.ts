/**
 * Rust parse trees kept between analyses (the language server keeps one cache; the command line analyses once
 * and needs none). Keyed by path and content hash: after a keystroke in one file of a crate, only that file is
 * parsed again. Trees live in tree-sitter's WebAssembly memory, so the cache deletes a tree when its file
 * changes or leaves its crate, never while an analysis uses it (a crate's trees are read synchronously).
 */
import { createHash } from 'node:crypto';
import type { Edit, Parser, Point, Tree } from 'web-tree-sitter';
import { createRustParser } from '../languages/rust/parser-loader';

interface Entry {
  hash: string;
  /** The text the tree is of: the next version is re-parsed incrementally from the difference. */
  text: string;
  tree: Tree;
  crate: string;
}

export class RustTreeCache {
  private parser: Parser | undefined;
  private readonly entries = new Map<string, Entry>();
  /** Files parsed from scratch, re-parsed from their previous tree, and reused as they were. */
  readonly stats = { parsed: 0, reparsed: 0, reused: 0 };

  /** How many files have a tree here. */
  get size(): number {
    return this.entries.size;
  }

  /** Loads the parser; call before `parse`. */
  async ready(): Promise<void> {
    this.parser ??= await createRustParser();
  }

  /** The tree of `text`, parsed only when the file's content changed since the last call. */
  parse(crate: string, path: string, text: string): Tree | null {
    if (!this.parser) throw new Error('RustTreeCache.parse before ready()');
    const hit = this.entries.get(path);
    // The same string (usually the very object) needs no hash: a crate's files are asked for on every keystroke.
    const hash = hit?.text === text ? hit.hash : createHash('sha1').update(text).digest('base64');
    if (hit?.hash === hash) {
      hit.crate = crate;
      this.stats.reused++;
      return hit.tree;
    }
    this.entries.delete(path);
    let tree: Tree | null;
    if (hit) {
      // tree-sitter's incremental re-parse: the old tree, told what changed, lets it reuse what did not.
      hit.tree.edit(editBetween(hit.text, text));
      tree = this.parser.parse(text, hit.tree);
      hit.tree.delete();
      this.stats.reparsed++;
    } else {
      tree = this.parser.parse(text);
      this.stats.parsed++;
    }
    if (tree) this.entries.set(path, { hash, text, tree, crate });
    return tree;
  }

  /** Forgets the crate's files that were not in its latest analysis (deleted or moved files). */
  retain(crate: string, paths: Iterable<string>): void {
    const keep = new Set(paths);
    for (const [path, e] of this.entries) {
      if (e.crate !== crate || keep.has(path)) continue;
      e.tree.delete();
      this.entries.delete(path);
    }
  }
}

/** What changed between two texts: the span between their common prefix and common suffix, in each. */
export function changedSpan(
  before: string,
  after: string,
): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < max - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** The edit that turns `before` into `after` (see `changedSpan`), for tree-sitter's incremental re-parse. */
export function editBetween(before: string, after: string): Edit {
  const { start, oldEnd, newEnd } = changedSpan(before, after);
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, oldEnd),
    newEndPosition: pointAt(after, newEnd),
  };
}

/** Row and column (UTF-16 code units, as web-tree-sitter counts them) of a string index. */
function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
