/**
 * Crate-wide index: every function (free, impl method, nested module, any file), the shared state roots
 * (`thread_local!` statics and `static mut`), and per-file `use` maps. Built once per analysis.
 */
import type { Range } from '../../model/ir';
import { LineIndex } from '../../text/positions';
import { allKids, field, namedKids, patternNames, rangeOf, type SyntaxNode } from './syntax';
import { baseTypeName, emptyTypeIndex, indexTypes, type TypeIndex } from './type-index';
import { buildModuleTree, type ModuleScope } from './module-tree';
import { collectUses, type UseMap } from './use-resolution';

export interface ParsedFile {
  path: string;
  /** The path as reasons show it: relative to the crate when the path is absolute and inside it. */
  shownPath?: string;
  text: string;
  lines: LineIndex;
  root: SyntaxNode;
  uses: UseMap;
  /** The name of the crate the file belongs to, when known. */
  crateName?: string;
}

export interface FnInfo {
  name: string;
  /** `Self` type of the enclosing `impl`, if any. */
  typeName?: string;
  traitName?: string;
  file: ParsedFile;
  node: SyntaxNode;
  /** One name per parameter (the first a pattern binds), aligned with the call's arguments. */
  params: string[];
  /** Every name the parameters bind (`(a, b): (u64, u64)` binds both). */
  paramNames: string[];
  /** Parameter type texts, aligned with `params`. */
  paramTypes: string[];
  isAsync: boolean;
  returnType: string;
  nameRange: Range;
  /** 1-based line of the name, for reasons. */
  line: number;
}

export interface StateRoot {
  name: string;
  file: string;
  range: Range;
  /** `State` in `RefCell<State>` or `RefCell<Option<State>>`: parameters typed `&mut State` are handles on it. */
  innerType?: string;
  /**
   * `RefCell<Option<State>>`: the state is set in `init`/`post_upgrade`, so unwrapping the root itself
   * (`.expect("State not initialized")`) is an invariant, not a trap a message can reach (SPEC §5, Traps).
   */
  setAtInit?: true;
}

export interface CrateIndex {
  files: ParsedFile[];
  fns: FnInfo[];
  freeByName: Map<string, FnInfo[]>;
  /** `Type::name` → method or associated function. */
  methods: Map<string, FnInfo>;
  methodsByName: Map<string, FnInfo[]>;
  roots: Map<string, StateRoot>;
  /** Inner type name → root, for `&mut State` parameters. */
  rootByType: Map<string, string>;
  /**
   * Types held in one field of a root's state (`accounts: AccountsStable` in `State`, directly or one struct
   * further down): a parameter `&mut AccountsStable` is a handle on that field, so a helper that is given it
   * reads and writes the state (SPEC §5, data flow through summaries).
   */
  fieldByType: Map<string, { root: string; field: string }>;
  /** Names a path can start with and stay in this crate: its modules (files, folders, inline `mod`). */
  modules: Set<string>;
  /** The crate's own name as other crates write it (`my_canister`), when known. */
  crateName?: string;
  /** Struct fields, traits and trait impls, for method calls through the receiver's type. */
  types: TypeIndex;
  /** No other crate can depend on this one (only `cdylib`/`bin` targets): its traits have no impls elsewhere. */
  closed: boolean;
  /** Its modules, functions and re-exports, for paths written in other crates. */
  tree: ModuleScope;
  /** Crates of the workspace it depends on by path, by the name its code writes (filled once all are built). */
  deps: Map<string, CrateIndex>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function describeFn(file: ParsedFile, node: SyntaxNode): FnInfo | undefined {
  const nameNode = field(node, 'name');
  if (!nameNode) return undefined;
  const params: string[] = [];
  const paramNames: string[] = [];
  const paramTypes: string[] = [];
  const paramList = field(node, 'parameters');
  for (const p of paramList ? namedKids(paramList) : []) {
    if (p.type === 'self_parameter') {
      params.push('self');
      paramTypes.push(p.text);
    } else if (p.type === 'parameter') {
      const names = patternNames(field(p, 'pattern'));
      params.push(names[0] ?? '_');
      paramNames.push(...names);
      paramTypes.push(field(p, 'type')?.text ?? '');
    }
  }
  const modifiers = allKids(node).find((k) => k.type === 'function_modifiers');
  let implType: string | undefined;
  let traitName: string | undefined;
  // A method's parent is the `declaration_list` of its impl or trait. Only that one is looked at: each
  // `parent` costs the node's depth in tree-sitter, and a walk to the root would be quadratic in deep code.
  const list = node.parent;
  const owner = list?.type === 'declaration_list' ? list.parent : null;
  if (owner?.type === 'impl_item') {
    implType = baseTypeName(field(owner, 'type'));
    traitName = baseTypeName(field(owner, 'trait'));
  } else if (owner?.type === 'trait_item') {
    // A trait's default method: `Trait::m`, taken by the impls that do not define `m`.
    implType = traitName = field(owner, 'name')?.text;
  }
  const nameRange = rangeOf(file.lines, nameNode);
  return {
    name: nameNode.text,
    typeName: implType,
    traitName,
    file,
    node,
    params,
    paramNames,
    paramTypes,
    isAsync: !!modifiers && /\basync\b/.test(modifiers.text),
    returnType: field(node, 'return_type')?.text ?? '',
    nameRange,
    line: nameRange.start.line + 1,
  };
}

/** Inner type of `RefCell<State>` / `Cell<State>` / `State` / `RefCell<Option<State>>`, when a plain name. */
function innerTypeOf(typeText: string): string | undefined {
  const text = typeText.replace(/\s+/g, '');
  const option =
    /^(?:(?:std::cell::|core::cell::)?RefCell<)(?:std::option::|core::option::)?Option<([A-Za-z_]\w*)>>$/.exec(
      text,
    );
  if (option) return option[1];
  const m = /^(?:(?:std::cell::|core::cell::)?(?:RefCell|Cell)<)?([A-Za-z_][A-Za-z0-9_]*)>?$/.exec(text);
  return m?.[1];
}

function isSetAtInit(typeText: string): boolean {
  return /^(?:(?:std::cell::|core::cell::)?RefCell<)(?:std::option::|core::option::)?Option</.test(
    typeText.replace(/\s+/g, ''),
  );
}

function collectRoots(file: ParsedFile, roots: Map<string, StateRoot>): void {
  for (const mac of file.root.descendantsOfType('macro_invocation')) {
    if (!mac || field(mac, 'macro')?.text.replace(/^.*::/, '') !== 'thread_local') continue;
    const tree = allKids(mac).find((k) => k.type === 'token_tree');
    if (!tree) continue;
    const toks = allKids(tree);
    for (let i = 0; i < toks.length; i++) {
      if (toks[i].text !== 'static') continue;
      let j = i + 1;
      if (toks[j]?.text === 'mut') j++;
      const name = toks[j];
      if (!name || name.type !== 'identifier') continue;
      // The type runs from after `:` to `=`; token trees keep it as flat tokens.
      let k = j + 1;
      let typeText = '';
      if (toks[k]?.text === ':') {
        const start = toks[k].endIndex;
        while (k < toks.length && toks[k].text !== '=') k++;
        typeText = file.text.slice(start, toks[k]?.startIndex ?? start);
      }
      roots.set(name.text, {
        name: name.text,
        file: file.path,
        range: rangeOf(file.lines, name),
        innerType: innerTypeOf(typeText),
        ...(isSetAtInit(typeText) ? { setAtInit: true as const } : {}),
      });
    }
  }
  for (const item of file.root.descendantsOfType('static_item')) {
    if (!item || !allKids(item).some((k) => k.type === 'mutable_specifier')) continue;
    const name = field(item, 'name');
    if (!name) continue;
    roots.set(name.text, {
      name: name.text,
      file: file.path,
      range: rangeOf(file.lines, name),
      innerType: innerTypeOf(field(item, 'type')?.text ?? ''),
    });
  }
}

export function buildCrateIndex(
  files: { path: string; shownPath?: string; text: string; root: SyntaxNode }[],
  crateName?: string,
  closed = false,
): CrateIndex {
  const index: CrateIndex = {
    files: [],
    fns: [],
    freeByName: new Map(),
    methods: new Map(),
    methodsByName: new Map(),
    roots: new Map(),
    rootByType: new Map(),
    fieldByType: new Map(),
    modules: new Set(['crate', 'self', 'super', 'Self']),
    ...(crateName ? { crateName } : {}),
    types: emptyTypeIndex(),
    closed,
    tree: buildModuleTree([], []),
    deps: new Map(),
  };
  for (const f of files) {
    const parsed: ParsedFile = {
      ...f,
      lines: new LineIndex(f.text),
      uses: collectUses(f.root),
      ...(crateName ? { crateName } : {}),
    };
    index.files.push(parsed);
    collectRoots(parsed, index.roots);
    indexTypes(f.root, f.shownPath ?? f.path, index.types);
    for (const part of (f.shownPath ?? f.path).replace(/\\/g, '/').replace(/\.rs$/, '').split('/'))
      index.modules.add(part.replace(/-/g, '_'));
    for (const mod of f.root.descendantsOfType('mod_item')) {
      const name = mod ? field(mod, 'name')?.text : undefined;
      if (name) index.modules.add(name);
    }
    for (const node of f.root.descendantsOfType('function_item')) {
      const info = node ? describeFn(parsed, node) : undefined;
      if (!info) continue;
      index.fns.push(info);
      if (info.typeName) {
        index.methods.set(`${info.typeName}::${info.name}`, info);
        push(index.methodsByName, info.name, info);
      } else push(index.freeByName, info.name, info);
    }
  }
  for (const root of index.roots.values())
    if (root.innerType) index.rootByType.set(root.innerType, root.name);
  index.fieldByType = fieldTypes(index);
  index.tree = buildModuleTree(index.files, index.fns);
  return index;
}

/**
 * Struct types found in exactly one field of a root's state type, or of a struct one field down; a type seen
 * in two places is ambiguous and left out.
 */
function fieldTypes(index: CrateIndex): Map<string, { root: string; field: string }> {
  const found = new Map<string, { root: string; field: string } | null>();
  const note = (type: string, at: { root: string; field: string }) => {
    if (index.rootByType.has(type)) return;
    const seen = found.get(type);
    found.set(type, seen === undefined ? at : null);
  };
  const structType = (text: string) => /^[A-Z][A-Za-z0-9_]*$/.exec(text.trim())?.[0];
  for (const [type, root] of index.rootByType) {
    for (const [name, text] of index.types.structFields.get(type) ?? []) {
      const t = structType(text);
      if (!t || !(index.types.structFields.has(t) || index.types.containerAliases.has(t))) continue;
      const at = { root, field: name };
      note(t, at);
      for (const inner of index.types.structFields.get(t)?.values() ?? []) {
        const u = structType(inner);
        if (u && (index.types.structFields.has(u) || index.types.containerAliases.has(u))) note(u, at);
      }
    }
  }
  return new Map([...found].flatMap(([t, at]) => (at ? [[t, at] as const] : [])));
}

/** `Type::name` for methods, `name` for free functions: how reasons and `via` name a function. */
export function displayName(fn: FnInfo): string {
  return fn.typeName ? `${fn.typeName}::${fn.name}` : fn.name;
}
