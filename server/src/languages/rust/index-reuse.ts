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
import type { Range } from '../../model/ir';
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
import { descendantsOf, field, rangeOf, type SyntaxNode } from './syntax';

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
 * Moves a file and its functions to a new text and tree, once every function is found in the new tree in the
 * same order, with the same name at the same place (as the index made them: named `function_item`s in document
 * order). Undefined when one is not.
 */
function moveFile(
  parsed: ParsedFile,
  fns: FnInfo[],
  text: string,
  root: SyntaxNode,
): (() => void) | undefined {
  const nodes = descendantsOf(root, 'function_item').filter((n) => field(n, 'name'));
  if (nodes.length !== fns.length) return undefined;
  const lines = new LineIndex(text);
  for (let k = 0; k < fns.length; k++) {
    const name = field(nodes[k], 'name')!;
    if (name.text !== fns[k].name || !sameRange(rangeOf(lines, name), fns[k].nameRange)) return undefined;
  }
  return () => {
    parsed.text = text;
    parsed.lines = lines;
    parsed.root = root;
    fns.forEach((fn, k) => (fn.node = nodes[k]));
  };
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
