/**
 * The type of a method call's receiver, from what the code says: parameter types, `let` annotations, struct
 * literals, constructors' return types, and struct field declarations, through `&`, `Arc`, `Rc` and `Box`.
 * A generic parameter, `impl Trait` or `dyn Trait` is a set of trait bounds. No inference beyond that: an
 * expression whose type is not written down has no type here, and its method calls resolve as before.
 */
import { MAX_NESTING } from '../../model/limits';
import type { LowerContext } from './lower-context';
import { resolveWorkspaceFn } from './resolve-fn';
import { staticTypeOf } from './static-types';
import { callArgs, field, methodCall, namedKids, pathText, stripWrappers, type SyntaxNode } from './syntax';
import { expandPath } from './use-resolution';

export type RecvType =
  /** `path`: the type's path as the file names it, expanded through `use` (for client-crate tables). */
  { kind: 'named'; name: string; path: string } | { kind: 'bound'; traits: string[] };

/** Splits at `sep` outside `<…>`, `(…)` and `[…]`. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(' || c === '[') depth++;
    else if ((c === '>' && text[i - 1] !== '-') || c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Trait names of a bound list `A + B<X> + Send + 'static` (paths cut to their last segment). */
function boundNames(text: string): string[] {
  return splitTop(text, '+')
    .filter((b) => !b.startsWith("'") && !b.startsWith('?'))
    .map((b) => b.replace(/<.*$/s, '').split('::').pop()!.trim())
    .filter((b) => /^[A-Za-z_]\w*$/.test(b));
}

/** Bounds of generic parameter `name` in the `<…>` and `where` of a function and of its enclosing `impl`. */
function genericBounds(fnNode: SyntaxNode, name: string): string[] | undefined {
  const owners: SyntaxNode[] = [fnNode];
  for (let p = fnNode.parent; p; p = p.parent)
    if (p.type === 'impl_item' || p.type === 'trait_item') owners.push(p);
  let declared = false;
  const bounds: string[] = [];
  for (const owner of owners) {
    const params = field(owner, 'type_parameters');
    const where = namedKids(owner).find((k) => k.type === 'where_clause');
    const clauses = [
      ...(params ? splitTop(params.text.slice(1, -1), ',') : []),
      ...(where ? splitTop(where.text.replace(/^where\b/, ''), ',') : []),
    ];
    for (const clause of clauses) {
      const m = /^([A-Za-z_]\w*)\s*(?::(.*))?$/s.exec(clause);
      if (!m || m[1] !== name) continue;
      declared = true;
      if (m[2]) bounds.push(...boundNames(m[2]));
    }
  }
  return declared ? bounds : undefined;
}

/** A type as written (`&Arc<dyn Signer + Send>`, `R`, `crate::ledger::Ledger<T>`) → what a method call needs. */
export function typeFromText(cx: LowerContext, text: string): RecvType | undefined {
  let t = text.trim();
  for (;;) {
    const stripped = t.replace(/^&\s*('\w+\s+)?(mut\s+)?/, '').replace(/^mut\s+/, '');
    const wrapped = /^(?:[\w:]+::)?(?:Arc|Rc|Box)\s*<(.*)>$/s.exec(stripped);
    const next = wrapped ? wrapped[1].trim() : stripped;
    if (next === t) break;
    t = next;
  }
  const dynOrImpl = /^(?:dyn|impl)\s+(.*)$/s.exec(t);
  if (dynOrImpl) return { kind: 'bound', traits: boundNames(dynOrImpl[1]) };
  if (t === 'Self') return selfType(cx);
  if (/^[A-Za-z_]\w*$/.test(t) && cx.fn) {
    const bounds = genericBounds(cx.fn.node, t);
    if (bounds) return { kind: 'bound', traits: bounds };
  }
  const base = t.replace(/<.*$/s, '');
  if (!/^(::)?[A-Za-z_]\w*(::[A-Za-z_]\w*)*$/.test(base)) return undefined;
  return { kind: 'named', name: base.split('::').pop()!, path: expandPath(base, cx.file.uses) };
}

/** `self`'s type: the impl's type, or the trait's bound inside a trait's default method. */
function selfType(cx: LowerContext): RecvType | undefined {
  const fn = cx.fn;
  if (!fn?.typeName) return undefined;
  if (fn.traitName === fn.typeName && cx.env.index.types.traits.has(fn.typeName)) {
    return { kind: 'bound', traits: [fn.typeName] };
  }
  return { kind: 'named', name: fn.typeName, path: fn.typeName };
}

/** `Result<T, E>` / `Option<T>` (or a `…Result<T>` alias) → `T`, after `?`, `.unwrap()`, `.expect(…)`. */
export function unwrapped(text: string | undefined): string | undefined {
  const m = text ? /^(?:[\w:]+::)?(?:\w*Result|Option)\s*<(.*)>$/s.exec(text.trim()) : null;
  return m ? splitTop(m[1], ',')[0] : undefined;
}

/**
 * The type text of an expression, when the code writes it down somewhere. Past `MAX_NESTING` receivers
 * (`x.0.0.0…`) the type is unknown rather than a stack overflow.
 */
export function typeTextOf(cx: LowerContext, node: SyntaxNode, depth = 0): string | undefined {
  if (depth > MAX_NESTING) return undefined;
  const n = stripWrappers(node);
  switch (n.type) {
    case 'self':
      return 'Self';
    case 'identifier': {
      const bound = cx.scopes.lookup(n.text);
      if (bound.local || bound.handle) return bound.type;
      return staticTypeOf(cx.env.index.statics, n.text, cx.file.shownPath ?? cx.file.path);
    }
    case 'struct_expression':
      return field(n, 'name')?.text;
    case 'field_expression': {
      const base = typeTextOf(cx, field(n, 'value') ?? n, depth + 1);
      const recv = base ? typeFromText(cx, base) : undefined;
      const name = field(n, 'field')?.text;
      if (recv?.kind !== 'named' || !name) return undefined;
      return cx.env.index.types.structFields.get(recv.name)?.get(name);
    }
    case 'try_expression':
      return unwrapped(typeTextOf(cx, namedKids(n)[0] ?? n, depth + 1));
    case 'await_expression':
      return typeTextOf(cx, namedKids(n)[0] ?? n, depth + 1);
    case 'call_expression':
      return callResultType(cx, n, depth + 1);
    default:
      return undefined;
  }
}

function callResultType(cx: LowerContext, n: SyntaxNode, depth: number): string | undefined {
  const m = methodCall(n);
  if (m) {
    if (m.name === 'unwrap' || m.name === 'expect') return unwrapped(typeTextOf(cx, m.recv, depth));
    if (/^(clone|as_ref|to_owned)$/.test(m.name)) return typeTextOf(cx, m.recv, depth);
    return undefined;
  }
  const fnNode = field(n, 'function');
  if (!fnNode || !['identifier', 'scoped_identifier', 'generic_function'].includes(fnNode.type))
    return undefined;
  const written = pathText(fnNode);
  const args = callArgs(n);
  // `Box::new(x)`, `Arc::new(x)`, `Rc::new(x)`: the type of `x` (the wrapper is looked through anyway).
  if (/^(?:[\w:]+::)?(?:Box|Arc|Rc)::new$/.test(written) && args.length === 1)
    return typeTextOf(cx, args[0], depth);
  // `Wrapper(x)`: a tuple struct of the workspace.
  const last = written.split('::').pop()!;
  if (cx.env.index.types.structFields.has(last) && /^[A-Z]/.test(last)) return last;
  const callee = resolveWorkspaceFn(cx.env.index, cx.file, cx.fn, written, args.length);
  // `Client::new(…)` of a type from outside the workspace: by convention that type (for client-crate tables).
  const segs = written.split('::');
  if (!callee && last === 'new' && segs.length >= 2 && /^[A-Z]\w*$/.test(segs[segs.length - 2]))
    return segs.slice(0, -1).join('::');
  const ret = callee?.returnType.trim();
  if (!callee || !ret) return undefined;
  const type = callee.typeName ? ret.replace(/\bSelf\b/g, callee.typeName) : ret;
  return inCalleeCrate(cx, callee.file.crateName, type);
}

/** A bare type name returned by a function of another crate is that crate's type: written with its path. */
function inCalleeCrate(cx: LowerContext, crate: string | undefined, type: string): string {
  if (!crate || crate === cx.file.crateName || !/^[A-Z]\w*$/.test(type)) return type;
  const dep = [...cx.env.index.deps].find(([, d]) => d.crateName === crate)?.[0];
  return dep ? `${dep}::${type}` : type;
}

/** The receiver's type, if the code writes it down. */
export function receiverType(cx: LowerContext, recv: SyntaxNode): RecvType | undefined {
  const text = typeTextOf(cx, recv);
  return text ? typeFromText(cx, text) : undefined;
}

/**
 * Types of the names a pattern binds positionally in an enum variant of the workspace: in
 * `Signer::Ic(v) => v.sign()`, `v` has the type of `Ic`'s field.
 */
export function patternTypes(
  cx: LowerContext,
  pattern: SyntaxNode,
  scrutineeType?: string,
): Map<string, string> {
  const out = new Map<string, string>();
  const matchPattern = pattern.type === 'match_pattern';
  // `parentId`: the node `n` is a named child of (tree-sitter finds `n.parent` by a walk from the root).
  const visit = (n: SyntaxNode, depth: number, parentId?: number): void => {
    if (depth > MAX_NESTING) return; // no type for names bound deeper: the method calls on them stay unresolved
    const top = n.id === pattern.id || (matchPattern && parentId === pattern.id);
    const inner = top && n.type === 'tuple_struct_pattern' ? successBinding(n, scrutineeType) : undefined;
    if (inner) out.set(inner.name, inner.type);
    else if (n.type === 'tuple_struct_pattern') {
      const path = (field(n, 'type')?.text ?? '').replace(/\s+/g, '').split('::');
      const variant = path.pop();
      let owner = path.pop();
      if (owner === 'Self') owner = cx.fn?.typeName;
      const fields = owner && variant ? cx.env.index.types.enumVariants.get(owner)?.get(variant) : undefined;
      const typeId = field(n, 'type')?.id;
      namedKids(n)
        .filter((k) => k.id !== typeId)
        .forEach((k, i) => {
          if (k.type === 'identifier' && fields?.[i]) out.set(k.text, fields[i]);
        });
    }
    for (const k of namedKids(n)) visit(k, depth + 1, n.id);
  };
  visit(pattern, 0);
  return out;
}

/**
 * `Ok(x)` / `Some(x)` matched against a value of type `Result<T, _>` / `Option<T>` (or a `…Result<T>` alias):
 * `x` has type `T`. Only at the top of the pattern, where the scrutinee's type is the pattern's.
 */
function successBinding(
  n: SyntaxNode,
  scrutineeType: string | undefined,
): { name: string; type: string } | undefined {
  const variant = field(n, 'type')?.text.replace(/\s+/g, '');
  if (!scrutineeType || (variant !== 'Ok' && variant !== 'Some')) return undefined;
  const typeId = field(n, 'type')?.id;
  const bound = namedKids(n).filter((k) => k.id !== typeId);
  const type = unwrapped(scrutineeType);
  return bound.length === 1 && bound[0].type === 'identifier' && type
    ? { name: bound[0].text, type }
    : undefined;
}
