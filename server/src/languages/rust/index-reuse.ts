/**
 * The crate indexes of a workspace unit kept from its previous analysis (the language server's), brought to the
 * files' current texts instead of built again. The caller offers them only while every file's outline is what
 * it was (workspace/rust-outline.ts): the texts then differ only inside function bodies that declare nothing,
 * and the index, which reads nothing else of a body, holds the same names, types, roots and functions. What it
 * holds of the syntax trees is each file's root and each function's node: those are moved to the new trees.
 *
 * An index with macro expansions is never kept (their trees live as long as one analysis), nor one of a unit
 * where a file could not be parsed or indexed.
 */
import { LineIndex } from '../../text/positions';
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
import { field, type SyntaxNode } from './syntax';

/** A file of the unit as it is now: its text and the root of its current tree (undefined: not parsed). */
export interface CurrentFile {
  path: string;
  text: string;
  root: SyntaxNode | undefined;
}

/** Whether indexes built in an analysis may be kept for the next one. */
export function keepable(indexes: CrateIndex[], failedFiles: number): boolean {
  return failedFiles === 0 && indexes.every((index) => index.expansions.length === 0);
}

/**
 * `kept` (crate by crate, in the order `files` gives the crates) brought to the current files; undefined when a
 * file's functions are not where they were (the caller builds the indexes again then, and must not use `kept`
 * any more: its trees may be gone).
 */
export function reuseIndexes(kept: CrateIndex[], files: CurrentFile[][]): CrateIndex[] | undefined {
  if (kept.length !== files.length) return undefined;
  const moves: (() => void)[] = [];
  for (let i = 0; i < kept.length; i++) {
    const index = kept[i];
    if (index.files.length !== files[i].length) return undefined;
    const fnsOf = functionsByFile(index);
    for (let j = 0; j < files[i].length; j++) {
      const now = files[i][j];
      const parsed = index.files[j];
      if (parsed.path !== now.path || !now.root) return undefined;
      if (parsed.text === now.text && parsed.root.tree === now.root.tree) continue;
      const move = moveFile(parsed, fnsOf.get(parsed) ?? [], now.text, now.root);
      if (!move) return undefined;
      moves.push(move);
    }
  }
  for (const move of moves) move();
  return kept;
}

function functionsByFile(index: CrateIndex): Map<ParsedFile, FnInfo[]> {
  const out = new Map<ParsedFile, FnInfo[]>();
  for (const fn of index.fns) {
    if (fn.expandedFrom) continue;
    const list = out.get(fn.file);
    if (list) list.push(fn);
    else out.set(fn.file, [fn]);
  }
  return out;
}

/**
 * Moves a file and its functions to a new text and tree, once every function is found in the new tree: a
 * `function_item` named as it was, its name where it was. (The outlines being the same, the new tree has no
 * other function.) Undefined when one is not. Each is looked up from its name's place, not by a walk of the
 * whole tree.
 */
function moveFile(
  parsed: ParsedFile,
  fns: FnInfo[],
  text: string,
  root: SyntaxNode,
): (() => void) | undefined {
  const lines = new LineIndex(text);
  const nodes: SyntaxNode[] = [];
  for (const fn of fns) {
    const start = lines.offsetAt(fn.nameRange.start);
    const end = lines.offsetAt(fn.nameRange.end);
    const name = root.descendantForIndex(start, end);
    const node = name?.parent;
    if (!name || !node || node.type !== 'function_item') return undefined;
    if (name.startIndex !== start || name.endIndex !== end || name.text !== fn.name) return undefined;
    if (field(node, 'name')?.startIndex !== start) return undefined;
    nodes.push(node);
  }
  return () => {
    parsed.text = text;
    parsed.lines = lines;
    parsed.root = root;
    fns.forEach((fn, k) => (fn.node = nodes[k]));
  };
}
