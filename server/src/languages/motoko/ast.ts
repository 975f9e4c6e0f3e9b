/**
 * The syntax tree produced by our hand-written Motoko parser (`parser.ts`).
 *
 * Conventions:
 * - Every node has a string `kind` (the discriminant) and `start`/`end`: UTF-16 offsets (JavaScript string
 *   indices) into the source text, `end` exclusive. Convert to lines/columns with `LineIndex` from
 *   `server/src/text/positions.ts`.
 * - The tree follows the surface syntax (not the compiler's desugaring): `func f() {}` is a `Func` node, not a
 *   `let` bound to a function expression; `x += 1` is an `Assign` with `op: '+='`; parentheses are kept
 *   (`Paren`), and an actor is an `ObjectDec` with `sort: 'actor'` (no synthetic `await` around it).
 * - Declarations are expressions in Motoko's grammar (`let` may appear where an expression may), so `Exp`
 *   includes the declaration kinds and a block is a list of `Dec` (= `Exp | ImportDec`).
 * - Missing pieces after a syntax error are `ErrorExp` / `ErrorPat` / `ErrorType` nodes (zero or more width),
 *   so a consumer never meets `undefined` where the grammar requires a node.
 * - `forEachChild(node, f)` visits the direct child nodes of any node in source order (generic traversal).
 */

/** Fields common to every node. */
export interface NodeBase {
  /** Start offset (UTF-16, inclusive). */
  start: number;
  /** End offset (UTF-16, exclusive). */
  end: number;
}

/** An identifier occurrence (a name and its exact range). */
export interface Ident extends NodeBase {
  kind: 'Ident';
  name: string;
}

/** A comment (kept on the `Program` for tools; not part of the tree). */
export interface Comment extends NodeBase {
  kind: 'Comment';
  /** `line` = `// …`, `block` = `/* … *\/`, `doc` = `/// …` or `/** … *\/`. */
  style: 'line' | 'block' | 'doc';
  text: string;
}

// ---------------------------------------------------------------------------------------------------------
// Program, declarations, fields

/** A whole file: imports followed by declarations (imports are `ImportDec`s in `decs`). */
export interface Program extends NodeBase {
  kind: 'Program';
  decs: Dec[];
  comments: Comment[];
}

/** An item of a block or program: an expression or a declaration (declarations are in `Exp`). */
export type Dec = Exp | ImportDec;

/** `import P "path"` (also `import P = "path"`); `pattern` is usually a `VarPat`, may be a `RecordPat`. */
export interface ImportDec extends NodeBase {
  kind: 'ImportDec';
  pattern: Pat;
  /** Decoded path text, e.g. `mo:core/Map`. */
  path: string;
  /** Range of the path's string literal (with the quotes). */
  pathRange: NodeBase;
}

/** `let p = e`, `let p = e else { … }` (let-else), or `let p` without initialiser (then `init` is null). */
export interface LetDec extends NodeBase {
  kind: 'LetDec';
  pattern: Pat;
  init: Exp | null;
  /** The `else` branch of a let-else. */
  elseBody: Exp | null;
}

/** `var x : T = e` (`init` null for `var x : T` without initialiser). */
export interface VarDec extends NodeBase {
  kind: 'VarDec';
  name: Ident;
  type: Type | null;
  init: Exp | null;
}

/** `type T<A <: B> = …`. */
export interface TypeDec extends NodeBase {
  kind: 'TypeDec';
  name: Ident;
  typeParams: TypeBind[];
  type: Type;
}

/**
 * The declared sort of a function: `local` (plain `func`), `shared` (`shared func`), `query`
 * (`query func` / `shared query func`), `composite query`. Public functions of an actor are shared even when
 * declared without `shared`; that context is for the consumer to apply (see `DecField.visibility`).
 */
export type FuncSort = 'local' | 'shared' | 'query' | 'composite query';

/**
 * A function: `[shared[(p)] | [shared] query | [shared] composite query] func [name]<T>(params) : R body`
 * or `… = e`. Appears as a declaration (named) and as an expression (anonymous `func (x) { … }`).
 */
export interface Func extends NodeBase {
  kind: 'Func';
  /** Null for an anonymous function expression. */
  name: Ident | null;
  sort: FuncSort;
  /** Range of the sort keywords (`shared`, `query`, `composite query`), null for `local`. */
  sortRange: NodeBase | null;
  /** The caller pattern of `shared(msg)` / `shared({caller})` / `query(msg)`; null if absent. */
  callerPattern: Pat | null;
  /** Start of the `func` keyword. */
  funcKeyword: number;
  typeParams: TypeBind[];
  /** True for `<system, …>` type parameters. */
  systemTypeParam: boolean;
  /** The parameter pattern as written (a `TuplePat`, a `ParenPat` or another plain pattern). */
  param: Pat;
  /** The parameters as a list (elements of `param` if it is a tuple/paren pattern, else `[param]`). */
  params: Pat[];
  returnType: Type | null;
  /** `async` / `async*` if the declared return type is an async type, else null. */
  asyncKind: 'async' | 'async*' | null;
  /** The body: a `Block` when written `{ … }` (then `bodyIsBlock`), else the expression after `=`. */
  body: Exp;
  bodyIsBlock: boolean;
}

export type ObjSort = 'actor' | 'module' | 'object';

/** `[persistent] actor [name] [: T] { fields }`, `module [name] { … }`, `object [name] { … }`. */
export interface ObjectDec extends NodeBase {
  kind: 'ObjectDec';
  sort: ObjSort;
  persistent: boolean;
  name: Ident | null;
  type: Type | null;
  fields: DecField[];
  /** `(with migration = …) actor { … }`. */
  parenthetical: ObjectExp | null;
  /** Offset of the sort keyword (`actor`/`module`/`object`). */
  sortKeyword: number;
}

/** `[shared(p)] [persistent] [actor|module|object] class Name<T>(params) [: T] [= self] { fields }`. */
export interface ClassDec extends NodeBase {
  kind: 'ClassDec';
  /** Sort of the class's objects; plain `class` gives `object`. */
  sort: ObjSort;
  persistent: boolean;
  sharedSort: FuncSort;
  callerPattern: Pat | null;
  name: Ident | null;
  typeParams: TypeBind[];
  systemTypeParam: boolean;
  param: Pat;
  params: Pat[];
  returnType: Type | null;
  /** `class C() = self { … }`. */
  selfName: Ident | null;
  fields: DecField[];
  parenthetical: ObjectExp | null;
  /** Offset of the `class` keyword. */
  classKeyword: number;
}

/** `mixin(params) { fields }` (newer compilers). */
export interface MixinDec extends NodeBase {
  kind: 'MixinDec';
  system: boolean;
  param: Pat;
  fields: DecField[];
}

/** `include Name(args)` (newer compilers). */
export interface IncludeDec extends NodeBase {
  kind: 'IncludeDec';
  name: Ident;
  system: boolean;
  arg: Exp;
}

/** A field of an actor/module/object/class body: `[public|private|system] [stable|flexible|transient] dec`. */
export interface DecField extends NodeBase {
  kind: 'DecField';
  /** Written visibility, null if none (then private). */
  visibility: 'public' | 'private' | 'system' | null;
  /** Written stability, null if none (then the actor's default: stable under `persistent`). */
  stability: 'stable' | 'flexible' | 'transient' | null;
  /** `public (with …) func` (newer compilers). */
  parenthetical: ObjectExp | null;
  dec: Dec;
}

// ---------------------------------------------------------------------------------------------------------
// Expressions

export type Exp =
  | LitExp
  | VarExp
  | PrimExp
  | ParenExp
  | TupleExp
  | ObjectExp
  | ArrayExp
  | IndexExp
  | ProjExp
  | DotExp
  | CallExp
  | BangExp
  | TagExp
  | OptExp
  | UnaryExp
  | UnaryAssignExp
  | ActorUrlExp
  | NotExp
  | ShowExp
  | ToCandidExp
  | FromCandidExp
  | BinaryExp
  | LogicalExp
  | AnnotExp
  | AssignExp
  | ReturnExp
  | AsyncExp
  | AwaitExp
  | AssertExp
  | LabelExp
  | BreakExp
  | ContinueExp
  | DebugExp
  | IfExp
  | TryExp
  | ThrowExp
  | SwitchExp
  | WhileExp
  | LoopExp
  | ForExp
  | IgnoreExp
  | DoExp
  | DoOptExp
  | BlockExp
  | Func
  | ObjectDec
  | ClassDec
  | LetDec
  | VarDec
  | TypeDec
  | MixinDec
  | IncludeDec
  | ErrorExp;

/** A literal. `raw` is the source text; `value` the decoded value for `text`/`char` (else equal to `raw`). */
export interface LitExp extends NodeBase {
  kind: 'Lit';
  litKind: 'nat' | 'float' | 'char' | 'text' | 'bool' | 'null';
  raw: string;
  value: string;
}

/** A name used as an expression (`x`; also `_`). */
export interface VarExp extends NodeBase {
  kind: 'Var';
  name: string;
}

/** `prim "name"` (privileged code only). */
export interface PrimExp extends NodeBase {
  kind: 'Prim';
  name: string;
}

/** `( e )`. */
export interface ParenExp extends NodeBase {
  kind: 'Paren';
  inner: Exp;
}

/** `(e1, e2, …)` and `()` (the unit value). */
export interface TupleExp extends NodeBase {
  kind: 'Tuple';
  elements: Exp[];
}

/** `{ a = 1; var b = 2; c }`, `{ r with a = 1 }`, `{ r1 and r2 }`, `{ r1 and r2 with a = 1 }`. */
export interface ObjectExp extends NodeBase {
  kind: 'Object';
  bases: Exp[];
  fields: ExpField[];
}

/** A field of an object literal: `[var] name [: T] [= e]` (`value` null for a pun `{ name }`). */
export interface ExpField extends NodeBase {
  kind: 'ExpField';
  mutable: boolean;
  name: Ident;
  type: Type | null;
  value: Exp | null;
}

/** `[e1, e2]` / `[var e1, e2]`. */
export interface ArrayExp extends NodeBase {
  kind: 'Array';
  mutable: boolean;
  elements: Exp[];
}

/** `a[i]`. */
export interface IndexExp extends NodeBase {
  kind: 'Index';
  object: Exp;
  index: Exp;
}

/** Tuple projection `t.0`. */
export interface ProjExp extends NodeBase {
  kind: 'Proj';
  object: Exp;
  index: number;
}

/** Field access / method reference `e.name` (a method call is a `Call` whose callee is a `Dot`). */
export interface DotExp extends NodeBase {
  kind: 'Dot';
  object: Exp;
  name: Ident;
}

/** A call `f(x)`, `f<T>(x)`, `f x`, `(with cycles = c) f(x)`. */
export interface CallExp extends NodeBase {
  kind: 'Call';
  callee: Exp;
  typeArgs: Type[] | null;
  /** `f<system>(…)` / `f<system, T>(…)`. */
  systemTypeArg: boolean;
  /** The argument as written (usually a `Tuple` or `Paren`). */
  arg: Exp;
  /** The arguments as a list (tuple elements, the paren's inner expression, or `[arg]`). */
  args: Exp[];
  /** The `(with …)` parenthetical, as an object expression. */
  parenthetical: ObjectExp | null;
}

/** `e!` (null break). */
export interface BangExp extends NodeBase {
  kind: 'Bang';
  operand: Exp;
}

/** `#tag` / `#tag e`. */
export interface TagExp extends NodeBase {
  kind: 'Tag';
  name: Ident;
  payload: Exp | null;
}

/** `?e`. */
export interface OptExp extends NodeBase {
  kind: 'Opt';
  operand: Exp;
}

/** `+e`, `-e`, `^e`. */
export interface UnaryExp extends NodeBase {
  kind: 'Unary';
  op: '+' | '-' | '^';
  operand: Exp;
}

/** Prefix update `-= x` (i.e. `x := -x`), `+= x`, `^= x`. */
export interface UnaryAssignExp extends NodeBase {
  kind: 'UnaryAssign';
  op: '+=' | '-=' | '^=';
  target: Exp;
}

/** `actor "aaaaa-aa"` (actor reference from a text). */
export interface ActorUrlExp extends NodeBase {
  kind: 'ActorUrl';
  url: Exp;
}

/** `not e`. */
export interface NotExp extends NodeBase {
  kind: 'Not';
  operand: Exp;
}

/** `debug_show e`. */
export interface ShowExp extends NodeBase {
  kind: 'Show';
  operand: Exp;
}

/** `to_candid(e1, …)`. */
export interface ToCandidExp extends NodeBase {
  kind: 'ToCandid';
  args: Exp[];
}

/** `from_candid e`. */
export interface FromCandidExp extends NodeBase {
  kind: 'FromCandid';
  operand: Exp;
}

/** Arithmetic, bitwise, text (`#`), relational operators, `|>` and `??`. */
export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '**'
  | '+%'
  | '-%'
  | '*%'
  | '**%'
  | '&'
  | '|'
  | '^'
  | '<<'
  | '>>'
  | '<<>'
  | '<>>'
  | '#'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '|>'
  | '??';

export interface BinaryExp extends NodeBase {
  kind: 'Binary';
  op: BinaryOp;
  left: Exp;
  right: Exp;
}

/** Short-circuit `and` / `or`. */
export interface LogicalExp extends NodeBase {
  kind: 'Logical';
  op: 'and' | 'or';
  left: Exp;
  right: Exp;
}

/** `e : T`. */
export interface AnnotExp extends NodeBase {
  kind: 'Annot';
  expr: Exp;
  type: Type;
}

export type AssignOp =
  | ':='
  | '+='
  | '-='
  | '*='
  | '/='
  | '%='
  | '**='
  | '+%='
  | '-%='
  | '*%='
  | '**%='
  | '&='
  | '|='
  | '^='
  | '<<='
  | '>>='
  | '<<>='
  | '<>>='
  | '#=';

/** `target := value` and compound assignments (`op` tells which). */
export interface AssignExp extends NodeBase {
  kind: 'Assign';
  op: AssignOp;
  target: Exp;
  value: Exp;
}

/** `return` / `return e`. */
export interface ReturnExp extends NodeBase {
  kind: 'Return';
  value: Exp | null;
}

/** `async e` / `async* e` (with an optional `(with …)` parenthetical before `async`). */
export interface AsyncExp extends NodeBase {
  kind: 'Async';
  star: boolean;
  body: Exp;
  parenthetical: ObjectExp | null;
}

/** `await e` / `await* e` / `await? e`: the commit-point candidates. `start` is the keyword's start. */
export interface AwaitExp extends NodeBase {
  kind: 'Await';
  op: 'await' | 'await*' | 'await?';
  operand: Exp;
}

/** `assert e`. */
export interface AssertExp extends NodeBase {
  kind: 'Assert';
  operand: Exp;
}

/** `label l [: T] e`. */
export interface LabelExp extends NodeBase {
  kind: 'Label';
  name: Ident;
  type: Type | null;
  body: Exp;
}

/** `break` / `break l` / `break l e`. */
export interface BreakExp extends NodeBase {
  kind: 'Break';
  label: Ident | null;
  value: Exp | null;
}

/** `continue` / `continue l`. */
export interface ContinueExp extends NodeBase {
  kind: 'Continue';
  label: Ident | null;
}

/** `debug e`. */
export interface DebugExp extends NodeBase {
  kind: 'Debug';
  body: Exp;
}

/** `if c e1 [else e2]`. */
export interface IfExp extends NodeBase {
  kind: 'If';
  cond: Exp;
  thenBranch: Exp;
  elseBranch: Exp | null;
}

/** `try e catch p e2 [finally e3]` / `try e finally e3`. */
export interface TryExp extends NodeBase {
  kind: 'Try';
  body: Exp;
  catchClause: CatchClause | null;
  finallyBody: Exp | null;
}

export interface CatchClause extends NodeBase {
  kind: 'Catch';
  pattern: Pat;
  body: Exp;
}

/** `throw e`. */
export interface ThrowExp extends NodeBase {
  kind: 'Throw';
  operand: Exp;
}

/** `switch e { case p e; … }`. */
export interface SwitchExp extends NodeBase {
  kind: 'Switch';
  scrutinee: Exp;
  cases: SwitchCase[];
}

export interface SwitchCase extends NodeBase {
  kind: 'Case';
  pattern: Pat;
  body: Exp;
}

/** `while c e`. */
export interface WhileExp extends NodeBase {
  kind: 'While';
  cond: Exp;
  body: Exp;
}

/** `loop e` / `loop e while c`. */
export interface LoopExp extends NodeBase {
  kind: 'Loop';
  body: Exp;
  whileCond: Exp | null;
}

/** `for (p in e) body`. */
export interface ForExp extends NodeBase {
  kind: 'For';
  pattern: Pat;
  iterable: Exp;
  body: Exp;
}

/** `ignore e`. */
export interface IgnoreExp extends NodeBase {
  kind: 'Ignore';
  operand: Exp;
}

/** `do { … }`. */
export interface DoExp extends NodeBase {
  kind: 'Do';
  body: BlockExp;
}

/** `do ? { … }`. */
export interface DoOptExp extends NodeBase {
  kind: 'DoOpt';
  body: BlockExp;
}

/** `{ dec; dec; … }` in block position (function bodies, branches, loop bodies, `do`). */
export interface BlockExp extends NodeBase {
  kind: 'Block';
  decs: Dec[];
}

/** Placeholder where an expression was required but a syntax error occurred. */
export interface ErrorExp extends NodeBase {
  kind: 'ErrorExp';
}

// ---------------------------------------------------------------------------------------------------------
// Patterns

export type Pat =
  | WildPat
  | VarPat
  | LitPat
  | TuplePat
  | ParenPat
  | RecordPat
  | TagPat
  | OptPat
  | AltPat
  | AndPat
  | AnnotPat
  | ErrorPat;

/** `_`. */
export interface WildPat extends NodeBase {
  kind: 'WildPat';
}

/** A binding `x`. */
export interface VarPat extends NodeBase {
  kind: 'VarPat';
  name: Ident;
}

/** A literal pattern, possibly signed (`-1`). */
export interface LitPat extends NodeBase {
  kind: 'LitPat';
  sign: '+' | '-' | '^' | null;
  lit: LitExp;
}

/** `(p1, p2)` / `()`. */
export interface TuplePat extends NodeBase {
  kind: 'TuplePat';
  elements: Pat[];
}

/** `(p)`. */
export interface ParenPat extends NodeBase {
  kind: 'ParenPat';
  inner: Pat;
}

/** `{ a; b = p; c : T; type T }`. */
export interface RecordPat extends NodeBase {
  kind: 'RecordPat';
  fields: PatField[];
}

/** A field of a record pattern; `pattern` null for a pun (`{ a }` binds `a`); `isType` for `type T`. */
export interface PatField extends NodeBase {
  kind: 'PatField';
  name: Ident;
  type: Type | null;
  pattern: Pat | null;
  isType: boolean;
}

/** `#tag` / `#tag p`. */
export interface TagPat extends NodeBase {
  kind: 'TagPat';
  name: Ident;
  payload: Pat | null;
}

/** `?p`. */
export interface OptPat extends NodeBase {
  kind: 'OptPat';
  inner: Pat;
}

/** `p1 or p2`. */
export interface AltPat extends NodeBase {
  kind: 'AltPat';
  left: Pat;
  right: Pat;
}

/** `p1 and p2`. */
export interface AndPat extends NodeBase {
  kind: 'AndPat';
  left: Pat;
  right: Pat;
}

/** `p : T`. */
export interface AnnotPat extends NodeBase {
  kind: 'AnnotPat';
  pattern: Pat;
  type: Type;
}

export interface ErrorPat extends NodeBase {
  kind: 'ErrorPat';
}

// ---------------------------------------------------------------------------------------------------------
// Types

export type Type =
  | PathType
  | TupleType
  | ParenType
  | NamedType
  | ArrayType
  | ObjType
  | VariantType
  | OptType
  | WeakType
  | PrimType
  | AsyncType
  | FuncType
  | AndType
  | OrType
  | ErrorType;

/** `Name`, `M.Name`, `Name<T, U>`. */
export interface PathType extends NodeBase {
  kind: 'PathType';
  path: Ident[];
  typeArgs: Type[];
}

/** `(T1, T2)` / `()` / `(a : T1, b : T2)`; `names[i]` is the optional label of element i. */
export interface TupleType extends NodeBase {
  kind: 'TupleType';
  elements: Type[];
  names: (Ident | null)[];
}

/** `(T)`. */
export interface ParenType extends NodeBase {
  kind: 'ParenType';
  inner: Type;
}

/** `(name : T)`. */
export interface NamedType extends NodeBase {
  kind: 'NamedType';
  name: Ident;
  type: Type;
}

/** `[T]` / `[var T]`. */
export interface ArrayType extends NodeBase {
  kind: 'ArrayType';
  mutable: boolean;
  element: Type;
}

/** `{ a : T; var b : U; type X = … }`, `actor { … }`, `module { … }`, `object { … }`. */
export interface ObjType extends NodeBase {
  kind: 'ObjType';
  sort: ObjSort;
  fields: TypeField[];
}

/** A field of an object type: a value field (possibly mutable) or a type field. */
export interface TypeField extends NodeBase {
  kind: 'TypeField';
  name: Ident;
  mutable: boolean;
  /** True for `type X<…> = T` fields. */
  isType: boolean;
  typeParams: TypeBind[];
  type: Type;
}

/** `{ #a; #b : T }` / `{#}`. */
export interface VariantType extends NodeBase {
  kind: 'VariantType';
  tags: TypeTag[];
}

export interface TypeTag extends NodeBase {
  kind: 'TypeTag';
  name: Ident;
  type: Type | null;
}

/** `?T`. */
export interface OptType extends NodeBase {
  kind: 'OptType';
  inner: Type;
}

/** `weak T` (newer compilers). */
export interface WeakType extends NodeBase {
  kind: 'WeakType';
  inner: Type;
}

/** `prim "name"`. */
export interface PrimType extends NodeBase {
  kind: 'PrimType';
  name: string;
}

/** `async T` / `async* T`. */
export interface AsyncType extends NodeBase {
  kind: 'AsyncType';
  star: boolean;
  inner: Type;
}

/** `[shared|query|…] <T> A -> B`. */
export interface FuncType extends NodeBase {
  kind: 'FuncType';
  sort: FuncSort;
  typeParams: TypeBind[];
  systemTypeParam: boolean;
  param: Type;
  result: Type;
}

/** `T and U`. */
export interface AndType extends NodeBase {
  kind: 'AndType';
  left: Type;
  right: Type;
}

/** `T or U`. */
export interface OrType extends NodeBase {
  kind: 'OrType';
  left: Type;
  right: Type;
}

export interface ErrorType extends NodeBase {
  kind: 'ErrorType';
}

/** A type parameter `T` / `T <: Bound`. */
export interface TypeBind extends NodeBase {
  kind: 'TypeBind';
  name: Ident;
  bound: Type | null;
}

// ---------------------------------------------------------------------------------------------------------
// Generic traversal

/** Any node of the tree. */
export type Node =
  | Program
  | Dec
  | DecField
  | ExpField
  | CatchClause
  | SwitchCase
  | Pat
  | PatField
  | Type
  | TypeField
  | TypeTag
  | TypeBind
  | Ident;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
}

/**
 * Calls `f` on each direct child node of `node`, in source order. Not visited: `Program.comments`,
 * `TupleType.names` (element labels), and the convenience lists that repeat other children (`Call.args`,
 * `Func.params`, `ClassDec.params`).
 */
export function forEachChild(node: Node, f: (child: Node) => void): void {
  const fields = node as unknown as Record<string, unknown>;
  for (const key of childKeys(node)) {
    const v = fields[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) f(item);
    } else if (isNode(v)) {
      f(v);
    }
  }
}

/**
 * Per node kind, the keys that can hold children (not a string, number or boolean), in the order of the node's
 * keys: every node of one kind is built with the same keys in the same order (no field of the tree is optional),
 * so the first node of a kind tells them for all. Looking at every key of every node was a large part of the
 * analysis of a file with many imports.
 */
const childKeysByKind = new Map<string, string[]>();

function childKeys(node: Node): string[] {
  const known = childKeysByKind.get(node.kind);
  if (known) return known;
  const keys: string[] = [];
  for (const key in node) {
    if (
      key === 'comments' ||
      key === 'params' ||
      key === 'names' ||
      (key === 'args' && node.kind === 'Call')
    ) {
      continue;
    }
    const v = (node as unknown as Record<string, unknown>)[key];
    if (v === null || typeof v === 'object') keys.push(key);
  }
  childKeysByKind.set(node.kind, keys);
  return keys;
}

/** A type or a pattern (or a part of one): no expression is inside, so a search for expressions may skip it. */
export function isTypeOrPattern(n: Node): boolean {
  const k = n.kind;
  return (
    k.endsWith('Type') ||
    k.endsWith('Pat') ||
    k === 'TypeBind' ||
    k === 'TypeField' ||
    k === 'TypeTag' ||
    k === 'PatField'
  );
}

/** Visits `node` and all its descendants depth-first (pre-order); return `false` from `f` to skip children. */
export function walk(node: Node, f: (n: Node) => boolean | void): void {
  // An explicit stack: a 10,000-deep expression (a long `a + b + …` chain) must not overflow the JavaScript one.
  const stack: Node[] = [node];
  const push = (c: Node) => {
    stack.push(c);
  };
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (f(n) === false) continue;
    // The children go straight onto the stack (no array per node), then are reversed there: first child on top.
    const from = stack.length;
    forEachChild(n, push);
    for (let i = from, j = stack.length - 1; i < j; i++, j--) {
      const t = stack[i];
      stack[i] = stack[j];
      stack[j] = t;
    }
  }
}
