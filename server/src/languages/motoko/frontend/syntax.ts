/** Small syntax helpers over the Motoko AST: unwrapping, names bound by patterns, simple names. */
import type * as A from '../ast';

/** Strips parentheses and type annotations: `((e : T))` → `e`. */
export function unwrap(e: A.Exp): A.Exp {
  let cur = e;
  for (;;) {
    if (cur.kind === 'Paren') cur = cur.inner;
    else if (cur.kind === 'Annot') cur = cur.expr;
    else if (cur.kind === 'Tuple' && cur.elements.length === 1) cur = cur.elements[0]!;
    else return cur;
  }
}

/** Strips parentheses and annotations from a pattern. */
export function unwrapPat(p: A.Pat): A.Pat {
  let cur = p;
  for (;;) {
    if (cur.kind === 'ParenPat') cur = cur.inner;
    else if (cur.kind === 'AnnotPat') cur = cur.pattern;
    else return cur;
  }
}

/** A name bound by a pattern, with the type annotation written directly on it (if any). */
export interface BoundName {
  name: string;
  ident: A.Ident;
  type: A.Type | null;
}

/** Every name a pattern binds, in source order. */
export function boundNames(p: A.Pat, type: A.Type | null = null, out: BoundName[] = []): BoundName[] {
  switch (p.kind) {
    case 'VarPat':
      out.push({ name: p.name.name, ident: p.name, type });
      break;
    case 'AnnotPat':
      boundNames(p.pattern, p.type, out);
      break;
    case 'ParenPat':
      boundNames(p.inner, type, out);
      break;
    case 'TuplePat':
      for (const el of p.elements) boundNames(el, null, out);
      break;
    case 'RecordPat':
      for (const f of p.fields) {
        if (f.isType) continue;
        if (f.pattern) boundNames(f.pattern, f.type, out);
        else out.push({ name: f.name.name, ident: f.name, type: f.type });
      }
      break;
    case 'TagPat':
      if (p.payload) boundNames(p.payload, null, out);
      break;
    case 'OptPat':
      boundNames(p.inner, null, out);
      break;
    case 'AltPat':
      boundNames(p.left, null, out);
      break;
    case 'AndPat':
      boundNames(p.left, null, out);
      boundNames(p.right, null, out);
      break;
    default:
      break;
  }
  return out;
}

/** True when a pattern always matches (a name, `_`, a tuple/record of such). */
export function irrefutable(p: A.Pat): boolean {
  switch (p.kind) {
    case 'VarPat':
    case 'WildPat':
    case 'ErrorPat':
      return true;
    case 'AnnotPat':
      return irrefutable(p.pattern);
    case 'ParenPat':
      return irrefutable(p.inner);
    case 'TuplePat':
      return p.elements.every(irrefutable);
    case 'RecordPat':
      return p.fields.every((f) => f.isType || !f.pattern || irrefutable(f.pattern));
    case 'AndPat':
      return irrefutable(p.left) && irrefutable(p.right);
    case 'AltPat':
      return irrefutable(p.left) || irrefutable(p.right);
    default:
      return false;
  }
}

/** Tag names a pattern mentions (`#err`, `#ok`, nested). */
export function patternTags(p: A.Pat, out: string[] = []): string[] {
  switch (p.kind) {
    case 'TagPat':
      out.push(p.name.name);
      if (p.payload) patternTags(p.payload, out);
      break;
    case 'AnnotPat':
      patternTags(p.pattern, out);
      break;
    case 'ParenPat':
    case 'OptPat':
      patternTags(p.inner, out);
      break;
    case 'TuplePat':
      for (const el of p.elements) patternTags(el, out);
      break;
    case 'RecordPat':
      for (const f of p.fields) if (f.pattern) patternTags(f.pattern, out);
      break;
    case 'AltPat':
    case 'AndPat':
      patternTags(p.left, out);
      patternTags(p.right, out);
      break;
    default:
      break;
  }
  return out;
}

/** The dotted path of a callee/receiver: `Timer.setTimer` → ['Timer', 'setTimer']; undefined if not a path. */
export function dottedPath(e: A.Exp): string[] | undefined {
  const u = unwrap(e);
  if (u.kind === 'Var') return [u.name];
  if (u.kind === 'Dot') {
    const base = dottedPath(u.object);
    return base ? [...base, u.name.name] : undefined;
  }
  return undefined;
}

/** The source text of a node with whitespace runs collapsed (for callee names in messages). */
export function sourceText(text: string, n: A.NodeBase): string {
  return text.slice(n.start, n.end).replace(/\s+/g, ' ').trim();
}

/** True for a bare type name like `Nat`, `Nat64` (types whose subtraction traps on underflow). */
export function isNatType(t: A.Type | null): boolean {
  if (!t) return false;
  if (t.kind === 'ParenType') return isNatType(t.inner);
  if (t.kind !== 'PathType') return false;
  const last = t.path[t.path.length - 1]?.name ?? '';
  return /^Nat(8|16|32|64)?$/.test(last);
}

/** True for the type `Bool` (a predicate's result). */
export function isBoolType(t: A.Type | null): boolean {
  if (!t) return false;
  if (t.kind === 'ParenType') return isBoolType(t.inner);
  return t.kind === 'PathType' && t.path.length === 1 && t.path[0].name === 'Bool';
}

/** True when a function's declared result is `async ()`. */
export function returnsAsyncUnit(f: A.Func): boolean {
  let t = f.returnType;
  if (!t || t.kind !== 'AsyncType') return false;
  t = t.inner;
  while (t.kind === 'ParenType') t = t.inner;
  return t.kind === 'TupleType' && t.elements.length === 0;
}

/** The body of a function with an outer `async { … }` / `async* { … }` removed (`func f() : async T = async {…}`). */
export function functionBody(f: A.Func): A.Exp {
  const b = unwrap(f.body);
  return b.kind === 'Async' ? b.body : f.body;
}
