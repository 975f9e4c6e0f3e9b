/**
 * The outline of a Rust file: its text with the bodies of functions that declare nothing replaced by where they
 * are. The crate index reads items, `use`s, attributes and macro invocations wherever they are, and nothing
 * else of a body (syntax.ts `INDEXED`), so two versions of a crate whose files have the same outlines have the
 * same index, up to those function bodies: what a keystroke inside a function changes. Positions outside the
 * bodies are the same too, as the outline keeps each body's end.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { descendantsOf, INDEXED } from '../languages/rust/syntax';
import { changedSpan } from './rust-tree-cache';

/** Macros the index reads the invocations of (state roots, statics): a body invoking one is kept whole. */
const INDEXED_MACROS = new Set(['thread_local', 'lazy_static']);

/** The `macro_rules!` names written in these texts: their invocations may make items. */
export function macroRulesNames(texts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of texts) {
    if (!t.includes('macro_rules')) continue;
    for (const m of t.matchAll(/macro_rules!\s*([A-Za-z_]\w*)/g)) out.add(m[1]);
  }
  return out;
}

/**
 * The file's outline. A body with no indexed node but ordinary macro invocations (`format!`, `println!`) is
 * replaced too, its invocations' texts kept: the index collects the type names they mention.
 */
export function rustOutline(tree: Tree, text: string, crateMacros: Set<string>): string {
  return outlineWithCuts(tree, text, crateMacros).outline;
}

/** A body the outline replaces: where it is in the text, and what stands for it. */
export interface Cut {
  start: number;
  end: number;
  shown: string;
}

/** The outline, with the bodies it replaces (in text order). */
export function outlineWithCuts(
  tree: Tree,
  text: string,
  crateMacros: Set<string>,
): { outline: string; cuts: Cut[] } {
  // One walk of the tree for all indexed nodes (shared with the crate index, see `descendantsOf`), in document
  // order; a body's are those that start inside it. (tree-sitter's own search from a body costs a walk each.)
  const indexed = descendantsOf(tree.rootNode, INDEXED);
  const cuts: Cut[] = [];
  for (const fn of descendantsOf(tree.rootNode, 'function_item')) {
    const body = fn.childForFieldName('body');
    if (!body || (cuts.length && body.startIndex < cuts[cuts.length - 1].end)) continue;
    const shown = hiddenBody(body, inside(indexed, body.startIndex, body.endIndex), crateMacros);
    if (shown !== undefined) cuts.push({ start: body.startIndex, end: body.endIndex, shown });
  }
  let out = '';
  let at = 0;
  for (const c of cuts) {
    out += text.slice(at, c.start) + c.shown;
    at = c.end;
  }
  return { outline: out + text.slice(at), cuts };
}

/**
 * The cuts of the outline of `text` when it is the outline of `before` (whose cuts are `cuts`): `before` and
 * `text` differ inside one replaced body only, which in `tree` (of `text`) is still a function's body, free of
 * syntax errors, replaced by the same thing. Undefined when that is not so (the outline is made again then).
 * Only that body is walked, where the whole outline walks the whole tree.
 */
export function cutsAfterBodyEdit(
  before: string,
  cuts: Cut[],
  tree: Tree,
  text: string,
  crateMacros: Set<string>,
): Cut[] | undefined {
  const { start, oldEnd } = changedSpan(before, text);
  const delta = text.length - before.length;
  // Strictly between the braces of one replaced body.
  const i = cuts.findIndex((c) => c.start < start && oldEnd < c.end);
  if (i < 0) return undefined;
  const cut = cuts[i];
  const body = tree.rootNode.descendantForIndex(cut.start)?.parent;
  const fn = body?.parent;
  if (!body || !fn || body.type !== 'block' || body.hasError || fn.type !== 'function_item') return undefined;
  if (body.startIndex !== cut.start || body.endIndex !== cut.end + delta) return undefined;
  if (fn.childForFieldName('body')?.startIndex !== body.startIndex) return undefined;
  if (
    hiddenBody(
      body,
      body.descendantsOfType(INDEXED).filter((n) => n !== null),
      crateMacros,
    ) !== cut.shown
  )
    return undefined;
  return cuts.map((c, k) =>
    k < i ? c : k === i ? { ...c, end: c.end + delta } : { ...c, start: c.start + delta, end: c.end + delta },
  );
}

/** The nodes of `sorted` (by start) that start in [start, end). */
function inside(sorted: Node[], start: number, end: number): Node[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].startIndex < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Node[] = [];
  for (let i = lo; i < sorted.length && sorted[i].startIndex < end; i++) out.push(sorted[i]);
  return out;
}

/**
 * What stands for `body` in the outline, or undefined when it must stay (it declares something). A body with
 * syntax errors can be replaced too: the index finds items inside error nodes as anywhere else.
 */
function hiddenBody(body: Node, indexed: Node[], crateMacros: Set<string>): string | undefined {
  const macros: string[] = [];
  for (const n of indexed) {
    if (n.type !== 'macro_invocation') return undefined;
    const name = (n.childForFieldName('macro')?.text ?? '').replace(/\s+/g, '').replace(/^.*::/, '');
    if (INDEXED_MACROS.has(name) || crateMacros.has(name)) return undefined;
    macros.push(n.text);
  }
  const end = body.endPosition;
  return `\u0000body to ${end.row}:${end.column}${macros.map((m) => `\u0000${m}`).join('')}\u0000`;
}
