/**
 * Keys through struct values (SPEC §5: an access keyed by the caller conflicts only with the same caller's): a
 * local bound by a field of a struct pattern in a `match` on `payload` stands for `payload.<field>`, and a field
 * of a local bound to a struct literal stands for what the literal puts there. So a map entry keyed by
 * `receiver.owner` of an event built as `Event::Deposit { receiver }` with `receiver = Account { owner: caller }`
 * is keyed by the caller.
 */
import { field, namedKids, simpleKey, stripWrappers, type SyntaxNode } from './syntax';

/** The fields a `match` arm's struct pattern binds, as keys under the scrutinee's key. */
export function armFieldKeys(scrutineeKey: string, pattern: SyntaxNode): Map<string, string> {
  const out = new Map<string, string>();
  const struct = structPattern(pattern);
  if (!struct) return out;
  for (const fp of namedKids(struct)) {
    // A `mut` or `ref` binding may be changed or stand for a place, not the value the scrutinee held.
    if (
      fp.type !== 'field_pattern' ||
      fp.children.some((k) => k?.type === 'mutable_specifier' || k?.type === 'ref')
    )
      continue;
    const name = field(fp, 'name')?.text;
    const bound = field(fp, 'pattern');
    const binding = bound ? (bound.type === 'identifier' ? bound.text : undefined) : name;
    if (name && binding) out.set(binding, `${scrutineeKey}.${name}`);
  }
  return out;
}

function structPattern(pattern: SyntaxNode): SyntaxNode | undefined {
  let p: SyntaxNode | undefined = pattern;
  while (p && (p.type === 'match_pattern' || p.type === 'reference_pattern')) p = namedKids(p)[0];
  return p?.type === 'struct_pattern' ? p : undefined;
}

/** `let name = T { f: e, g }`: `name.f` stands for the key of `e`, `name.g` for `g`. */
export function literalFieldKeys(name: string, value: SyntaxNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const [f, v] of literalFields(value)) {
    const key = simpleKey(v);
    if (key) out.set(`${name}.${f}`, key);
  }
  return out;
}

/** The key of field path `path` of an argument: read off a struct literal, else `arg.path`. */
export function argFieldKey(arg: SyntaxNode | undefined, path: string): string | undefined {
  if (!arg) return undefined;
  const [first, ...rest] = path.split('.');
  const fromLiteral = literalFields(arg).get(first);
  if (fromLiteral) {
    const key = simpleKey(fromLiteral);
    return key && [key, ...rest].join('.');
  }
  if (stripWrappers(arg).type === 'struct_expression') return undefined;
  const key = simpleKey(arg);
  return key && `${key}.${path}`;
}

function literalFields(value: SyntaxNode): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const n = stripWrappers(value);
  if (n.type !== 'struct_expression') return out;
  for (const init of namedKids(field(n, 'body') ?? n)) {
    if (init.type === 'shorthand_field_initializer') {
      const id = namedKids(init)[0];
      if (id) out.set(id.text, id);
    } else if (init.type === 'field_initializer') {
      const f = field(init, 'field')?.text;
      const v = field(init, 'value');
      if (f && v) out.set(f, v);
    }
  }
  return out;
}
