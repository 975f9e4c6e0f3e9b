/** The actor's state roots: which fields are shared state, and what kind of value each holds. */
import type * as A from '../ast';
import type { Scope } from './scope';
import { dottedPath, isNatType, unwrap } from './syntax';

export interface StateRoot {
  name: string;
  /** The declaring field. */
  decl: A.NodeBase;
  /** Subtraction on it may underflow (`: Nat`, or initialised with a natural literal). */
  nat: boolean;
  /** Holds a mutable container/object (calls on it may mutate it). */
  container: boolean;
  /** A map or set (the first argument of its accessors is a key). */
  keyed: boolean;
  /** A set (adding a key marks it). */
  isSet: boolean;
  /** The declared type, if written. */
  type?: A.Type | null;
  /** A parameter or field of an instance the actor holds, not a field of the actor itself. */
  inInstance?: true;
  /** For a `var` of a held instance that is its own variable: the class (see `StatePath.holder`). */
  holder?: string;
}

/** Constructor-like module functions of the collection libraries. */
const CONSTRUCTORS = new Set([
  'empty',
  'new',
  'init',
  'singleton',
  'fromIter',
  'fromArray',
  'clone',
  'tabulateVar',
  'initVar',
  'fromVarArray',
  'make',
]);

/** The state root a field of the actor declares, if it declares one. */
export function stateRootOf(field: A.DecField, scope: Scope, text: string): StateRoot | undefined {
  const d = field.dec;
  if (d.kind === 'VarDec') {
    const init = d.init ? unwrap(d.init) : undefined;
    const shape = init ? containerShape(init, scope, text, d.type) : undefined;
    const nat = isNatType(d.type) || (!d.type && init?.kind === 'Lit' && init.litKind === 'nat');
    return {
      name: d.name.name,
      decl: field,
      nat,
      container: shape !== undefined,
      keyed: shape?.keyed ?? false,
      isSet: shape?.isSet ?? false,
      type: d.type,
    };
  }
  if (d.kind === 'LetDec' && d.init) {
    const pat = d.pattern.kind === 'AnnotPat' ? d.pattern.pattern : d.pattern;
    if (pat.kind !== 'VarPat') return undefined;
    const type = d.pattern.kind === 'AnnotPat' ? d.pattern.type : null;
    const shape = containerShape(unwrap(d.init), scope, text, type);
    if (!shape) return undefined;
    return {
      name: pat.name.name,
      decl: field,
      nat: false,
      container: true,
      keyed: shape.keyed,
      isSet: shape.isSet,
      type,
    };
  }
  if (
    d.kind === 'ObjectDec' &&
    d.sort === 'object' &&
    d.name &&
    d.fields.some((f) => f.dec.kind === 'VarDec')
  ) {
    return { name: d.name.name, decl: field, nat: false, container: true, keyed: false, isSet: false };
  }
  return undefined;
}

/** Whether an initialiser builds a mutable value, and whether it is a map/set. */
function containerShape(
  init: A.Exp,
  scope: Scope,
  text: string,
  type: A.Type | null,
): { keyed: boolean; isSet: boolean } | undefined {
  const typeText = type ? text.slice(type.start, type.end) : '';
  const classify = (s: string) => ({
    keyed: /Map|Set|Trie|RBTree|Assoc|Hash/.test(s),
    isSet: /Set/.test(s) && !/Map/.test(s),
  });
  if (type && type.kind === 'ArrayType' && type.mutable) return classify('');
  switch (init.kind) {
    case 'Array':
      return init.mutable ? classify('') : undefined;
    case 'Object':
      return init.fields.some((f) => f.mutable) ? classify('') : undefined;
    // `let state = switch (stored) { case (#v1 st) st; … }`: the current version of a stable variable, unwrapped
    // once at start-up. Code that assigns through it (`state[i] := …`) changes the actor's state; if it is
    // immutable, nothing can write it and it only adds reads no one conflicts with.
    case 'Switch':
      return classify(typeText);
    case 'Call': {
      const p = dottedPath(init.callee);
      if (!p) return undefined;
      const last = p[p.length - 1];
      const mod = p.length > 1 ? p[p.length - 2] : '';
      const binding = scope.lookup(p[0]);
      const isClass = p.length === 1 && binding?.kind === 'class';
      const modPath = binding?.kind === 'module' ? (binding.importPath ?? '') : '';
      // Functional (immutable) libraries build values, not mutable containers.
      if (/^mo:base\/(Trie|TrieSet|AssocList|List|Deque|OrderedMap|OrderedSet|Array|Iter)$/.test(modPath)) {
        return /Array$/.test(modPath) && /Var$|^init$/.test(last) ? classify('') : undefined;
      }
      if (/^mo:core\/pure\//.test(modPath)) return undefined;
      if (isClass || /^[A-Z]/.test(last) || (p.length > 1 && CONSTRUCTORS.has(last))) {
        return classify(`${mod}.${last} ${modPath} ${typeText}`);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
