/**
 * Macro invocations: `panic!`-like macros always trap and `assert!`-like ones trap on their condition. Their
 * arguments are token trees, so the values they depend on come from re-parsing the arguments as expressions,
 * or, when that fails, from the locals and state roots the tokens mention.
 */
import type { Node, Val } from '../../model/ir';
import type { Ex, LowerContext } from './lower-context';
import { clientCrateMacro } from './client-crate-apis';
import { allKids, field, type SyntaxNode } from './syntax';
import { expandPath } from './use-resolution';
import { empty, union } from './val';

export function lowerMacro(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const written = (field(node, 'macro')?.text ?? '').replace(/\s+/g, '');
  const name = written.replace(/^.*::/, '');
  const val = macroArgs(cx, node, out) ?? tokenVal(cx, node, out);
  // A client crate's call macro (`virtual_canister_call!(…)`): its future is the call.
  const api = clientCrateMacro(expandPath(written, cx.file.uses));
  if (api) return { val, future: { kind: 'api', api, callee: `${written}!` } };
  if (name === 'panic' || name === 'todo' || name === 'unimplemented')
    cx.trap(node, out, 'panic', { always: true });
  else if (name === 'unreachable') cx.trap(node, out, 'unreachable', { always: true });
  else if (name === 'assert' || name === 'assert_eq' || name === 'assert_ne')
    cx.trap(node, out, 'assert', { cond: val });
  return { val };
}

/**
 * Most expression macros (`assert!`, `format!`, `vec!`) take expressions, so the token tree is re-parsed as a
 * tuple or array inside `fn a(){…;}` and lowered with its indices shifted back to the file. `undefined` when it
 * does not parse as one.
 */
const MAX_REPARSED = 16 * 1024;

function macroArgs(cx: LowerContext, node: SyntaxNode, out: Node[]): Val | undefined {
  const tree = allKids(node).find((k) => k.type === 'token_tree');
  const parse = cx.env.parseSnippet;
  // Huge arguments (generated data, deeply nested `vec![…]`) are read by their tokens: re-parsing them at each
  // nesting level would cost quadratic time.
  if (!tree || !parse || tree.endIndex - tree.startIndex > MAX_REPARSED || !/^[([]/.test(tree.text))
    return undefined;
  const wrapper = 'fn a(){';
  const root = parse(`${wrapper}${tree.text};}`);
  const body = root?.namedChildren[0]?.childForFieldName('body');
  const stmt = body?.namedChildren[0];
  const expr = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : stmt;
  if (!root || root.hasError || !expr) return undefined;
  const saved = cx.shift;
  cx.shift = saved + tree.startIndex - wrapper.length;
  try {
    return cx.value(expr, out);
  } finally {
    cx.shift = saved;
  }
}

/** The fallback: locals and state roots mentioned in the token tree are what the value depends on. */
function tokenVal(cx: LowerContext, node: SyntaxNode, out: Node[]): Val {
  const tree = allKids(node).find((k) => k.type === 'token_tree');
  if (!tree) return empty();
  const vals: Val[] = [];
  for (const id of tree.descendantsOfType('identifier')) {
    if (!id) continue;
    const found = cx.scopes.lookup(id.text);
    if (found.handle) vals.push(cx.read(found.handle.state, id, out));
    else if (found.local) vals.push({ reads: [], locals: [found.irName], awaits: [] });
    else if (cx.env.index.roots.has(id.text)) vals.push(cx.read({ root: id.text }, id, out));
  }
  return union(empty(), ...vals);
}
