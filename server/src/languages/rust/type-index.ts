/**
 * The types of the crate, as far as method calls need them: struct fields (so `self.ledger.transfer()` knows
 * `ledger`'s type), trait declarations and the impls of each trait (so a `dyn Trait` or `T: Trait` receiver
 * dispatches to them). Impls in test code are left out: they are not in the canister.
 */
import { descendantsOf, allKids, field, isHostOnlyAttribute, namedKids, type SyntaxNode } from './syntax';

export interface TraitInfo {
  name: string;
  /** Plain `pub`: other crates may implement it too (unless the crate cannot be a dependency). */
  isPub: boolean;
  /** Every method the trait declares, with or without a default body. */
  methods: Set<string>;
}

export interface ImplInfo {
  typeName: string;
  traitName: string;
  /** Methods the impl defines itself (the others come from the trait's defaults). */
  methods: Set<string>;
}

export interface TypeIndex {
  /** Struct name → field name (or tuple index) → type text. */
  structFields: Map<string, Map<string, string>>;
  /** Enum name → variant → its tuple fields' type texts (`Ic(IcSigner)` → `['IcSigner']`). */
  enumVariants: Map<string, Map<string, string[]>>;
  traits: Map<string, TraitInfo>;
  /** Trait name → its impls outside test code. */
  traitImpls: Map<string, ImplInfo[]>;
  /** Type names mentioned in macros and derives outside test code: impls the parser does not see may exist. */
  namesInMacros: Set<string>;
  /** Type aliases of generic containers (`type Accounts = StableBTreeMap<K, V, M>`): state can be held in them. */
  containerAliases: Set<string>;
}

/** Last segment of a type, without generics: `crate::a::Foo<T>` → `Foo`. */
export function baseTypeName(node: SyntaxNode | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'generic_type') return baseTypeName(field(node, 'type'));
  if (node.type === 'scoped_type_identifier') return field(node, 'name')?.text;
  return node.text;
}

const testRanges = new WeakMap<object, [number, number][]>();

/**
 * The spans of the items a `#[cfg(test)]`-like attribute applies to (the item after its run of attributes and
 * comments), found once per tree from the attributes the index walk collects.
 */
function hostOnlySpans(node: SyntaxNode): [number, number][] {
  let spans = testRanges.get(node.tree);
  if (spans) return spans;
  spans = [];
  for (const attr of descendantsOf(node.tree.rootNode, 'attribute_item')) {
    if (!isHostOnlyAttribute(attr)) continue;
    let s = attr.nextSibling;
    while (s && (s.type === 'attribute_item' || s.type === 'line_comment' || s.type === 'block_comment'))
      s = s.nextSibling;
    if (s) spans.push([attr.startIndex, s.endIndex]);
  }
  testRanges.set(node.tree, spans);
  return spans;
}

/** Inside a `#[cfg(test)]` item (module, impl, function) or a test file. */
export function inTestCode(node: SyntaxNode, path: string): boolean {
  const p = path.replace(/\\/g, '/');
  if (/(^|\/)tests?(\/|\.rs$)|_tests?\.rs$/.test(p)) return true;
  const at = node.startIndex;
  return hostOnlySpans(node).some(([start, end]) => at >= start && at < end);
}

function methodNames(body: SyntaxNode | null): Set<string> {
  const names = new Set<string>();
  for (const item of body ? namedKids(body) : []) {
    if (item.type !== 'function_item' && item.type !== 'function_signature_item') continue;
    const name = field(item, 'name')?.text;
    if (name) names.add(name);
  }
  return names;
}

export function emptyTypeIndex(): TypeIndex {
  return {
    structFields: new Map(),
    enumVariants: new Map(),
    traits: new Map(),
    traitImpls: new Map(),
    namesInMacros: new Set(),
    containerAliases: new Set(),
  };
}

/** Adds one file's structs, traits and trait impls. */
export function indexTypes(root: SyntaxNode, path: string, into: TypeIndex): void {
  for (const s of descendantsOf(root, 'struct_item')) {
    const name = s ? field(s, 'name')?.text : undefined;
    const body = s ? field(s, 'body') : null;
    if (!name || !body) continue;
    const fields = new Map<string, string>();
    if (body.type === 'field_declaration_list') {
      for (const f of namedKids(body)) {
        const fname = field(f, 'name')?.text;
        const ftype = field(f, 'type')?.text;
        if (f.type === 'field_declaration' && fname && ftype) fields.set(fname, ftype);
      }
    } else {
      // Tuple struct: `struct WithStop<T>(pub T)` — fields by position.
      namedKids(body)
        .filter((k) => k.type !== 'visibility_modifier' && k.type !== 'attribute_item')
        .forEach((k, i) => fields.set(String(i), k.text));
    }
    into.structFields.set(name, fields);
  }
  for (const t of descendantsOf(root, 'type_item')) {
    const name = t ? field(t, 'name')?.text : undefined;
    if (t && name && field(t, 'type')?.type === 'generic_type') into.containerAliases.add(name);
  }
  for (const e of descendantsOf(root, 'enum_item')) {
    const name = e ? field(e, 'name')?.text : undefined;
    const body = e ? field(e, 'body') : null;
    if (!name || !body) continue;
    const variants = new Map<string, string[]>();
    for (const v of namedKids(body)) {
      const vname = field(v, 'name')?.text;
      const fields = field(v, 'body');
      if (v.type !== 'enum_variant' || !vname) continue;
      const positional = fields?.type === 'ordered_field_declaration_list';
      variants.set(vname, positional ? namedKids(fields).map((k) => k.text) : []);
    }
    into.enumVariants.set(name, variants);
  }
  for (const t of descendantsOf(root, 'trait_item')) {
    const name = t ? field(t, 'name')?.text : undefined;
    if (!t || !name) continue;
    const vis = allKids(t).find((k) => k.type === 'visibility_modifier');
    into.traits.set(name, {
      name,
      isPub: vis?.text.replace(/\s+/g, '') === 'pub',
      methods: methodNames(field(t, 'body')),
    });
  }
  // A macro (or derive) can generate an impl of a trait it names; such a trait's impls are not all known.
  for (const m of descendantsOf(root, ['macro_definition', 'macro_invocation', 'attribute_item'])) {
    if (!m || inTestCode(m, path) || (m.type === 'attribute_item' && !/\bderive\b/.test(m.text))) continue;
    for (const name of m.text.match(/\b[A-Z]\w*/g) ?? []) into.namesInMacros.add(name);
  }
  for (const impl of descendantsOf(root, 'impl_item')) {
    if (!impl) continue;
    const traitName = baseTypeName(field(impl, 'trait'));
    const typeName = baseTypeName(field(impl, 'type'));
    if (!traitName || !typeName || inTestCode(impl, path)) continue;
    const list = into.traitImpls.get(traitName) ?? [];
    list.push({ typeName, traitName, methods: methodNames(field(impl, 'body')) });
    into.traitImpls.set(traitName, list);
  }
}
