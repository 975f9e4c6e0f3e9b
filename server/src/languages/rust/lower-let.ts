/**
 * `let` statements. Binding a state borrow (`let s = X.borrow_mut()`) makes a handle rather than a value; a
 * `RefCell` borrow still alive at a later `.await` is reported; `let … else` is a branch whose `else` arm is the
 * failure path; a bound call future or caller is remembered under its name.
 */
import type { Node } from '../../model/ir';
import type { StateRef } from './binding-scopes';
import type { LowerContext } from './lower-context';
import { literalFieldKeys } from './key-aliases';
import { typeTextOf } from './receiver-types';
import { allKids, field, patternNames, type SyntaxNode } from './syntax';

/** `rest`: the statements after this one in its block, where the binding is alive. */
export function lowerLet(cx: LowerContext, stmt: SyntaxNode, out: Node[], rest: SyntaxNode[]): void {
  const pattern = field(stmt, 'pattern');
  const valueNode = field(stmt, 'value');
  if (!valueNode) {
    patternNames(pattern).forEach((n) => cx.scopes.bindLocal(n));
    return;
  }
  // Its type, written or read off the value (`Ledger { … }`, `Box::new(…)`, a constructor), before shadowing.
  const typeText = field(stmt, 'type')?.text ?? typeTextOf(cx, valueNode);
  const ex = cx.expr(valueNode, out);
  const alternative = field(stmt, 'alternative');
  const names = patternNames(pattern);
  const single = pattern?.type === 'identifier' || (pattern?.type === 'mut_pattern' && names.length === 1);
  // A `RefCell` borrow (of a state root or any other cell, e.g. an `Rc<RefCell<…>>`) alive across an `.await`.
  if (single && names[0] && /\.borrow(_mut)?\(\)$/.test(valueNode.text.trim())) {
    borrowAcrossAwait(cx, stmt, names[0], ex.ref, rest, out);
  }
  if (ex.ref && single && names[0]) {
    // `let s = X.borrow_mut()`: a handle on the state, not a value.
    cx.scopes.top().handles.set(names[0], { state: ex.ref.state, mutable: ex.ref.mutable });
    return;
  }
  const val = cx.valOf(ex, valueNode, out);
  if (alternative) {
    const elseNodes: Node[] = [];
    cx.block(alternative, elseNodes);
    const failure = /^\s*(\w+::)*Ok\b|^\s*(\w+::)*Some\b/.test(pattern?.text ?? '');
    out.push({
      kind: 'branch',
      range: cx.range(stmt),
      cond: val,
      arms: [[], elseNodes],
      exhaustive: true,
      ...(failure ? { failureArms: [false, true] } : {}),
    });
  }
  for (const name of names) {
    const irName = cx.scopes.bindLocal(name);
    if (ex.future && single) cx.scopes.top().futures.set(name, ex.future);
    if (typeText && single) cx.scopes.top().types.set(name, typeText);
    if (ex.caller && single) cx.callerNames.push(name);
    // `let mut state = get_state();`: a copy the code may change and store back (see `state-copies.ts`).
    const root = ex.copy?.reads[0]?.state.root;
    if (single && !ex.ref && root && ex.copy?.entry !== undefined)
      cx.scopes.top().copies.set(name, { root, entry: ex.copy.entry, stmt });
    // Only an immutable binding: its fields keep what the literal put there.
    if (pattern?.type === 'identifier' && !stmt.children.some((k) => k?.type === 'mutable_specifier'))
      for (const [k, key] of literalFieldKeys(name, valueNode))
        cx.scopes.top().keys.set(k, cx.scopes.resolveKey(key));
    out.push({ kind: 'local', range: cx.range(stmt), name: irName, value: val });
  }
}

/** Reports the first `.await` among `rest` before the borrow `name` is explicitly dropped. */
function borrowAcrossAwait(
  cx: LowerContext,
  stmt: SyntaxNode,
  name: string,
  ref: StateRef | undefined,
  rest: SyntaxNode[],
  out: Node[],
): void {
  const dropped = new RegExp(`^(std::mem::)?drop\\(\\s*${name}\\s*\\)`);
  for (const later of rest) {
    if (dropped.test(later.text.trim())) return;
    const found = later.type === 'await_expression' ? later : later.descendantsOfType('await_expression')[0];
    if (found) {
      const token = allKids(found).find((k) => k.type === 'await') ?? found;
      out.push({
        kind: 'borrow-across-await',
        range: cx.range(stmt),
        name,
        ...(ref ? { state: ref.state } : {}),
        awaitRange: cx.range(token),
      });
      return;
    }
  }
}
