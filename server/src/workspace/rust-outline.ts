/**
 * The outline of a Rust file: its text with the bodies of functions that declare nothing replaced by where they
 * are. The crate index reads items, `use`s, attributes and macro invocations wherever they are, and nothing
 * else of a body (syntax.ts `INDEXED`), so two versions of a crate whose files have the same outlines have the
 * same index, up to those function bodies: what a keystroke inside a function changes. Positions outside the
 * bodies are the same too, as the outline keeps each body's end.
 */
import type { Node, Tree } from 'web-tree-sitter';

/** The node kinds the crate index looks for (syntax.ts `INDEXED`); a body holding one is kept in the outline. */
const INDEXED = [
  'attribute_item',
  'const_item',
  'enum_item',
  'function_item',
  'impl_item',
  'macro_definition',
  'macro_invocation',
  'mod_item',
  'static_item',
  'struct_item',
  'trait_item',
  'type_item',
  'use_declaration',
];

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
  const cuts: { start: number; end: number; shown: string }[] = [];
  for (const fn of tree.rootNode.descendantsOfType('function_item')) {
    const body = fn?.childForFieldName('body');
    if (!body) continue;
    const shown = hiddenBody(body, crateMacros);
    if (shown !== undefined) cuts.push({ start: body.startIndex, end: body.endIndex, shown });
  }
  cuts.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const c of cuts) {
    if (c.start < at) continue; // nested in a body already cut
    out += text.slice(at, c.start) + c.shown;
    at = c.end;
  }
  return out + text.slice(at);
}

/**
 * What stands for `body` in the outline, or undefined when it must stay (it declares something). A body with
 * syntax errors can be replaced too: the index finds items inside error nodes as anywhere else.
 */
function hiddenBody(body: Node, crateMacros: Set<string>): string | undefined {
  const macros: string[] = [];
  for (const n of body.descendantsOfType(INDEXED)) {
    if (!n) continue;
    if (n.type !== 'macro_invocation') return undefined;
    const name = (n.childForFieldName('macro')?.text ?? '').replace(/\s+/g, '').replace(/^.*::/, '');
    if (INDEXED_MACROS.has(name) || crateMacros.has(name)) return undefined;
    macros.push(n.text);
  }
  const end = body.endPosition;
  return `\u0000body to ${end.row}:${end.column}${macros.map((m) => `\u0000${m}`).join('')}\u0000`;
}
