/**
 * Enum variants in `match` arms and call arguments. Event-sourced canisters apply every change through one
 * function (`process_event(s, EventType::Started { id })` → `match payload { … }`); without knowing which arm a
 * call reaches, each call would seem to write every field any event touches.
 */
import { field, namedKids, stripWrappers, type SyntaxNode } from './syntax';

/**
 * The variant names an arm's pattern matches (`E::A { .. } | E::B(..)` → `A`, `B`); undefined when it may
 * match any value (a binding, `_`, a literal, a guard-only arm).
 */
export function armVariantNames(pattern: SyntaxNode): string[] | undefined {
  const out: string[] = [];
  const stack: SyntaxNode[] = [pattern];
  for (let n = stack.pop(); n; n = stack.pop()) {
    switch (n.type) {
      case 'match_pattern': {
        // Its named children are the pattern and, as field `condition`, the guard (nodes compare by position).
        const guard = field(n, 'condition');
        stack.push(...namedKids(n).filter((k) => !guard || k.startIndex !== guard.startIndex));
        break;
      }
      case 'or_pattern':
      case 'reference_pattern':
      case 'parenthesized_pattern':
        stack.push(...namedKids(n));
        break;
      case 'struct_pattern':
      case 'tuple_struct_pattern': {
        const t = field(n, 'type');
        if (!t) return undefined;
        out.push(lastSegment(t.text));
        break;
      }
      case 'scoped_identifier':
        out.push(lastSegment(n.text));
        break;
      case 'identifier':
        // A capitalised bare name is a unit variant in scope (`use E::*`); anything else binds the value.
        if (!/^[A-Z]/.test(n.text)) return undefined;
        out.push(n.text);
        break;
      default:
        return undefined;
    }
  }
  return out.length ? out : undefined;
}

/** What a call argument says about its variant: a constructor names it, a plain local passes it on. */
export type ArgVariant = { variant: string } | { local: string } | undefined;

export function argVariant(arg: SyntaxNode): ArgVariant {
  let n = stripWrappers(arg);
  const cloned = cloneReceiver(n);
  if (cloned) n = stripWrappers(cloned);
  if (n.type === 'identifier') return { local: n.text };
  if (n.type === 'struct_expression') {
    const name = field(n, 'name');
    return name && isVariantPath(name.text) ? { variant: lastSegment(name.text) } : undefined;
  }
  if (n.type === 'call_expression') {
    const f = field(n, 'function');
    return f?.type === 'scoped_identifier' && isVariantPath(f.text)
      ? { variant: lastSegment(f.text) }
      : undefined;
  }
  if (n.type === 'scoped_identifier' && isVariantPath(n.text)) return { variant: lastSegment(n.text) };
  return undefined;
}

/** `x.clone()`: the receiver `x`. */
function cloneReceiver(n: SyntaxNode): SyntaxNode | undefined {
  if (n.type !== 'call_expression') return undefined;
  const f = field(n, 'function');
  const args = field(n, 'arguments');
  if (f?.type !== 'field_expression' || !args || namedKids(args).length) return undefined;
  return field(f, 'field')?.text === 'clone' ? (field(f, 'value') ?? undefined) : undefined;
}

/** `Enum::Variant`: a path of at least two segments whose last one is capitalised. */
function isVariantPath(text: string): boolean {
  const segs = text.replace(/\s+/g, '').replace(/<.*>/g, '').split('::');
  return segs.length >= 2 && /^[A-Z]/.test(segs[segs.length - 1]) && /^[A-Z]/.test(segs[segs.length - 2]);
}

function lastSegment(text: string): string {
  const segs = text.replace(/\s+/g, '').replace(/<.*>/g, '').split('::');
  return segs[segs.length - 1];
}
