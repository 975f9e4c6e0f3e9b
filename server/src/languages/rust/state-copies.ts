/**
 * Whole copies of state: `get_state()` returning `STATE.with(|s| s.borrow().get(&()).unwrap_or_default())`, a
 * local bound to it, one field changed (`state.owner = p`), and the copy stored back whole (`set_state(state)`).
 *
 * - A field of a copy (`get_state().owner`) reads only that field of the state: the read is narrowed to it.
 * - A copy stored back to the entry it was read from changes only the fields the code touched; the other fields
 *   get back the values the same read gave them. The write becomes one write per touched field plus a `restore`
 *   write of the whole value (what it writes is the copy: a lost update when the copy was held across an await,
 *   a no-op otherwise, but never a change the code made).
 */
import type { Node, ReadNode, StatePath } from '../../model/ir';
import type { LocalCopy } from './binding-scopes';
import type { LowerContext } from './lower-context';
import { field, stripWrappers, type SyntaxNode } from './syntax';

/** A value that is a whole copy of state as one read gave it (an entry of a map, or the root's value). */
export interface StateCopy {
  reads: ReadNode[];
  /** The entry it was read from: `''` the root's value, `()` or a literal the constant key; else unknown. */
  entry?: string;
}

/** Methods of a state handle whose result is the value (or the entry) as stored: `get(&())`, `clone()`. */
export const COPY_READS = new Set(['get', 'clone', 'cloned', 'to_owned', 'copied']);

/** Methods of a copy whose result is still that copy (or a default in its place: see `entryOfKey`). */
export const COPY_KEEPING = new Set([
  'unwrap',
  'expect',
  'unwrap_or_default',
  'clone',
  'cloned',
  'to_owned',
  'copied',
  'ok_or',
  'ok_or_else',
]);

/**
 * The entry a key argument names when it is a constant (`&()`, `0`, `"config"`): two accesses with the same
 * constant key reach the same entry. No argument: the root's own value. Anything else is unknown.
 */
export function entryOfKey(arg: SyntaxNode | undefined): string | undefined {
  if (!arg) return '';
  let n = stripWrappers(arg);
  while (n.type === 'reference_expression') n = field(n, 'value') ?? n;
  if (['unit_expression', 'integer_literal', 'string_literal', 'boolean_literal'].includes(n.type))
    return n.text.replace(/\s+/g, '');
  return undefined;
}

/** The copy of the state a handle reads with `name(args)`, when that call yields the stored value itself. */
export function copyRead(
  state: StatePath,
  name: string,
  args: SyntaxNode[],
  read: ReadNode | undefined,
): StateCopy | undefined {
  if (!read || state.field !== undefined || !COPY_READS.has(name) || args.length > 1) return undefined;
  if (name !== 'get' && args.length) return undefined;
  return { reads: [read], entry: entryOfKey(args[0]) };
}

/** `copy.f`: only field `f` of what the copy's reads read is used here. */
export function narrowToField(copy: StateCopy, name: string): void {
  for (const r of copy.reads) if (r.state.field === undefined) r.state = { ...r.state, field: name };
}

/**
 * The fields the code may change in local copy `name` bound by `stmt`: each use after the binding must be
 * `name.f…` (field `f` counts as changed, read or written) or `skip` itself (the write-back); any other use
 * (a method on the whole copy, `&mut name`, a macro, a shadowing binding) may change anything: undefined.
 */
export function touchedFields(name: string, stmt: SyntaxNode, skip: SyntaxNode): Set<string> | undefined {
  const scope = stmt.parent;
  if (!scope) return undefined;
  const fields = new Set<string>();
  for (const use of scope.descendantsOfType('identifier')) {
    if (!use || use.text !== name || use.startIndex < stmt.endIndex) continue;
    if (use.startIndex === skip.startIndex && use.endIndex === skip.endIndex) continue;
    const parent = use.parent;
    if (parent?.type !== 'field_expression' || field(parent, 'value')?.startIndex !== use.startIndex)
      return undefined;
    // `name.method(…)` may change any field.
    const outer = parent.parent;
    if (outer?.type === 'call_expression' && field(outer, 'function')?.startIndex === parent.startIndex)
      return undefined;
    const f = field(parent, 'field')?.text;
    if (!f) return undefined;
    fields.add(f);
  }
  return fields;
}

/** The local copy `arg` names, when it is a copy of `state`'s entry `entry` (the one this write stores to). */
export function copyStoredBack(
  cx: LowerContext,
  arg: SyntaxNode | undefined,
  state: StatePath,
  entry: string | undefined,
): { copy: LocalCopy; fields: Set<string> } | undefined {
  if (!arg || entry === undefined || state.field !== undefined) return undefined;
  const n = stripWrappers(arg);
  if (n.type !== 'identifier') return undefined;
  const copy = cx.scopes.lookup(n.text).copy;
  if (!copy || copy.root !== state.root || copy.entry !== entry) return undefined;
  const fields = touchedFields(n.text, copy.stmt, n);
  return fields ? { copy, fields } : undefined;
}

/** The writes a stored-back copy makes: each touched field, then the untouched rest as a `restore`. */
export function writeCopyBack(
  fields: Set<string>,
  state: StatePath,
  write: (state: StatePath, restore: boolean) => void,
): void {
  for (const f of fields) write({ ...state, field: f }, false);
  write(state, true);
}

/**
 * A write whose value is a parameter stored whole (`fn set_state(s: State) { … insert((), s) }`): noted for the
 * summary, so a caller that stores a copy back through it is seen doing so (`writesParam`).
 */
export function noteWholeWrite(cx: LowerContext, out: Node[], value: SyntaxNode, entry: string): void {
  const last = out[out.length - 1];
  const n = stripWrappers(value);
  const param = n.type === 'identifier' && cx.fn ? cx.fn.params.indexOf(n.text) : -1;
  if (param < 0 || last?.kind !== 'write' || cx.scopes.lookup(n.text).irName !== n.text) return;
  (cx.facts.wholeParamWrites ??= new Map()).set(last, { param, entry });
}
