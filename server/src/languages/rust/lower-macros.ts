/**
 * Macro invocations: `panic!`-like macros always trap and `assert!`-like ones trap on their condition. Their
 * arguments are token trees, so the values they depend on come from re-parsing the arguments as expressions,
 * or, when that fails, from the locals and state roots the tokens mention.
 */
import type { Node, Val } from '../../model/ir';
import type { Ex, LowerContext } from './lower-context';
import { clientCrateMacro } from './client-crate-apis';
import { awaitOf } from './lower-awaits';
import { lowerSelect } from './lower-select';
import { rootNamed } from './root-names';
import { allKids, field, namedKids, type SyntaxNode } from './syntax';
import { expandPath } from './use-resolution';
import { empty, union } from './val';

const MAX_REPARSED = 16 * 1024;

export function lowerMacro(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const written = (field(node, 'macro')?.text ?? '').replace(/\s+/g, '');
  const name = written.replace(/^.*::/, '');
  const joined = JOIN_MACROS.has(name) ? lowerJoin(cx, node, written, out) : undefined;
  if (joined) return joined;
  const select = SELECT_MACROS.has(name) && JOIN_CRATES.has(expandPath(written, cx.file.uses).split('::')[0]);
  const selected = select ? lowerSelect(cx, node, written, out) : undefined;
  if (selected) return selected;
  const val = macroArgs(cx, node, out) ?? tokenVal(cx, node, out);
  // A `select!` whose branches do not parse: it awaits futures that are not known, one unknown await.
  if (select)
    return awaitOf(
      cx,
      { val, future: { kind: 'unknown', name: `${written}!` } },
      node,
      cx.range(field(node, 'macro') ?? node),
      'bound',
      out,
    );
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

/** `futures::join!(a, b)` / `tokio::try_join!(…)`: they await each future they are given, in place. */
const JOIN_MACROS = new Set(['join', 'try_join']);
const JOIN_CRATES = new Set(['futures', 'futures_util', 'tokio']);
const SELECT_MACROS = new Set(['select', 'select_biased']);

/**
 * The futures of a `join!` are awaited where the macro stands: one await per future, each classified like
 * an `.await` on it and reported at the macro's name. `undefined` when the macro is not one of the futures
 * or tokio ones, or its arguments do not parse as expressions.
 */
function lowerJoin(cx: LowerContext, node: SyntaxNode, written: string, out: Node[]): Ex | undefined {
  if (!JOIN_CRATES.has(expandPath(written, cx.file.uses).split('::')[0])) return undefined;
  const parsed = reparsedArgs(cx, node);
  if (!parsed) return undefined;
  const at = cx.range(field(node, 'macro') ?? node);
  const saved = cx.shift;
  cx.shift = parsed.shift;
  try {
    const items = parsed.expr.type === 'tuple_expression' ? namedKids(parsed.expr) : [parsed.expr];
    const exs = items.map((item) => ({ item, ex: cx.expr(item, out) }));
    const vals = exs.map(({ item, ex }) => awaitOf(cx, ex, item, at, 'bound', out).val);
    return { val: union(empty(), ...vals) };
  } finally {
    cx.shift = saved;
  }
}

/** The macro's token tree re-parsed as an expression, with the shift that maps its indices to the file. */
function reparsedArgs(cx: LowerContext, node: SyntaxNode): { expr: SyntaxNode; shift: number } | undefined {
  const tree = allKids(node).find((k) => k.type === 'token_tree');
  const parse = cx.env.parseSnippet;
  if (!tree || !parse || tree.endIndex - tree.startIndex > MAX_REPARSED || !/^[([]/.test(tree.text))
    return undefined;
  const wrapper = 'fn a(){';
  const root = parse(`${wrapper}${tree.text};}`);
  const body = root?.namedChildren[0]?.childForFieldName('body');
  const stmt = body?.namedChildren[0];
  const expr = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : stmt;
  if (!root || root.hasError || !expr) return undefined;
  return { expr, shift: cx.shift + tree.startIndex - wrapper.length };
}

/**
 * Most expression macros (`assert!`, `format!`, `vec!`) take expressions, so the token tree is re-parsed as a
 * tuple or array inside `fn a(){…;}` and lowered with its indices shifted back to the file. `undefined` when it
 * does not parse as one.
 */

function macroArgs(cx: LowerContext, node: SyntaxNode, out: Node[]): Val | undefined {
  // Huge arguments (generated data, deeply nested `vec![…]`) are read by their tokens: re-parsing them at each
  // nesting level would cost quadratic time.
  const parsed = reparsedArgs(cx, node);
  if (!parsed) return undefined;
  const saved = cx.shift;
  cx.shift = parsed.shift;
  try {
    return cx.value(parsed.expr, out);
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
    else {
      const root = rootNamed(cx.env.index.rootsByName, cx.file, id.text);
      if (root) vals.push(cx.read({ root }, id, out));
    }
  }
  return union(empty(), ...vals);
}
