/**
 * Lowers one Rust function body into the model's IR, in evaluation order: the nodes of sub-expressions first,
 * then the node that consumes them. State handles (`STATE.with(|s| …)`, `let s = X.borrow_mut()`, `&mut State`
 * parameters) are tracked so that a method on them becomes a read or a write with field and key precision.
 */
import type {
  AwaitAnnotation,
  AwaitNode,
  EntryKind,
  EntryPointIR,
  Node,
  Range,
  StatePath,
  TrapCause,
  Val,
} from '../../model/ir';
import { classifyAwait, handlingOf, type Future } from './awaits';
import { resolveCallApi, specialCall } from './call-apis';
import { BORROW_METHODS, isStdMethod, KEYED_METHODS, PURE_METHODS, UNKNOWN_OUTCOME } from './state-methods';
import { empty, union } from './val';
import { displayName, type CrateIndex, type FnInfo, type ParsedFile } from './crate-index';
import type { GuardInfo } from './guards';
import type { FnFacts, SummaryMap } from './summaries';
import { expandPath } from './use-resolution';
import {
  allKids,
  callArgs,
  field,
  methodCall,
  namedKids,
  pathText,
  patternNames,
  rangeOf,
  simpleKey,
  stripWrappers,
  type SyntaxNode,
} from './syntax';

export interface Env {
  index: CrateIndex;
  summaries: SummaryMap;
  guards: Map<FnInfo, GuardInfo>;
  extraCallFunctions: string[];
  /** Summary rounds: no annotations or spawned entry points are collected. */
  summaryMode: boolean;
  /** Parses a snippet of Rust (macro arguments); results are cached by the caller. */
  parseSnippet?: (text: string) => SyntaxNode | undefined;
}

/** Per-file output shared by all functions lowered in the file. */
export interface FileOut {
  nextId: number;
  awaits: AwaitAnnotation[];
  spawned: EntryPointIR[];
}

interface StateRef {
  state: StatePath;
  mutable: boolean;
  /**
   * The state root as written where a `with*` closure bound this handle (`FEE` in `FEE.with_borrow_mut(|c| …)`):
   * accesses through it are reported from there, at the target the reader sees.
   */
  anchor?: SyntaxNode;
}

/** What lowering an expression yields: its dependencies and, when it has one, the state, future or caller it is. */
interface Ex {
  val: Val;
  ref?: StateRef;
  future?: Future;
  caller?: boolean;
  bool?: boolean;
}

/** Lowers the functions of one file (and the timer/spawn bodies they contain). */
export class BodyLowerer {
  private scopes: {
    handles: Map<string, StateRef>;
    futures: Map<string, Future>;
    /** Source name → IR name (unique per binding: shadowing `let x` becomes `x#2`). */
    locals: Map<string, string>;
  }[] = [];
  private readonly bindingCount = new Map<string, number>();
  private via: string | undefined;
  /** Closures and async blocks being lowered in place: `return` and `?` there do not leave the method. */
  private closureDepth = 0;
  /** While lowering a re-parsed macro argument: its offset in the file (snippet indices + shift). */
  private shift = 0;
  readonly callerNames: string[] = [];
  private facts: Omit<FnFacts, 'nodes'> = {};
  /** Await id → the call API it reaches, so an async block awaiting it can name it. */
  private readonly apiOfAwait = new Map<number, string>();

  constructor(
    private readonly env: Env,
    private readonly file: ParsedFile,
    private readonly out: FileOut,
    /** Enclosing function name, for annotations and spawned entry names. */
    private readonly name: string,
    private readonly fn?: FnInfo,
    /** False when re-lowering a function of the file for a timer: its awaits are annotated under its own name. */
    private readonly annotate = true,
  ) {}

  /** Lowers the function's body with its parameters bound. */
  lowerFunction(fn: FnInfo): FnFacts {
    this.pushScope();
    // Methods of the type a root holds (`impl State` for `RefCell<State>`): `self` is a handle on that root.
    const selfRoot = fn.typeName ? this.env.index.rootByType.get(fn.typeName) : undefined;
    fn.params.forEach((p, i) => {
      if (p === 'self' && selfRoot) {
        this.top().handles.set(p, {
          state: { root: selfRoot },
          mutable: /\bmut\b/.test(fn.paramTypes[i] ?? ''),
        });
        return;
      }
      const m = /^&\s*(mut\s+)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(fn.paramTypes[i].trim());
      const root = m ? this.env.index.rootByType.get(m[2]) : undefined;
      if (root) this.top().handles.set(p, { state: { root }, mutable: !!m![1] });
      else this.bindLocal(p);
    });
    for (const name of fn.paramNames)
      if (!this.top().handles.has(name) && !this.top().locals.has(name)) this.bindLocal(name);
    const nodes: Node[] = [];
    const body = field(fn.node, 'body');
    const tail = body ? this.block(body, nodes) : undefined;
    // `fn transfer(..) -> impl Future { Call::bounded_wait(..).into_future() }` returns a call without awaiting it.
    if (tail?.future?.kind === 'api')
      this.facts.call ??= { api: tail.future.api.api, wait: tail.future.api.wait };
    if (tail?.future?.kind === 'local') this.facts.call ??= this.env.summaries.get(tail.future.fn)?.call;
    if (tail?.caller) this.facts.returnsCaller = true;
    return { nodes, ...this.facts };
  }

  /** Lowers a closure or async block given to a timer or spawn as its own body. */
  lowerDetached(node: SyntaxNode): Node[] {
    this.pushScope();
    const nodes: Node[] = [];
    // The closure's or async block's own body: its `return` and `?` leave this entry point.
    let body = node.type === 'closure_expression' ? (field(node, 'body') ?? node) : node;
    if (body.type === 'async_block') body = namedKids(body).find((k) => k.type === 'block') ?? body;
    this.valOf(this.expr(body, nodes), body, nodes);
    return nodes;
  }

  // ---- scopes -------------------------------------------------------------------------------------------

  private pushScope(): void {
    this.scopes.push({ handles: new Map(), futures: new Map(), locals: new Map() });
  }

  private top(): (typeof this.scopes)[number] {
    return this.scopes[this.scopes.length - 1];
  }

  private withScope<T>(f: () => T): T {
    this.pushScope();
    try {
      return f();
    } finally {
      this.scopes.pop();
    }
  }

  private lookup(name: string): { handle?: StateRef; future?: Future; local: boolean; irName: string } {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i];
      if (s.handles.has(name)) return { handle: s.handles.get(name), local: false, irName: name };
      const irName = s.locals.get(name) ?? name;
      if (s.futures.has(name)) return { future: s.futures.get(name), local: true, irName };
      if (s.locals.has(name)) return { local: true, irName };
    }
    return { local: false, irName: name };
  }

  /** Binds a local in the innermost scope; returns its IR name. */
  private bindLocal(name: string): string {
    const n = (this.bindingCount.get(name) ?? 0) + 1;
    this.bindingCount.set(name, n);
    const irName = n === 1 ? name : `${name}#${n}`;
    this.top().handles.delete(name);
    this.top().futures.delete(name);
    this.top().locals.set(name, irName);
    return irName;
  }

  // ---- emitting -----------------------------------------------------------------------------------------

  private range(node: SyntaxNode): Range {
    if (this.shift === 0) return rangeOf(this.file.lines, node);
    return this.file.lines.rangeAt(node.startIndex + this.shift, node.endIndex + this.shift);
  }

  private id(): number {
    return this.out.nextId++;
  }

  /** The range of an access: from the handle's anchor, if any, to the end of `node`. */
  private span(node: SyntaxNode, anchor?: SyntaxNode): Range {
    const r = this.range(node);
    return anchor && anchor.startIndex <= node.startIndex
      ? { start: this.range(anchor).start, end: r.end }
      : r;
  }

  private read(state: StatePath, node: SyntaxNode, out: Node[], key?: string, anchor?: SyntaxNode): Val {
    const id = this.id();
    out.push({
      kind: 'read',
      id,
      range: this.span(node, anchor),
      state,
      ...(key ? { key } : {}),
      ...this.viaField(),
    });
    return { reads: [id], locals: [], awaits: [] };
  }

  private write(
    state: StatePath,
    node: SyntaxNode,
    out: Node[],
    value: Val,
    key?: string,
    mark?: 'set' | 'clear',
    anchor?: SyntaxNode,
  ): void {
    out.push({
      kind: 'write',
      range: this.span(node, anchor),
      state,
      value,
      ...(key ? { key } : {}),
      ...(mark ? { mark } : {}),
      ...this.viaField(),
    });
  }

  private viaField(): { via?: string } {
    return this.via ? { via: this.via } : {};
  }

  /** `from`: where the trap is reported from (the `unwrap`/`expect` method name), when not the node's start. */
  private trap(
    node: SyntaxNode,
    out: Node[],
    cause: TrapCause,
    extra: { value?: Val; cond?: Val; always?: boolean },
    from?: SyntaxNode,
  ): void {
    const range = from ? { start: this.range(from).start, end: this.range(node).end } : this.range(node);
    out.push({ kind: 'trap', range, cause, ...extra });
  }

  /** The value of an expression; a state handle consumed as a value is a read of that state. */
  private valOf(ex: Ex, node: SyntaxNode, out: Node[]): Val {
    return ex.ref ? union(ex.val, this.read(ex.ref.state, node, out, undefined, ex.ref.anchor)) : ex.val;
  }

  private value(node: SyntaxNode, out: Node[]): Val {
    return this.valOf(this.expr(node, out), node, out);
  }

  // ---- statements ---------------------------------------------------------------------------------------

  /** Lowers a block's statements into `out`; returns the tail expression's value. */
  block(block: SyntaxNode, out: Node[]): Ex {
    return this.withScope(() => {
      let tail: Ex = { val: empty() };
      const stmts = namedKids(block).filter((k) => !k.isExtra);
      stmts.forEach((stmt, i) => {
        tail = { val: empty() };
        if (stmt.type === 'let_declaration') this.letDecl(stmt, out, stmts.slice(i + 1));
        else if (stmt.type === 'expression_statement') {
          const inner = namedKids(stmt)[0];
          if (inner) this.expr(inner, out);
        } else if (
          stmt.type.endsWith('_item') ||
          stmt.type === 'empty_statement' ||
          stmt.type.endsWith('_declaration')
        ) {
          // Nested items are indexed as functions of their own.
        } else tail = this.expr(stmt, out);
      });
      return tail;
    });
  }

  private letDecl(stmt: SyntaxNode, out: Node[], rest: SyntaxNode[]): void {
    const pattern = field(stmt, 'pattern');
    const valueNode = field(stmt, 'value');
    if (!valueNode) {
      patternNames(pattern).forEach((n) => this.bindLocal(n));
      return;
    }
    const ex = this.expr(valueNode, out);
    const alternative = field(stmt, 'alternative');
    const names = patternNames(pattern);
    const single = pattern?.type === 'identifier' || (pattern?.type === 'mut_pattern' && names.length === 1);
    // A `RefCell` borrow (of a state root or any other cell, e.g. an `Rc<RefCell<…>>`) alive across an `.await`.
    if (single && names[0] && /\.borrow(_mut)?\(\)$/.test(valueNode.text.trim())) {
      this.borrowAcrossAwait(stmt, names[0], ex.ref, rest, out);
    }
    if (ex.ref && single && names[0]) {
      // `let s = X.borrow_mut()`: a handle on the state, not a value.
      this.top().handles.set(names[0], { state: ex.ref.state, mutable: ex.ref.mutable });
      return;
    }
    const val = this.valOf(ex, valueNode, out);
    if (alternative) {
      const elseNodes: Node[] = [];
      this.block(alternative, elseNodes);
      const failure = /^\s*(\w+::)*Ok\b|^\s*(\w+::)*Some\b/.test(pattern?.text ?? '');
      out.push({
        kind: 'branch',
        range: this.range(stmt),
        cond: val,
        arms: [[], elseNodes],
        exhaustive: true,
        ...(failure ? { failureArms: [false, true] } : {}),
      });
    }
    for (const name of names) {
      const irName = this.bindLocal(name);
      if (ex.future && single) this.top().futures.set(name, ex.future);
      if (ex.caller && single) this.callerNames.push(name);
      out.push({ kind: 'local', range: this.range(stmt), name: irName, value: val });
    }
  }

  private borrowAcrossAwait(
    stmt: SyntaxNode,
    name: string,
    ref: StateRef | undefined,
    rest: SyntaxNode[],
    out: Node[],
  ): void {
    const dropped = new RegExp(`^(std::mem::)?drop\\(\\s*${name}\\s*\\)`);
    for (const later of rest) {
      if (dropped.test(later.text.trim())) return;
      const found =
        later.type === 'await_expression' ? later : later.descendantsOfType('await_expression')[0];
      if (found) {
        const token = allKids(found).find((k) => k.type === 'await') ?? found;
        out.push({
          kind: 'borrow-across-await',
          range: this.range(stmt),
          name,
          ...(ref ? { state: ref.state } : {}),
          awaitRange: this.range(token),
        });
        return;
      }
    }
  }

  // ---- expressions --------------------------------------------------------------------------------------

  expr(node: SyntaxNode, out: Node[]): Ex {
    switch (node.type) {
      case 'identifier':
        return this.identifier(node, out);
      case 'self':
        return this.identifier(node, out);
      case 'boolean_literal':
        return { val: empty(), bool: node.text === 'true' };
      case 'integer_literal':
      case 'float_literal':
      case 'string_literal':
      case 'raw_string_literal':
      case 'char_literal':
      case 'unit_expression':
      case 'line_comment':
      case 'block_comment':
        return { val: empty() };
      case 'parenthesized_expression':
      case 'reference_expression':
      case 'unary_expression':
      case 'type_cast_expression': {
        const inner = node.type === 'reference_expression' ? field(node, 'value') : namedKids(node)[0];
        return inner ? this.expr(inner, out) : { val: empty() };
      }
      case 'field_expression':
        return this.fieldAccess(node, out);
      case 'scoped_identifier': {
        // `crate::state::STATE`: roots are crate-wide and named by their last segment.
        const last = field(node, 'name')?.text ?? '';
        return this.env.index.roots.has(last)
          ? { val: empty(), ref: { state: { root: last }, mutable: true } }
          : { val: empty() };
      }
      case 'call_expression':
        return this.call(node, out);
      case 'await_expression':
        return this.awaitExpr(node, out);
      case 'try_expression':
        return this.tryExpr(node, out);
      case 'assignment_expression':
      case 'compound_assignment_expr':
        this.assignment(node, out);
        return { val: empty() };
      case 'index_expression':
        return this.index(node, out);
      case 'if_expression':
        return this.ifExpr(node, out);
      case 'match_expression':
        return this.matchExpr(node, out);
      case 'while_expression':
      case 'loop_expression':
      case 'for_expression':
        this.loop(node, out);
        return { val: empty() };
      case 'block':
        return this.block(node, out);
      case 'unsafe_block': {
        const b = namedKids(node).find((k) => k.type === 'block');
        return b ? this.block(b, out) : { val: empty() };
      }
      case 'async_block':
        return this.asyncBlock(node, out);
      case 'closure_expression':
        return this.inlineClosure(node, out, undefined);
      case 'return_expression': {
        const inner = namedKids(node)[0];
        const value = inner ? this.value(inner, out) : empty();
        // Inside a closure or async block, `return` only leaves that closure.
        if (this.closureDepth === 0)
          out.push({ kind: 'exit', range: this.range(node), how: 'return', value });
        return { val: empty() };
      }
      case 'macro_invocation':
        return this.macro(node, out);
      default: {
        // Tuples, arrays, struct literals, binary operators, ranges…: the union of the parts, in order.
        const vals = namedKids(node)
          .filter((k) => !k.isExtra && !k.type.endsWith('type') && !k.type.endsWith('type_identifier'))
          .map((k) => (k.type === 'field_initializer' ? field(k, 'value') : k))
          .filter((k): k is SyntaxNode => !!k && k.type !== 'field_identifier')
          .map((k) => this.value(k, out));
        return { val: union(empty(), ...vals) };
      }
    }
  }

  private identifier(node: SyntaxNode, _out: Node[]): Ex {
    const found = this.lookup(node.text);
    if (found.handle) return { val: empty(), ref: found.handle };
    if (found.local) return { val: { reads: [], locals: [found.irName], awaits: [] }, future: found.future };
    if (this.env.index.roots.has(node.text))
      return { val: empty(), ref: { state: { root: node.text }, mutable: true } };
    return { val: empty() };
  }

  private fieldAccess(node: SyntaxNode, out: Node[]): Ex {
    const base = field(node, 'value');
    const name = field(node, 'field')?.text;
    if (!base) return { val: empty() };
    const ex = this.expr(base, out);
    if (ex.ref) {
      const state = ex.ref.state.field || !name ? ex.ref.state : { root: ex.ref.state.root, field: name };
      return { val: ex.val, ref: { ...ex.ref, state } };
    }
    return { val: ex.val };
  }

  private index(node: SyntaxNode, out: Node[]): Ex {
    const [base, idx] = namedKids(node);
    if (!base) return { val: empty() };
    const ex = this.expr(base, out);
    const idxVal = idx ? this.value(idx, out) : empty();
    const value = ex.ref
      ? union(ex.val, idxVal, this.read(ex.ref.state, node, out, simpleKey(idx), ex.ref.anchor))
      : union(ex.val, idxVal);
    this.trap(node, out, 'index', { value });
    return { val: value };
  }

  private tryExpr(node: SyntaxNode, out: Node[]): Ex {
    const inner = namedKids(node)[0];
    if (!inner) return { val: empty() };
    const val = this.value(inner, out);
    if (this.closureDepth === 0)
      out.push({ kind: 'exit', range: this.range(node), how: 'propagate', cond: val });
    return { val };
  }

  private assignment(node: SyntaxNode, out: Node[]): void {
    const left = field(node, 'left');
    const right = field(node, 'right');
    if (!left || !right) return;
    const rhs = this.expr(right, out);
    const rhsVal = this.valOf(rhs, right, out);
    const compound = node.type === 'compound_assignment_expr';
    const target = stripWrappers(left);
    const targetLocal = target.type === 'identifier' ? this.lookup(target.text) : undefined;
    if (targetLocal?.local) {
      const name = targetLocal.irName;
      const value = compound ? union(rhsVal, { reads: [], locals: [name], awaits: [] }) : rhsVal;
      out.push({ kind: 'local', range: this.range(node), name, value });
      return;
    }
    const place = this.expr(left, out);
    if (place.ref) {
      const before = compound ? this.read(place.ref.state, left, out, undefined, place.ref.anchor) : empty();
      const mark = !compound && rhs.bool !== undefined ? (rhs.bool ? 'set' : 'clear') : undefined;
      this.write(place.ref.state, node, out, union(rhsVal, before), undefined, mark, place.ref.anchor);
      return;
    }
    // `x.field = v` on a local struct updates the local.
    const base = left.text.split(/[.[]/)[0].replace(/^\*/, '');
    const baseLocal = this.lookup(base);
    if (baseLocal.local) {
      out.push({
        kind: 'local',
        range: this.range(node),
        name: baseLocal.irName,
        value: union(rhsVal, place.val),
      });
    }
  }

  // ---- calls ------------------------------------------------------------------------------------------------

  private call(node: SyntaxNode, out: Node[]): Ex {
    const method = methodCall(node);
    if (method) return this.methodCallExpr(node, method, out);
    const fnNode = field(node, 'function');
    const args = callArgs(node);
    if (!fnNode) return { val: empty() };
    if (!['identifier', 'scoped_identifier', 'generic_function'].includes(fnNode.type)) {
      const callee = this.value(fnNode, out);
      return { val: union(callee, ...args.map((a) => this.value(a, out))) };
    }
    const written = pathText(fnNode);
    // A closure parameter applied to a state handle: this function is a `mutate_state`-style helper.
    const paramIndex = this.fn && !written.includes('::') ? this.fn.params.indexOf(written) : -1;
    if (paramIndex >= 0 && !this.lookup(written).handle) {
      const exs = args.map((a) => this.expr(a, out));
      const handle = exs.find((e) => e.ref)?.ref;
      if (handle) this.facts.closureHelper ??= { paramIndex, state: handle.state, mutable: handle.mutable };
      return { val: union(empty(), ...exs.map((e) => e.val)) };
    }
    const workspaceFn = this.resolveFn(written);
    const api = resolveCallApi(written, this.file.uses, this.env.extraCallFunctions);
    if (api) {
      const val = union(empty(), ...args.map((a) => this.value(a, out)));
      return { val, future: { kind: 'api', api, callee: written } };
    }
    if (workspaceFn) return this.callWorkspaceFn(node, workspaceFn, args, out, written, false);
    const special = specialCall(written, this.file.uses);
    if (special === 'caller') {
      out.push({ kind: 'caller', range: this.range(node) });
      return { val: empty(), caller: true };
    }
    const val = union(
      empty(),
      ...(special === 'timer' || special === 'spawn' ? [] : args.map((a) => this.value(a, out))),
    );
    if (special === 'trap') this.trap(node, out, 'trap', { always: true, value: val });
    if (special === 'timer' || special === 'spawn') {
      const body = args[args.length - 1];
      args.slice(0, -1).forEach((a) => this.value(a, out));
      if (body) this.detach(node, fnNode, body, special);
      return { val: empty() };
    }
    return { val, future: { kind: 'unknown', name: written } };
  }

  /** Workspace function for a written path: free functions, `Type::method`, `Self::method`. */
  private resolveFn(written: string): FnInfo | undefined {
    const full = expandPath(written, this.file.uses);
    const segs = full.split('::');
    const last = segs[segs.length - 1];

    if (segs.length >= 2) {
      let type = segs[segs.length - 2];
      if (type === 'Self' && this.fn?.typeName) type = this.fn.typeName;
      const m = this.env.index.methods.get(`${type}::${last}`);
      if (m) return m;
      if (/^[A-Z]/.test(type)) return undefined;
    }
    const candidates = this.env.index.freeByName.get(last);
    if (!candidates?.length) return undefined;
    if (segs.length >= 2) {
      const mod = segs[segs.length - 2];
      const byModule = candidates.find((c) => c.file.path.replace(/\\/g, '/').endsWith(`/${mod}.rs`));
      if (byModule) return byModule;
    }
    return candidates.find((c) => c.file === this.file) ?? candidates[0];
  }

  private callWorkspaceFn(
    node: SyntaxNode,
    fn: FnInfo,
    args: SyntaxNode[],
    out: Node[],
    written: string,
    receiverIsSelf: boolean,
  ): Ex {
    const summary = this.env.summaries.get(fn);
    (this.facts.callees ??= []).push(fn);
    const offset = receiverIsSelf ? 1 : 0;
    const helper = summary?.closureHelper;
    const vals: Val[] = [];
    args.forEach((a, i) => {
      if (helper && helper.paramIndex === i + offset && a.type === 'closure_expression') {
        vals.push(
          this.inlineClosure(a, out, {
            ref: { state: helper.state, mutable: helper.mutable },
            via: displayName(fn),
          }).val,
        );
      } else vals.push(this.value(a, out));
    });
    const keyOf = (param: number | undefined): string | undefined =>
      param === undefined ? undefined : simpleKey(args[param - offset]);
    const argsVal = union(empty(), ...vals);
    // The callee's accesses (and trap) before or after its own first commit point.
    const apply = (after: boolean, into: Node[]): Val[] => {
      const reads: Val[] = [];
      const saved = this.via;
      this.via = saved ?? displayName(fn);
      for (const access of summary?.accesses ?? []) {
        if (!!access.afterCommit !== after) continue;
        const key = keyOf(access.keyParam);
        if (access.write) this.write(access.state, node, into, argsVal, key, access.mark);
        else reads.push(this.read(access.state, node, into, key));
      }
      this.via = saved;
      const trap = after ? summary?.trapAfterCommit : summary?.trap;
      if (trap) this.trap(node, into, trap.cause, {});
      return reads;
    };
    vals.push(...apply(false, out));
    // A helper that reads the caller reads it here, in this message.
    if (summary?.readsCaller) out.push({ kind: 'caller', range: this.range(node) });
    const guard = this.env.guards.get(fn);
    if (guard) this.guard(node, guard, keyOf(guard.keyParam), out);
    const val = union(empty(), ...vals);
    const returnsFuture = fn.isAsync || /\bFuture\b/.test(fn.returnType);
    // What the callee does after its own commit point happens after the `.await` on it, in the caller.
    if (returnsFuture) {
      return {
        val,
        future: { kind: 'local', fn, callee: written, after: (into) => union(empty(), ...apply(true, into)) },
      };
    }
    vals.push(...apply(true, out));
    return { val: union(empty(), ...vals), ...(summary?.returnsCaller ? { caller: true } : {}) };
  }

  private guard(node: SyntaxNode, guard: GuardInfo, key: string | undefined, out: Node[]): void {
    // Walk up through `?`, `.unwrap()`, `.expect()` and parentheses to where the value lands.
    let n: SyntaxNode = node;
    for (let p = n.parent; p; p = n.parent) {
      if (p.type === 'try_expression' || p.type === 'parenthesized_expression') n = p;
      else if (
        p.type === 'field_expression' &&
        /^(unwrap|expect)$/.test(field(p, 'field')?.text ?? '') &&
        p.parent
      ) {
        n = p.parent;
      } else break;
    }
    const holder = n.parent;
    let binding: string | undefined;
    let dropped = false;
    if (holder?.type === 'let_declaration') {
      const pattern = field(holder, 'pattern');
      if (!pattern || pattern.text === '_') dropped = true;
      else binding = patternNames(pattern)[0];
    } else if (holder?.type === 'expression_statement') dropped = true;
    // Reported from the `let` of `let _guard = …` / `let _ = …`, else from the constructor call.
    out.push({
      kind: 'guard',
      range: this.range(holder?.type === 'let_declaration' ? holder : node),
      typeName: guard.typeName,
      ...(binding ? { binding } : {}),
      droppedImmediately: dropped,
      lock: guard.lock,
      ...(key ? { key } : {}),
      ...(guard.dropMayTrap ? { dropMayTrap: guard.dropMayTrap } : {}),
    });
  }

  private methodCallExpr(
    node: SyntaxNode,
    m: { recv: SyntaxNode; name: string; args: SyntaxNode[]; nameNode: SyntaxNode },
    out: Node[],
  ): Ex {
    const recv = this.expr(m.recv, out);
    if (recv.ref) return this.stateMethod(node, recv, m, out);
    if (recv.future?.kind === 'api') {
      const val = union(recv.val, ...m.args.map((a) => this.value(a, out)));
      // `oneway()` sends without awaiting a response: not a future.
      if (m.name === 'oneway' || m.name.startsWith('notify')) return { val };
      return { val, future: recv.future };
    }
    if (m.name === 'unwrap' || m.name === 'expect') {
      const argVals = m.args.map((a) => this.value(a, out));
      this.trap(node, out, m.name, { value: recv.val }, m.nameNode);
      return { val: union(recv.val, ...argVals) };
    }
    const isSelf = stripWrappers(m.recv).type === 'self';
    const owner =
      isSelf && this.fn?.typeName ? this.env.index.methods.get(`${this.fn.typeName}::${m.name}`) : undefined;
    // Otherwise a method name defined once in the workspace, unless std types have it too (`insert`, `push`…).
    const candidates = this.env.index.methodsByName.get(m.name) ?? [];
    const unique = candidates.length === 1 && !candidates[0].traitName && !isStdMethod(m.name);
    const target = owner ?? (unique ? candidates[0] : undefined);
    if (target) {
      const ex = this.callWorkspaceFn(node, target, m.args, out, `${m.recv.text}.${m.name}`, true);
      return { ...ex, val: union(ex.val, recv.val) };
    }
    const argVals = m.args.map((a) =>
      a.type === 'closure_expression'
        ? this.inlineClosure(a, out, undefined, recv.val).val
        : this.value(a, out),
    );
    const val = union(recv.val, ...argVals);
    if (recv.future && /^(boxed|into_future|fuse)$/.test(m.name)) return { val, future: recv.future };
    return { val, future: { kind: 'unknown', name: `${m.recv.text.replace(/\s+/g, '')}.${m.name}` } };
  }

  /** A method on a state handle: borrow forms, `with*` closures, and reads/writes of the state. */
  private stateMethod(
    node: SyntaxNode,
    recv: Ex,
    m: { recv: SyntaxNode; name: string; args: SyntaxNode[]; nameNode: SyntaxNode },
    out: Node[],
  ): Ex {
    const ref = recv.ref!;
    const name = m.name;
    if ((name === 'with' || name === 'with_borrow' || name === 'with_borrow_mut') && m.args[0]) {
      const mutable = name === 'with_borrow_mut' || (name === 'with' && ref.mutable);
      const arg = m.args[0];
      if (arg.type === 'closure_expression') {
        const ex = this.inlineClosure(arg, out, {
          ref: { state: ref.state, mutable, anchor: ref.anchor ?? m.recv },
        });
        return { val: ex.val };
      }
      const paramIndex = this.fn ? this.fn.params.indexOf(arg.text) : -1;
      if (paramIndex >= 0) this.facts.closureHelper ??= { paramIndex, state: ref.state, mutable };
      return { val: this.value(arg, out) };
    }
    if (name in BORROW_METHODS && m.args.length === 0) {
      return { val: recv.val, ref: { ...ref, mutable: BORROW_METHODS[name] } };
    }
    if (name === 'get_mut' && m.args.length === 0) return { val: recv.val, ref: { ...ref, mutable: true } };
    if (name === 'unwrap' || name === 'expect') {
      this.trap(node, out, name, { value: recv.val }, m.nameNode);
      return { val: recv.val, ref };
    }
    // A method of the root's own type (`s.borrow_mut().credit(p, 5)` with `impl State { fn credit(&mut self, …) }`).
    const ownType = ref.state.field ? undefined : this.env.index.roots.get(ref.state.root)?.innerType;
    const own = ownType ? this.env.index.methods.get(`${ownType}::${name}`) : undefined;
    if (own) return this.callWorkspaceFn(node, own, m.args, out, `${m.recv.text}.${name}`, true);
    const argExs = m.args.map((a) => this.expr(a, out));
    const argVal = union(empty(), ...argExs.map((e, i) => this.valOf(e, m.args[i], out)));
    const key = KEYED_METHODS.has(name) ? simpleKey(m.args[0]) : undefined;
    if (name === 'replace' || name === 'take') {
      const before = this.read(ref.state, node, out, key, ref.anchor);
      this.write(ref.state, node, out, argVal, key, undefined, ref.anchor);
      return { val: union(recv.val, before) };
    }
    if (PURE_METHODS.has(name) || (!ref.mutable && name !== 'set')) {
      return { val: union(recv.val, argVal, this.read(ref.state, node, out, key, ref.anchor)) };
    }
    let mark: 'set' | 'clear' | undefined;
    if (name === 'set' && argExs[0]?.bool !== undefined) mark = argExs[0].bool ? 'set' : 'clear';
    if (name === 'insert' && (m.args.length === 1 || m.args[1]?.text.replace(/\s+/g, '') === '()'))
      mark = 'set';
    if (name === 'remove') mark = 'clear';
    this.write(ref.state, node, out, argVal, key, mark, ref.anchor);
    return { val: recv.val };
  }

  /**
   * A closure run in place (`.with(|s| …)`, `map(|x| …)`, a helper's closure argument). With `bind`, its first
   * parameter is a handle on that state.
   */
  private inlineClosure(
    node: SyntaxNode,
    out: Node[],
    bind?: { ref: StateRef; via?: string },
    paramVal?: Val,
  ): Ex {
    return this.withScope(() => {
      const params = field(node, 'parameters');
      const names = params
        ? namedKids(params).flatMap((p) => patternNames(p.type === 'parameter' ? field(p, 'pattern') : p))
        : [];
      names.forEach((n, i) => {
        if (bind && i === 0) this.top().handles.set(n, bind.ref);
        else {
          const irName = this.bindLocal(n);
          if (paramVal) out.push({ kind: 'local', range: this.range(node), name: irName, value: paramVal });
        }
      });
      const body = field(node, 'body');
      if (!body) return { val: empty() };
      const saved = this.via;
      if (bind?.via) this.via = saved ?? bind.via;
      this.closureDepth++;
      const ex = this.expr(body, out);
      this.closureDepth--;
      const val = this.valOf(ex, body, out);
      this.via = saved;
      return { val, future: ex.future };
    });
  }

  /** A timer or spawned body becomes an entry point of its own. */
  private detach(call: SyntaxNode, fnNode: SyntaxNode, body: SyntaxNode, kind: 'timer' | 'spawn'): void {
    if (this.env.summaryMode) return;
    const line = this.range(call).start.line + 1;
    const name = `${this.name}::${kind}@${line}`;
    // `set_timer(d, tick)` / `spawn(tick())` run a function of this file: lower its body (bounded, for recursion).
    const named = body.type === 'call_expression' ? field(body, 'function') : body;
    const target =
      named && ['identifier', 'scoped_identifier'].includes(named.type)
        ? this.resolveFn(pathText(named))
        : undefined;
    const sameFile =
      target?.file === this.file && (this.name.match(/@/g) ?? []).length < 4 ? target : undefined;
    const inner = new BodyLowerer(
      this.env,
      this.file,
      this.out,
      name,
      sameFile ?? this.fn,
      !sameFile && this.annotate,
    );
    const nodes = sameFile ? inner.lowerFunction(sameFile).nodes : inner.lowerDetached(body);
    const entryKind: EntryKind = kind;
    this.out.spawned.push({
      name,
      kind: entryKind,
      nameRange: this.range(fnNode),
      range: this.range(body),
      params: [],
      ...(inner.callerNames.length ? { callerNames: inner.callerNames } : {}),
      body: nodes,
    });
  }

  // ---- awaits -----------------------------------------------------------------------------------------------

  private asyncBlock(node: SyntaxNode, out: Node[]): Ex {
    const block = namedKids(node).find((k) => k.type === 'block');
    if (!block) return { val: empty() };
    const nodes: Node[] = [];
    const commits: AwaitNode[] = [];
    this.closureDepth++;
    const ex = this.block(block, nodes);
    this.closureDepth--;
    const collect = (ns: Node[]): void =>
      ns.forEach((n) => {
        if (n.kind === 'await') commits.push(n);
        if (n.kind === 'branch') n.arms.forEach(collect);
        if (n.kind === 'loop' || n.kind === 'block') collect(n.body);
      });
    collect(nodes);
    out.push(...nodes);
    const committing = commits.find((a) => a.commit === 'commit');
    const maybe = commits.find((a) => a.commit === 'maybe');
    const line = this.range(node).start.line + 1;
    const future: Future = committing
      ? {
          kind: 'block',
          commit: 'commit',
          reason: `\`.await\` on an async block (line ${line}) that awaits an inter-canister call: a commit point`,
          call: committing.call,
          api: this.apiOfAwait.get(committing.id),
        }
      : maybe
        ? {
            kind: 'block',
            commit: 'maybe',
            reason: `\`.await\` on an async block (line ${line}) that awaits a future that may make an inter-canister call`,
          }
        : {
            kind: 'block',
            commit: 'none',
            reason: `\`.await\` on an async block (line ${line}) that makes no inter-canister call: it runs to completion within this message`,
          };
    return { val: this.valOf(ex, block, out), future };
  }

  private awaitExpr(node: SyntaxNode, out: Node[]): Ex {
    const inner = namedKids(node)[0];
    const token = allKids(node).find((k) => k.type === 'await') ?? node;
    if (!inner) return { val: empty() };
    const ex = this.expr(inner, out);
    const args = this.valOf(ex, inner, out);
    const { commit, reason, call, api } = classifyAwait(ex.future, inner, this.env.summaries);
    const id = this.id();
    if (commit === 'commit' && call && api) {
      this.facts.call ??= { api, wait: call.wait };
      this.apiOfAwait.set(id, api);
    }
    const range = this.range(token);
    out.push({
      kind: 'await',
      id,
      range,
      keyword: '.await',
      commit,
      reason,
      exprRange: this.range(inner),
      ...(call ? { call } : {}),
      handling: handlingOf(node),
      args,
    });
    const afterVal = ex.future?.kind === 'local' ? ex.future.after?.(out) : undefined;
    if (!this.env.summaryMode && this.annotate) {
      this.out.awaits.push({ range, keyword: '.await', commit, reason, functionName: this.name });
    }
    return { val: union({ reads: [], locals: [], awaits: [id] }, afterVal ?? empty()) };
  }

  // ---- control flow -----------------------------------------------------------------------------------------

  /** Nodes of an arm, lowered in their own scope, with `names` bound to `val` first. */
  private arm(node: SyntaxNode | null, names: string[], val: Val, at: SyntaxNode): Node[] {
    const nodes: Node[] = [];
    this.withScope(() => {
      for (const n of names) {
        nodes.push({ kind: 'local', range: this.range(at), name: this.bindLocal(n), value: val });
      }
      if (node) this.expr(node, nodes);
    });
    return nodes;
  }

  /** The condition of `if`/`while`: plain, `let P = e`, or a `&&` chain of them. */
  private condition(cond: SyntaxNode, out: Node[]): { val: Val; names: string[]; patterns: string[] } {
    if (cond.type === 'let_condition') {
      const valueNode = field(cond, 'value');
      const val = valueNode ? this.value(valueNode, out) : empty();
      const pattern = field(cond, 'pattern');
      return { val, names: patternNames(pattern), patterns: [pattern?.text ?? ''] };
    }
    if (cond.type === 'let_chain') {
      const parts = namedKids(cond).map((k) => this.condition(k, out));
      return {
        val: union(empty(), ...parts.map((p) => p.val)),
        names: parts.flatMap((p) => p.names),
        patterns: parts.flatMap((p) => p.patterns),
      };
    }
    return { val: this.value(cond, out), names: [], patterns: [] };
  }

  private ifExpr(node: SyntaxNode, out: Node[]): Ex {
    const condNode = field(node, 'condition');
    if (!condNode) return { val: empty() };
    const cond = this.condition(condNode, out);
    const consequence = this.arm(field(node, 'consequence'), cond.names, cond.val, condNode);
    const elseClause = field(node, 'alternative');
    const elseBody = elseClause ? (namedKids(elseClause).find((k) => !k.isExtra) ?? null) : null;
    const alternative = elseClause ? this.arm(elseBody, [], empty(), elseClause) : [];
    const pat = cond.patterns.join(' ');
    const condText = cond.patterns.length ? pat : condNode.text;
    let failureArms: boolean[] | undefined;
    if (/^\s*(\w+::)*Err\b/.test(pat) || (!cond.patterns.length && /\.is_err\(\)/.test(condText)))
      failureArms = [true, false];
    else if (/^\s*(\w+::)*Ok\b/.test(pat) || (!cond.patterns.length && /\.is_ok\(\)/.test(condText)))
      failureArms = [false, true];
    out.push({
      kind: 'branch',
      range: this.range(node),
      cond: cond.val,
      arms: elseClause ? [consequence, alternative] : [consequence],
      exhaustive: !!elseClause,
      ...(failureArms ? { failureArms: elseClause ? failureArms : failureArms.slice(0, 1) } : {}),
      ...(UNKNOWN_OUTCOME.test(condNode.text) ? { unknownOutcomeCheck: true } : {}),
    });
    return { val: cond.val };
  }

  private matchExpr(node: SyntaxNode, out: Node[]): Ex {
    const scrutinee = field(node, 'value');
    const val = scrutinee ? this.value(scrutinee, out) : empty();
    const body = field(node, 'body');
    const armsSyntax = body ? namedKids(body).filter((k) => k.type === 'match_arm') : [];
    const arms: Node[][] = [];
    const failureArms: boolean[] = [];
    let unknown = UNKNOWN_OUTCOME.test(scrutinee?.text ?? '');
    for (const a of armsSyntax) {
      const pattern = field(a, 'pattern');
      const guardCond = pattern ? field(pattern, 'condition') : null;
      // A `match_pattern` holds the pattern and, as field `condition`, the arm's `if` guard.
      const names = pattern
        ? pattern.children.flatMap((k, i) =>
            k && k.isNamed && pattern.fieldNameForChild(i) !== 'condition' ? patternNames(k) : [],
          )
        : [];
      const nodes = this.withScope(() => {
        const ns: Node[] = [];
        for (const n of names) {
          ns.push({ kind: 'local', range: this.range(a), name: this.bindLocal(n), value: val });
        }
        if (guardCond) this.value(guardCond, ns);
        const v = field(a, 'value');
        if (v) this.expr(v, ns);
        return ns;
      });
      arms.push(nodes);
      failureArms.push(/^\s*(\w+::)*Err\b/.test(pattern?.text ?? ''));
      if (UNKNOWN_OUTCOME.test(pattern?.text ?? '')) unknown = true;
    }
    out.push({
      kind: 'branch',
      range: this.range(node),
      cond: val,
      arms,
      exhaustive: true,
      ...(failureArms.some((f) => f) ? { failureArms } : {}),
      ...(unknown ? { unknownOutcomeCheck: true } : {}),
    });
    return { val };
  }

  private loop(node: SyntaxNode, out: Node[]): void {
    const bodyNode = field(node, 'body');
    if (node.type === 'while_expression') {
      const condNode = field(node, 'condition');
      const cond = condNode ? this.condition(condNode, out) : { val: empty(), names: [], patterns: [] };
      out.push({
        kind: 'loop',
        range: this.range(node),
        cond: cond.val,
        body: this.arm(bodyNode, cond.names, cond.val, node),
      });
    } else if (node.type === 'for_expression') {
      const iter = field(node, 'value');
      const val = iter ? this.value(iter, out) : empty();
      out.push({
        kind: 'loop',
        range: this.range(node),
        body: this.arm(bodyNode, patternNames(field(node, 'pattern')), val, node),
      });
    } else {
      out.push({ kind: 'loop', range: this.range(node), body: this.arm(bodyNode, [], empty(), node) });
    }
  }

  // ---- macros -----------------------------------------------------------------------------------------------

  private macro(node: SyntaxNode, out: Node[]): Ex {
    const name = (field(node, 'macro')?.text ?? '').replace(/^.*::/, '');
    const val = this.macroArgs(node, out) ?? this.tokenVal(node, out);
    if (name === 'panic' || name === 'todo' || name === 'unimplemented')
      this.trap(node, out, 'panic', { always: true });
    else if (name === 'unreachable') this.trap(node, out, 'unreachable', { always: true });
    else if (name === 'assert' || name === 'assert_eq' || name === 'assert_ne')
      this.trap(node, out, 'assert', { cond: val });
    return { val };
  }

  /**
   * Macro arguments are token trees, not expressions. Most expression macros (`assert!`, `format!`, `vec!`) take
   * expressions, so the token tree is re-parsed as a tuple or array inside `fn a(){…;}` and lowered with its
   * indices shifted back to the file. `undefined` when it does not parse as one.
   */
  private macroArgs(node: SyntaxNode, out: Node[]): Val | undefined {
    const tree = allKids(node).find((k) => k.type === 'token_tree');
    const parse = this.env.parseSnippet;
    if (!tree || !parse || !/^[([]/.test(tree.text)) return undefined;
    const wrapper = 'fn a(){';
    const root = parse(`${wrapper}${tree.text};}`);
    const body = root?.namedChildren[0]?.childForFieldName('body');
    const stmt = body?.namedChildren[0];
    const expr = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : stmt;
    if (!root || root.hasError || !expr) return undefined;
    const saved = this.shift;
    this.shift = saved + tree.startIndex - wrapper.length;
    try {
      return this.value(expr, out);
    } finally {
      this.shift = saved;
    }
  }

  /** Macro arguments are token trees: locals and state roots mentioned in them are what the value depends on. */
  private tokenVal(node: SyntaxNode, out: Node[]): Val {
    const tree = allKids(node).find((k) => k.type === 'token_tree');
    if (!tree) return empty();
    const vals: Val[] = [];
    for (const id of tree.descendantsOfType('identifier')) {
      if (!id) continue;
      const found = this.lookup(id.text);
      if (found.handle) vals.push(this.read(found.handle.state, id, out));
      else if (found.local) vals.push({ reads: [], locals: [found.irName], awaits: [] });
      else if (this.env.index.roots.has(id.text)) vals.push(this.read({ root: id.text }, id, out));
    }
    return union(empty(), ...vals);
  }
}
