/**
 * The outline of a Rust file: its text with the bodies of functions that declare nothing replaced by where they
 * are. The crate index reads items, `use`s, attributes and macro invocations wherever they are, and nothing
 * else of a body (syntax.ts `INDEXED`), so two versions of a crate whose files have the same outlines have the
 * same index, up to those function bodies: what a keystroke inside a function changes. Positions outside the
 * bodies are the same too, as the outline keeps each body's end.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { descendantsOf, INDEXED } from '../languages/rust/syntax';

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
  // One walk of the tree for all indexed nodes (shared with the crate index, see `descendantsOf`), in document
  // order; a body's are those that start inside it. (tree-sitter's own search from a body costs a walk each.)
  const indexed = descendantsOf(tree.rootNode, INDEXED);
  const cuts: { start: number; end: number; shown: string }[] = [];
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
  return out + text.slice(at);
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
