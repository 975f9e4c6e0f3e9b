/** Small helpers over tree-sitter-rust nodes, so the lowering reads like the grammar. */
import type { Node as SyntaxNode } from 'web-tree-sitter';
import type { Range } from '../../model/ir';
import type { LineIndex } from '../../text/positions';

export type { SyntaxNode };

export function namedKids(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

export function allKids(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c): c is SyntaxNode => c !== null);
}

export function field(node: SyntaxNode, name: string): SyntaxNode | null {
  return node.childForFieldName(name);
}

/**
 * web-tree-sitter parses JavaScript strings as UTF-16, so `startIndex`/`endIndex` are UTF-16 offsets (string
 * indices), not UTF-8 bytes: they go through `LineIndex.positionAt`.
 */
export function rangeOf(lines: LineIndex, node: SyntaxNode): Range {
  return lines.rangeAt(node.startIndex, node.endIndex);
}

/** Removes `( … )`, `&`, `&mut`, `*` around an expression. */
export function stripWrappers(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    // Read once: each `type` asks tree-sitter, and most expressions are none of these.
    const type = n.type;
    if (
      type === 'parenthesized_expression' ||
      type === 'reference_expression' ||
      type === 'unary_expression'
    ) {
      const inner = type === 'reference_expression' ? field(n, 'value') : namedKids(n)[0];
      if (!inner) return n;
      n = inner;
    } else return n;
  }
}

/** Path text without whitespace and turbofish generics: `ic_cdk :: call::<_, (u8,)>` → `ic_cdk::call`. */
export function pathText(node: SyntaxNode): string {
  const raw = node.type === 'generic_function' ? (field(node, 'function')?.text ?? node.text) : node.text;
  return raw.replace(/\s+/g, '').replace(/::<.*$/, '');
}

/** `a.b.c` or a plain identifier (after `&`, `*`, `.clone()`), the kind of key a map access can be keyed by. */
export function simpleKey(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  let n = stripWrappers(node);
  let type = n.type;
  if (type === 'call_expression') {
    const fn = field(n, 'function');
    const args = field(n, 'arguments');
    if (fn?.type === 'field_expression' && args && namedKids(args).length === 0) {
      const m = field(fn, 'field')?.text;
      const recv = field(fn, 'value');
      if ((m === 'clone' || m === 'to_owned' || m === 'to_string') && recv) {
        n = stripWrappers(recv);
        type = n.type;
      }
    }
  }
  if (type === 'identifier' || type === 'self') return n.text;
  if (type === 'field_expression') {
    const inner = field(n, 'value');
    const f = field(n, 'field');
    const base = simpleKey(inner);
    return base && f && inner && stripWrappers(inner).type !== 'call_expression'
      ? `${base}.${f.text}`
      : undefined;
  }
  return undefined;
}

/** A method call `recv.name(…)`: its receiver, name and arguments. */
export interface MethodCall {
  recv: SyntaxNode;
  name: string;
  args: SyntaxNode[];
  nameNode: SyntaxNode;
}

/** The method call a `call_expression` is, if it is one. */
export function methodCall(node: SyntaxNode): MethodCall | undefined {
  if (node.type !== 'call_expression') return undefined;
  const written = field(node, 'function');
  // `recv.method::<T>(…)` (the ic-cdk 0.18 `….await?.candid::<u64>()` idiom) is a method call too.
  const fn = written?.type === 'generic_function' ? field(written, 'function') : written;
  const argsNode = field(node, 'arguments');
  if (!fn || fn.type !== 'field_expression' || !argsNode) return undefined;
  const recv = field(fn, 'value');
  const nameNode = field(fn, 'field');
  if (!recv || !nameNode) return undefined;
  return { recv, name: nameNode.text, args: namedKids(argsNode).filter((a) => !a.isExtra), nameNode };
}

export function callArgs(node: SyntaxNode): SyntaxNode[] {
  const a = field(node, 'arguments');
  return a ? namedKids(a).filter((k) => !k.isExtra) : [];
}

/** Names bound by a pattern (`x`, `(a, mut b)`, `Some(x)`, `Foo { a, b: c }`). */
export function patternNames(pattern: SyntaxNode | null): string[] {
  if (!pattern) return [];
  if (pattern.type === 'identifier') return pattern.text === '_' ? [] : [pattern.text];
  const out: string[] = [];
  // Pre-order with an explicit stack: patterns can nest as deeply as the code does.
  const stack: [SyntaxNode, boolean][] = [[pattern, false]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [n, isTypeField] = top;
    const type = n.type;
    // `Foo { amount }` binds `amount` through a shorthand field.
    if ((type === 'identifier' && !isTypeField) || type === 'shorthand_field_identifier') out.push(n.text);
    if (type === 'scoped_identifier' || type === 'field_identifier' || type === 'type_identifier') continue;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c && c.isNamed) stack.push([c, n.fieldNameForChild(i) === 'type']);
    }
  }
  return out.filter((n) => n !== '_' && !/^[A-Z]/.test(n));
}

export function isErrorish(node: SyntaxNode): boolean {
  return node.isError || node.isMissing;
}

/**
 * `#[cfg(test)]`, `#[cfg(not(target_arch = "wasm32"))]` and the like: what follows is compiled only for the host
 * (tests, mocks), never into the canister's Wasm.
 */
export function isHostOnlyAttribute(attr: SyntaxNode): boolean {
  if (attr.type !== 'attribute_item') return false;
  const t = attr.text.replace(/\s+/g, '');
  return t === '#[cfg(test)]' || /^#\[cfg\(not\(target_(arch="wasm32"|family="wasm")\)\)\]$/.test(t);
}

/**
 * The item kinds the crate index looks for; one walk of a file finds them all. Nothing else inside a function
 * body may be read by the index: the language server's outline of a file relies on it (workspace/rust-outline.ts).
 */
export const INDEXED = [
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
const INDEXED_SET = new Set(INDEXED);
const walked = new WeakMap<object, { all: SyntaxNode[]; byType: Map<string, SyntaxNode[]> }>();

/**
 * `root.descendantsOfType(types)`, in the same (document) order, for the item kinds the index reads: each
 * call of tree-sitter's walks the whole tree, and the index asks for a dozen kinds per file.
 */
export function descendantsOf(root: SyntaxNode, types: string | string[]): SyntaxNode[] {
  const list = typeof types === 'string' ? [types] : types;
  if (!list.every((t) => INDEXED_SET.has(t)))
    return root.descendantsOfType(types).filter((n): n is SyntaxNode => n !== null);
  // Keyed by the tree: every `rootNode` is a new object. Only whole trees are walked once.
  if (root.parent) return root.descendantsOfType(types).filter((n): n is SyntaxNode => n !== null);
  let seen = walked.get(root.tree);
  if (!seen) {
    const all = root.descendantsOfType(INDEXED).filter((n): n is SyntaxNode => n !== null);
    const byType = new Map<string, SyntaxNode[]>();
    for (const n of all) {
      const same = byType.get(n.type);
      if (same) same.push(n);
      else byType.set(n.type, [n]);
    }
    walked.set(root.tree, (seen = { all, byType }));
  }
  if (list.length === 1) return seen.byType.get(list[0]) ?? [];
  const wanted = new Set(list);
  return seen.all.filter((n) => wanted.has(n.type));
}
