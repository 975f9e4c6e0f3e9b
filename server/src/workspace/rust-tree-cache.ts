/**
 * Rust parse trees kept between analyses (the language server keeps one cache; the command line analyses once
 * and needs none). Keyed by path and content hash: after a keystroke in one file of a crate, only that file is
 * parsed again. Trees live in tree-sitter's WebAssembly memory, so the cache deletes a tree when its file
 * changes or leaves its crate, never while an analysis uses it (a crate's trees are read synchronously).
 */
import { createHash } from 'node:crypto';
import type { Parser, Tree } from 'web-tree-sitter';
import { createRustParser } from '../languages/rust/parser-loader';

interface Entry {
  hash: string;
  tree: Tree;
  crate: string;
}

export class RustTreeCache {
  private parser: Parser | undefined;
  private readonly entries = new Map<string, Entry>();
  /** How many files were parsed and reused since the cache was made (for the benchmark and the log). */
  readonly stats = { parsed: 0, reused: 0 };

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
    const hash = createHash('sha1').update(text).digest('base64');
    const hit = this.entries.get(path);
    if (hit?.hash === hash) {
      hit.crate = crate;
      this.stats.reused++;
      return hit.tree;
    }
    hit?.tree.delete();
    this.entries.delete(path);
    const tree = this.parser.parse(text);
    this.stats.parsed++;
    if (tree) this.entries.set(path, { hash, tree, crate });
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
