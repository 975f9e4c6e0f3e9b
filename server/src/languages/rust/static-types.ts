/**
 * The declared types of a crate's global values that are not state roots: `static X: T = …`, `const X: T`
 * and `lazy_static! { static ref X: T = …; }`. A method call on such a global (`CONTROLLER.create(…)`, the
 * service singletons many canisters keep) resolves through its type like a call on a typed local.
 */
import { allKids, descendantsOf, field, type SyntaxNode } from './syntax';

export interface StaticType {
  /** The file that declares it (`shownPath ?? path`, as the index keys files). */
  file: string;
  type: string;
}

/** Adds the typed globals of one file to `into` (name → declarations). */
export function collectStaticTypes(
  root: SyntaxNode,
  text: string,
  file: string,
  into: Map<string, StaticType[]>,
): void {
  const add = (name: string, type: string) => {
    const list = into.get(name) ?? [];
    list.push({ file, type: type.trim() });
    into.set(name, list);
  };
  for (const item of descendantsOf(root, ['static_item', 'const_item'])) {
    // A `static mut` is a state root: calls on it are state accesses, not calls through its type.
    if (allKids(item).some((k) => k.type === 'mutable_specifier')) continue;
    const name = field(item, 'name')?.text;
    const type = field(item, 'type')?.text;
    if (name && type) add(name, type);
  }
  if (!text.includes('lazy_static')) return;
  for (const mac of descendantsOf(root, 'macro_invocation')) {
    if (field(mac, 'macro')?.text.replace(/^.*::/, '') !== 'lazy_static') continue;
    const tree = allKids(mac).find((k) => k.type === 'token_tree');
    const toks = tree ? allKids(tree) : [];
    // `static ref NAME: Type = init;` — the type runs from after `:` to `=`, as flat tokens.
    for (let i = 0; i + 3 < toks.length; i++) {
      if (toks[i].text !== 'static' || toks[i + 1].text !== 'ref' || toks[i + 3].text !== ':') continue;
      let k = i + 4;
      while (k < toks.length && toks[k].text !== '=') k++;
      if (k < toks.length) add(toks[i + 2].text, text.slice(toks[i + 3].endIndex, toks[k].startIndex));
    }
  }
}

/** The type of global `name` as seen from `file`: its own declaration, else the crate's only one. */
export function staticTypeOf(
  statics: Map<string, StaticType[]>,
  name: string,
  file: string,
): string | undefined {
  const all = statics.get(name);
  if (!all?.length) return undefined;
  const own = all.find((s) => s.file === file);
  if (own) return own.type;
  const types = new Set(all.map((s) => s.type.replace(/\s+/g, '')));
  return types.size === 1 ? all[0].type : undefined;
}
