/**
 * Lowers a Motoko function body into the commit-point IR (`model/ir.ts`): state reads and writes, locals,
 * awaits, branches, loops, try/finally, exits and traps, in evaluation order.
 */
import type * as A from '../ast';
import type {
  AwaitNode,
  BranchNode,
  Node,
  ReadNode,
  ResultHandling,
  StatePath,
  TrapCause,
  Val,
  WriteNode,
} from '../../../model/ir';
import { classifyAwait } from './classify-await';
import { calleeReturnsAsyncUnit } from './types';
import type { FileContext } from './context';
import type { StateRoot } from './state';
import {
  clearsMarker,
  isFunctionalLibrary,
  isTimerCall,
  isTrapCall,
  methodAccess,
  moduleFunctionAccess,
  setsMarker,
} from './state-calls';
import { type FuncRef, Scope, declareDecs, resolveCallee } from './scope';
import {
  boundNames,
  dottedPath,
  functionBody,
  irrefutable,
  isNatType,
  patternTags,
  returnsAsyncUnit,
  sourceText,
  unwrap,
} from './syntax';

const EMPTY: Val = { reads: [], locals: [], awaits: [] };

/** How the value of an expression is used: dropped, used, or returned from the function. */
type Mode = 'stmt' | 'value' | 'tail';

const STRUCTURED = new Set(['Block', 'Do', 'DoOpt', 'If', 'Switch', 'Try', 'Label']);

/** The function returns nothing (`()`, `async ()`, no annotation with a block body): no result value flows out. */
function returnsUnit(f: A.Func): boolean {
  let t = f.returnType;
  if (!t) return f.bodyIsBlock;
  if (t.kind === 'AsyncType') t = t.inner;
  while (t.kind === 'ParenType') t = t.inner;
  return t.kind === 'TupleType' && t.elements.length === 0;
}

export function union(...vals: Val[]): Val {
  const reads = new Set<number>();
  const locals = new Set<string>();
  const awaits = new Set<number>();
  for (const v of vals) {
    v.reads.forEach((r) => reads.add(r));
    v.locals.forEach((l) => locals.add(l));
    v.awaits.forEach((a) => awaits.add(a));
  }
  return { reads: [...reads], locals: [...locals], awaits: [...awaits] };
}

const FAILURE_TAGS = /^(err|Err|error|Error|rejected|Rejected|failure|Failure)$/;
const SUCCESS_TAGS = /^(ok|Ok|success|Success)$/;
const UNKNOWN_OUTCOME = /system_unknown|SysUnknown|isRetryPossible|#call_error|call_error|isCleanReject/;

interface StateRef {
  root: StateRoot;
  path: StatePath;
}

/** A function's state accesses as seen from a call site (for calls of the actor's synchronous helpers). */
interface HelperSummary {
  params: string[];
  accesses: (ReadNode | WriteNode)[];
}

const helperSummaries = new WeakMap<A.Func, HelperSummary>();
const summarizing = new Set<A.Func>();

export class BodyLowerer {
  /** Set for helper summaries: no annotations, timers or queued bodies are recorded. */
  private readonly quiet: boolean;

  constructor(
    private readonly ctx: FileContext,
    /** Enclosing function name (for annotations and timer names). */
    readonly fnName: string,
    /** Names bound to the caller (`msg.caller`, `caller`, locals bound from them). */
    readonly callerNames: string[] = [],
    /** Names of the caller patterns' records (`msg` of `shared(msg)`). */
    private readonly callerRecords: string[] = [],
    quiet = false,
  ) {
    this.quiet = quiet;
  }

  /** Lowers a function's body; the function's params must already be in `scope`. */
  lowerFunction(func: A.Func, scope: Scope): Node[] {
    const out: Node[] = [];
    this.funcEnd = func.end;
    this.asyncStar = func.asyncKind === 'async*';
    const body = functionBody(func);
    if (returnsUnit(func)) this.stmt(body, out, scope);
    else this.tail(body, out, scope);
    return out;
  }

  /** The function being lowered is `async*` (a call in tail position is returned, not dropped). */
  private asyncStar = false;
  /** End offset of the function being lowered (to look for a later `await*` of a bound `async*` value). */
  private funcEnd = 0;

  /** An expression in tail position: its value is the function's result (an `exit` carries it). */
  tail(e: A.Exp, out: Node[], scope: Scope): void {
    const u = unwrap(e);
    if (STRUCTURED.has(u.kind)) {
      this.structured(u, out, scope, 'tail');
      return;
    }
    if (u.kind === 'Return' || u.kind === 'Throw') {
      this.exp(u, out, scope);
      return;
    }
    const v = u.kind === 'Call' ? this.call(u, out, scope, !this.asyncStar) : this.value(u, out, scope);
    if (v.reads.length || v.locals.length || v.awaits.length) {
      out.push({ kind: 'exit', how: 'return', value: v, range: this.ctx.range(u) });
    }
  }

  /** Lowers a block's declarations; returns the value of its last expression (in `value` mode). */
  block(decs: A.Dec[], out: Node[], outer: Scope, mode: Mode = 'value'): Val {
    const scope = outer.child();
    declareDecs(decs, scope, this.ctx.file, this.ctx.modules);
    let last: Val = EMPTY;
    decs.forEach((d, i) => {
      if (d.kind === 'ImportDec') return;
      if (i < decs.length - 1 || mode === 'stmt') this.stmt(d, out, scope);
      else if (mode === 'tail') this.tail(d, out, scope);
      else last = this.value(d, out, scope);
    });
    return last;
  }

  /** Blocks, branches, `try` and labels, whose last expressions inherit how the whole is used. */
  private structured(e: A.Exp, out: Node[], scope: Scope, mode: Mode): Val {
    switch (e.kind) {
      case 'Block':
        return this.block(e.decs, out, scope, mode);
      case 'Do':
      case 'DoOpt':
        return this.block(e.body.decs, out, scope, mode);
      case 'If':
      case 'Switch':
        return this.branch(e, out, scope, mode);
      case 'Try':
        return this.try(e, out, scope, mode);
      case 'Label':
        return this.inMode(e.body, out, scope, mode);
      default:
        return this.value(e, out, scope);
    }
  }

  private inMode(e: A.Exp, out: Node[], scope: Scope, mode: Mode): Val {
    if (mode === 'stmt') return this.stmt(e, out, scope);
    if (mode === 'tail') {
      this.tail(e, out, scope);
      return EMPTY;
    }
    return this.value(e, out, scope);
  }

  /** An expression whose value is discarded. */
  stmt(e: A.Exp, out: Node[], scope: Scope): Val {
    const u = unwrap(e);
    if (u.kind === 'Await') return this.await(u, out, scope, 'ignored', true);
    if (u.kind === 'Call') return this.call(u, out, scope, true);
    if (STRUCTURED.has(u.kind)) return this.structured(u, out, scope, 'stmt');
    return this.exp(u, out, scope);
  }

  /** An expression whose value is used; an `await` directly here is `handling`. */
  value(e: A.Exp, out: Node[], scope: Scope, handling: ResultHandling = 'bound'): Val {
    const u = unwrap(e);
    if (u.kind === 'Await') return this.await(u, out, scope, handling, false);
    return this.exp(u, out, scope);
  }

  private readState(ref: StateRef, n: A.NodeBase, out: Node[], key?: string): number {
    const id = this.ctx.id();
    out.push({
      kind: 'read',
      id,
      state: ref.path,
      range: this.ctx.range(n),
      ...(key !== undefined ? { key } : {}),
    });
    return id;
  }

  private trap(
    cause: TrapCause,
    n: A.NodeBase,
    out: Node[],
    extra: { value?: Val; cond?: Val; always?: boolean },
  ): void {
    out.push({ kind: 'trap', cause, range: this.ctx.range(n), ...extra });
  }

  /** The state location an expression denotes: `x`, `o.f`, `o.f.g` (→ `o.f`), `a[i]` (→ `a`). */
  private stateRef(e: A.Exp, scope: Scope): StateRef | undefined {
    const u = unwrap(e);
    if (u.kind === 'Var') {
      const b = scope.lookup(u.name);
      return b?.kind === 'state' ? { root: b.root, path: { root: u.name } } : undefined;
    }
    if (u.kind === 'Dot' || u.kind === 'Index') {
      const base = this.stateRef(u.object, scope);
      if (!base) return undefined;
      if (u.kind === 'Dot' && base.path.field === undefined) {
        return { root: base.root, path: { root: base.path.root, field: u.name.name } };
      }
      return base;
    }
    return undefined;
  }

  /** The local variable an assignment target ultimately changes (`x`, `x.f`, `x[i]`). */
  private localBase(e: A.Exp, scope: Scope): string | undefined {
    const u = unwrap(e);
    if (u.kind === 'Var') {
      const b = scope.lookup(u.name);
      return b?.kind === 'local' ? (b.irName ?? u.name) : undefined;
    }
    if (u.kind === 'Dot' || u.kind === 'Index') return this.localBase(u.object, scope);
    return undefined;
  }

  /** A map key that is a simple name (a parameter, a local, the caller), else undefined. */
  private simpleKey(e: A.Exp | undefined, scope: Scope): string | undefined {
    if (!e) return undefined;
    const u = unwrap(e);
    if (u.kind === 'Var') {
      const b = scope.lookup(u.name);
      return b?.kind === 'local' || this.callerNames.includes(u.name) ? u.name : undefined;
    }
    if (
      u.kind === 'Dot' &&
      u.name.name === 'caller' &&
      u.object.kind === 'Var' &&
      this.callerRecords.includes(u.object.name)
    ) {
      return `${u.object.name}.caller`;
    }
    return undefined;
  }

  private isNatExp(e: A.Exp, scope: Scope): boolean {
    const u = unwrap(e);
    if (e.kind === 'Annot' && isNatType(e.type)) return true;
    if (u.kind !== 'Var') return false;
    const b = scope.lookup(u.name);
    return (b?.kind === 'state' && b.root.nat) || (b?.kind === 'local' && b.nat);
  }

  private readonly bindingCount = new Map<string, number>();

  /** Defines a local; returns its IR name (`x`, then `x#2`, … for later bindings of the same name). */
  private define(scope: Scope, name: string, nat: boolean, type: A.Type | null = null): string {
    const n = (this.bindingCount.get(name) ?? 0) + 1;
    this.bindingCount.set(name, n);
    const irName = n === 1 ? name : `${name}#${n}`;
    scope.define(name, { kind: 'local', nat, type, irName });
    return irName;
  }

  // ---------------------------------------------------------------------------------------------------------

  exp(e: A.Exp, out: Node[], scope: Scope): Val {
    switch (e.kind) {
      case 'Lit':
      case 'Prim':
      case 'ErrorExp':
      case 'TypeDec':
      case 'ActorUrl':
      case 'Continue':
        return EMPTY;
      case 'Var': {
        const b = scope.lookup(e.name);
        if (b?.kind === 'state')
          return {
            reads: [this.readState({ root: b.root, path: { root: e.name } }, e, out)],
            locals: [],
            awaits: [],
          };
        if (b?.kind === 'local') return { reads: [], locals: [b.irName ?? e.name], awaits: [] };
        return EMPTY;
      }
      case 'Paren':
        return this.value(e.inner, out, scope);
      case 'Annot':
        return this.value(e.expr, out, scope);
      case 'Dot': {
        const ref = this.stateRef(e, scope);
        if (ref) return { reads: [this.readState(ref, e, out)], locals: [], awaits: [] };
        return this.value(e.object, out, scope);
      }
      case 'Proj':
        return this.value(e.object, out, scope);
      case 'Index': {
        const ref = this.stateRef(e.object, scope);
        const idx = this.value(e.index, out, scope);
        let v: Val;
        if (ref) {
          v = union(
            { reads: [this.readState(ref, e, out, this.simpleKey(e.index, scope))], locals: [], awaits: [] },
            idx,
          );
        } else {
          v = union(this.value(e.object, out, scope), idx);
        }
        this.trap('index', e, out, { value: v });
        return v;
      }
      case 'Call':
        return this.call(e, out, scope, false);
      case 'Bang': {
        const v = this.value(e.operand, out, scope);
        this.trap('null-unwrap', e, out, { value: v });
        return v;
      }
      case 'Binary': {
        const v = union(this.value(e.left, out, scope), this.value(e.right, out, scope));
        if (e.op === '-' && this.isNatExp(e.left, scope)) this.trap('underflow', e, out, { value: v });
        return v;
      }
      case 'Logical':
        return union(this.value(e.left, out, scope, 'matched'), this.value(e.right, out, scope, 'matched'));
      case 'Assign':
        this.assign(e.target, e.op, e.value, e, out, scope);
        return EMPTY;
      case 'UnaryAssign':
        this.assign(e.target, e.op, null, e, out, scope);
        return EMPTY;
      case 'Await':
        return this.await(e, out, scope, 'bound', false);
      case 'Return': {
        const v = e.value ? this.value(e.value, out, scope) : undefined;
        out.push({ kind: 'exit', how: 'return', range: this.ctx.range(e), ...(v ? { value: v } : {}) });
        return EMPTY;
      }
      case 'Throw': {
        const v = this.value(e.operand, out, scope);
        out.push({ kind: 'exit', how: 'throw', value: v, range: this.ctx.range(e) });
        return EMPTY;
      }
      case 'Assert': {
        const v = this.value(e.operand, out, scope, 'matched');
        this.trap('assert', e, out, { cond: v });
        return EMPTY;
      }
      case 'Ignore': {
        const u = unwrap(e.operand);
        if (u.kind === 'Await') this.await(u, out, scope, 'ignored', false);
        else if (u.kind === 'Call') this.call(u, out, scope, true);
        else this.exp(u, out, scope);
        return EMPTY;
      }
      case 'If':
      case 'Switch':
      case 'Try':
      case 'Label':
      case 'Block':
      case 'Do':
      case 'DoOpt':
        return this.structured(e, out, scope, 'value');
      case 'While': {
        const cond = this.value(e.cond, out, scope, 'matched');
        const body: Node[] = [];
        this.stmt(e.body, body, scope);
        // The condition is evaluated again before each further iteration.
        this.value(e.cond, body, scope, 'matched');
        out.push({ kind: 'loop', cond, body, range: this.ctx.range(e) });
        return EMPTY;
      }
      case 'Loop': {
        const body: Node[] = [];
        this.stmt(e.body, body, scope);
        if (e.whileCond) this.value(e.whileCond, body, scope, 'matched');
        out.push({ kind: 'loop', body, range: this.ctx.range(e) });
        return EMPTY;
      }
      case 'For': {
        const iter = this.value(e.iterable, out, scope);
        const inner = scope.child();
        const body: Node[] = [];
        for (const b of boundNames(e.pattern)) {
          const name = this.define(inner, b.name, isNatType(b.type));
          body.push({ kind: 'local', name, value: iter, range: this.ctx.range(b.ident) });
        }
        this.stmt(e.body, body, inner);
        out.push({ kind: 'loop', body, range: this.ctx.range(e) });
        return EMPTY;
      }
      case 'Break':
        return e.value ? this.value(e.value, out, scope) : EMPTY;
      case 'Debug':
        this.stmt(e.body, out, scope);
        return EMPTY;
      case 'Async':
        if (!this.quiet) this.ctx.queue(this.fnName, e, scope);
        return EMPTY;
      case 'Func':
        if (!this.quiet) this.ctx.queue(e.name?.name ?? this.fnName, e, scope);
        return EMPTY;
      case 'ObjectDec':
      case 'ClassDec':
      case 'MixinDec':
        if (!this.quiet) this.queueMembers(e, scope);
        return EMPTY;
      case 'IncludeDec':
        return this.value(e.arg, out, scope);
      case 'LetDec':
        this.let(e, out, scope);
        return EMPTY;
      case 'VarDec': {
        const v = e.init ? this.value(e.init, out, scope) : EMPTY;
        const init = e.init ? unwrap(e.init) : undefined;
        const name = this.define(
          scope,
          e.name.name,
          isNatType(e.type) || (!e.type && init?.kind === 'Lit' && init.litKind === 'nat'),
        );
        out.push({ kind: 'local', name, value: v, range: this.ctx.range(e.name) });
        return EMPTY;
      }
      case 'Object': {
        const vals = e.bases.map((b) => this.value(b, out, scope));
        for (const f of e.fields) {
          if (f.value) vals.push(this.value(f.value, out, scope));
          else
            vals.push(
              this.exp({ kind: 'Var', name: f.name.name, start: f.name.start, end: f.name.end }, out, scope),
            );
        }
        return union(...vals);
      }
      case 'Tuple':
        return union(...e.elements.map((x) => this.value(x, out, scope)));
      case 'Array':
        return union(...e.elements.map((x) => this.value(x, out, scope)));
      case 'ToCandid':
        return union(...e.args.map((x) => this.value(x, out, scope)));
      case 'Tag':
        return e.payload ? this.value(e.payload, out, scope) : EMPTY;
      case 'Opt':
      case 'Unary':
      case 'Not':
      case 'Show':
      case 'FromCandid':
        return this.value(e.operand, out, scope);
      default:
        return EMPTY;
    }
  }

  private queueMembers(e: A.ObjectDec | A.ClassDec | A.MixinDec, scope: Scope): void {
    const inner = scope.child();
    if (e.kind !== 'ObjectDec') {
      for (const p of e.kind === 'MixinDec' ? [e.param] : e.params) {
        for (const b of boundNames(p)) this.define(inner, b.name, isNatType(b.type));
      }
    }
    declareDecs(
      e.fields.map((f) => f.dec),
      inner,
      this.ctx.file,
      this.ctx.modules,
    );
    const owner = e.kind === 'MixinDec' ? undefined : e.name?.name;
    const qualified = (n: string | undefined) => (owner && n ? `${owner}.${n}` : (n ?? owner ?? this.fnName));
    for (const f of e.fields) {
      const d = f.dec;
      if (d.kind === 'Func') this.ctx.queue(qualified(d.name?.name), d, inner);
      else if (d.kind === 'ObjectDec' || d.kind === 'ClassDec') this.queueMembers(d, inner);
      else if (d.kind === 'LetDec' || d.kind === 'VarDec') {
        // Field initialisers of objects/classes: lowered for their awaits/lambdas only.
        const init = d.init ? unwrap(d.init) : undefined;
        const bound = d.kind === 'VarDec' ? d.name.name : boundNames(d.pattern)[0]?.name;
        if (init?.kind === 'Func') this.ctx.queue(qualified(bound), init, inner);
        else if (init) this.exp(init, [], inner);
      }
    }
  }

  private let(e: A.LetDec, out: Node[], scope: Scope): void {
    const init = e.init ? unwrap(e.init) : undefined;
    if (init?.kind === 'Func') {
      // A local function: its body runs when called (lowered for annotations).
      if (!this.quiet) this.ctx.queue(boundNames(e.pattern)[0]?.name ?? this.fnName, init, scope);
      return;
    }
    const v = e.init ? this.value(e.init, out, scope, 'bound') : EMPTY;
    const names = boundNames(e.pattern);
    this.checkBoundAsyncStar(e, init, names, scope, out);
    if (e.elseBody || !irrefutable(e.pattern)) {
      const elseArm: Node[] = [];
      if (e.elseBody) this.stmt(e.elseBody, elseArm, scope);
      const branch: BranchNode = {
        kind: 'branch',
        cond: v,
        arms: [[], elseArm],
        exhaustive: true,
        range: this.ctx.range(e),
      };
      if (UNKNOWN_OUTCOME.test(sourceText(this.ctx.text, e.pattern))) branch.unknownOutcomeCheck = true;
      if (e.elseBody) out.push(branch);
    }
    const fromCaller =
      init !== undefined &&
      ((init.kind === 'Dot' &&
        init.name.name === 'caller' &&
        init.object.kind === 'Var' &&
        this.callerRecords.includes(init.object.name)) ||
        (init.kind === 'Var' && this.callerNames.includes(init.name)));
    const initType = e.init?.kind === 'Annot' ? e.init.type : null;
    for (const b of names) {
      const name = this.define(scope, b.name, isNatType(b.type ?? initType), b.type ?? initType);
      if (fromCaller && !this.callerNames.includes(b.name)) this.callerNames.push(b.name);
      out.push({ kind: 'local', name, value: v, range: this.ctx.range(b.ident) });
    }
  }

  /** `let x = f()` with `f` an `async*` function and no later `await* x` in the function: it never runs. */
  private checkBoundAsyncStar(
    e: A.LetDec,
    init: A.Exp | undefined,
    names: { name: string }[],
    scope: Scope,
    out: Node[],
  ): void {
    if (init?.kind !== 'Call' || names.length !== 1) return;
    const fn = resolveCallee(init.callee, scope)?.found;
    if (fn?.kind !== 'func' || fn.func.asyncKind !== 'async*') return;
    const rest = this.ctx.text.slice(e.end, Math.max(e.end, this.funcEnd));
    const name = names[0].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const used = new RegExp(`\\b${name}\\b`).test(rest);
    if (used) return;
    out.push({
      kind: 'unawaited-async-star',
      callee: sourceText(this.ctx.text, init.callee),
      range: this.ctx.range(init),
    });
  }

  private branch(e: A.IfExp | A.SwitchExp, out: Node[], scope: Scope, mode: Mode): Val {
    const arm = (body: A.Exp, armScope: Scope, prefix: Node[] = []): { nodes: Node[]; value: Val } => {
      const value = this.inMode(body, prefix, armScope, mode);
      return { nodes: prefix, value };
    };
    if (e.kind === 'If') {
      const cond = this.value(e.cond, out, scope, 'matched');
      const arms = [arm(e.thenBranch, scope.child())];
      if (e.elseBranch) arms.push(arm(e.elseBranch, scope.child()));
      const node: BranchNode = {
        kind: 'branch',
        cond,
        arms: arms.map((a) => a.nodes),
        exhaustive: e.elseBranch !== null,
        range: this.ctx.range(e),
      };
      if (UNKNOWN_OUTCOME.test(sourceText(this.ctx.text, e.cond))) node.unknownOutcomeCheck = true;
      out.push(node);
      return union(cond, ...arms.map((a) => a.value));
    }
    const cond = this.value(e.scrutinee, out, scope, 'matched');
    const tags = e.cases.map((c) => patternTags(c.pattern));
    const hasSuccess = tags.some((t) => t.some((x) => SUCCESS_TAGS.test(x)));
    const failureArms = e.cases.map(
      (c, i) =>
        tags[i].some((x) => FAILURE_TAGS.test(x)) ||
        (hasSuccess && tags[i].length === 0 && irrefutable(c.pattern)),
    );
    const arms = e.cases.map((c) => {
      const armScope = scope.child();
      const prefix: Node[] = [];
      for (const b of boundNames(c.pattern)) {
        const name = this.define(armScope, b.name, isNatType(b.type));
        prefix.push({ kind: 'local', name, value: cond, range: this.ctx.range(b.ident) });
      }
      return arm(c.body, armScope, prefix);
    });
    const node: BranchNode = {
      kind: 'branch',
      cond,
      arms: arms.map((a) => a.nodes),
      exhaustive: true,
      range: this.ctx.range(e),
    };
    if (failureArms.some((x) => x)) node.failureArms = failureArms;
    const patterns = e.cases.map((c) => sourceText(this.ctx.text, c.pattern)).join(' ');
    if (UNKNOWN_OUTCOME.test(`${sourceText(this.ctx.text, e.scrutinee)} ${patterns}`))
      node.unknownOutcomeCheck = true;
    out.push(node);
    return union(cond, ...arms.map((a) => a.value));
  }

  private try(e: A.TryExp, out: Node[], scope: Scope, mode: Mode): Val {
    const body: Node[] = [];
    const v = this.inMode(e.body, body, scope, mode);
    const node: Node = { kind: 'try', body, range: this.ctx.range(e) };
    if (e.catchClause) {
      const c = e.catchClause;
      const inner = scope.child();
      const catchBody: Node[] = [];
      for (const b of boundNames(c.pattern)) {
        const name = this.define(inner, b.name, false);
        catchBody.push({ kind: 'local', name, value: EMPTY, range: this.ctx.range(b.ident) });
      }
      this.inMode(c.body, catchBody, inner, mode);
      node.catchBody = catchBody;
    }
    if (e.finallyBody) {
      const fin: Node[] = [];
      this.stmt(e.finallyBody, fin, scope);
      node.finallyBody = fin;
    }
    out.push(node);
    return v;
  }

  private assign(
    target: A.Exp,
    op: A.AssignOp | A.UnaryAssignExp['op'],
    rhs: A.Exp | null,
    whole: A.NodeBase,
    out: Node[],
    scope: Scope,
  ): void {
    const t = unwrap(target);
    const compound = op !== ':=';
    const ref = this.stateRef(t, scope);
    if (ref) {
      const key = t.kind === 'Index' ? this.simpleKey(t.index, scope) : undefined;
      const pre: Val[] = [];
      if (t.kind === 'Index') pre.push(this.value(t.index, out, scope));
      if (compound) pre.push({ reads: [this.readState(ref, t, out, key)], locals: [], awaits: [] });
      const v = union(...pre, rhs ? this.value(rhs, out, scope) : EMPTY);
      if (t.kind === 'Index') this.trap('index', t, out, { value: v });
      const write: WriteNode = { kind: 'write', state: ref.path, value: v, range: this.ctx.range(whole) };
      if (key !== undefined) write.key = key;
      const r = rhs ? unwrap(rhs) : undefined;
      if (op === ':=' && r?.kind === 'Lit' && r.litKind === 'bool')
        write.mark = r.raw === 'true' ? 'set' : 'clear';
      out.push(write);
      if (op === '-=' && t.kind === 'Var' && ref.root.nat) this.trap('underflow', whole, out, { value: v });
      return;
    }
    const local = this.localBase(t, scope);
    const parts: Val[] = [];
    if (t.kind === 'Index') parts.push(this.value(t.index, out, scope));
    if (compound && local) parts.push({ reads: [], locals: [local], awaits: [] });
    parts.push(rhs ? this.value(rhs, out, scope) : EMPTY);
    const v = union(...parts);
    if (t.kind === 'Index') this.trap('index', t, out, { value: v });
    if (local) {
      out.push({ kind: 'local', name: local, value: v, range: this.ctx.range(whole) });
      if (op === '-=' && t.kind === 'Var' && this.isNatExp(t, scope))
        this.trap('underflow', whole, out, { value: v });
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  await(e: A.AwaitExp, out: Node[], scope: Scope, handling: ResultHandling, statement: boolean): Val {
    const operand = unwrap(e.operand);
    let args: Val;
    if (operand.kind === 'Call') {
      const argVals = operand.args.map((a) => this.value(a, out, scope));
      const callee = unwrap(operand.callee);
      // `state.method(…)` as callee object (an actor held in state) is a read of it.
      const calleeVal = callee.kind === 'Dot' ? this.value(callee.object, out, scope) : EMPTY;
      args = union(calleeVal, ...argVals);
    } else if (operand.kind === 'Async') {
      if (!this.quiet) this.ctx.queue(this.fnName, operand, scope);
      args = EMPTY;
    } else {
      args = this.value(operand, out, scope);
    }
    const cls = classifyAwait(e, scope, this.ctx.text, this.ctx.summaries);
    // `await*` runs the `async*` body inline: its state accesses happen in this message.
    if (
      e.op === 'await*' &&
      cls.callee?.func.asyncKind === 'async*' &&
      cls.callee.file === this.ctx.file &&
      operand.kind === 'Call'
    ) {
      this.inlineHelper(cls.callee, operand, out, scope);
    }
    if (statement) {
      const unit = cls.callee
        ? returnsAsyncUnit(cls.callee.func)
        : operand.kind === 'Call' && calleeReturnsAsyncUnit(operand.callee, scope, this.ctx.typeDecs);
      handling = unit ? 'unit' : 'ignored';
    }
    const id = this.ctx.id();
    const keywordRange = this.ctx.rangeOf(e.start, e.start + e.op.length);
    const node: AwaitNode = {
      kind: 'await',
      id,
      keyword: e.op,
      commit: cls.commit,
      reason: cls.reason,
      exprRange: this.ctx.range(e.operand),
      handling,
      args,
      range: keywordRange,
    };
    if (cls.call) node.call = cls.call;
    out.push(node);
    if (!this.quiet && !this.ctx.annotations.has(e)) {
      this.ctx.annotations.set(e, {
        range: keywordRange,
        keyword: e.op,
        commit: cls.commit,
        reason: cls.reason,
        functionName: this.fnName,
      });
    }
    return { reads: [], locals: [], awaits: [id] };
  }

  call(e: A.CallExp, out: Node[], scope: Scope, statement: boolean): Val {
    const path = dottedPath(e.callee);
    const head = path ? scope.lookup(path[0]) : undefined;
    const headModule = head?.kind === 'module' ? head.importPath : undefined;
    const callee = unwrap(e.callee);

    if (path && isTrapCall(path) && (path.length > 1 || head === undefined)) {
      const v = union(...e.args.map((a) => this.value(a, out, scope)));
      this.trap('trap', e, out, { value: v, always: true });
      return EMPTY;
    }
    if (path && isTimerCall(path, headModule) && (head === undefined || head.kind === 'module')) {
      this.timer(e, out, scope);
      return EMPTY;
    }

    // A method of a state object: `balances.put(k, v)`, `state.pending.add(x)`.
    if (callee.kind === 'Dot') {
      const ref = this.stateRef(callee.object, scope);
      if (ref)
        return this.stateAccess(ref, callee.name.name, methodAccess(callee.name.name), e, e.args, out, scope);
    }

    // A module function with a state value first: `Map.add(balances, Principal.compare, caller, v)`.
    const viaModule = head === undefined || (head.kind === 'module' && head.isSelf !== true);
    if (path && path.length >= 2 && viaModule && e.args.length > 0) {
      const ref = this.stateRef(e.args[0], scope);
      if (ref) {
        const name = path[path.length - 1];
        const access = isFunctionalLibrary(headModule)
          ? 'read'
          : moduleFunctionAccess(name, ref.root.container);
        const keyed = ref.root.keyed || /Map|Set|Trie/.test(`${path[path.length - 2]} ${headModule ?? ''}`);
        return this.stateAccess(
          { ...ref, root: { ...ref.root, keyed } },
          name,
          access,
          e,
          e.args.slice(1),
          out,
          scope,
          true,
        );
      }
    }

    const resolved = path ? resolveCallee(e.callee, scope) : undefined;
    const fn = resolved?.found?.kind === 'func' ? resolved.found : undefined;

    // Arguments (lambdas given to a call run now, as part of this message).
    const vals: Val[] = [];
    if (callee.kind === 'Dot' && !(head?.kind === 'module')) vals.push(this.value(callee.object, out, scope));
    for (const a of e.args) {
      const u = unwrap(a);
      if (u.kind === 'Func' && u.asyncKind === null) {
        const inner = scope.child();
        for (const p of u.params)
          for (const b of boundNames(p)) this.define(inner, b.name, isNatType(b.type));
        const body: Node[] = [];
        this.stmt(functionBody(u), body, inner);
        if (body.length) out.push({ kind: 'block', body, range: this.ctx.range(u) });
        if (!this.quiet) this.ctx.lowered.add(u);
      } else {
        vals.push(this.value(a, out, scope));
      }
    }

    if (fn && fn.func.asyncKind === 'async*' && statement) {
      out.push({
        kind: 'unawaited-async-star',
        callee: sourceText(this.ctx.text, e.callee),
        range: this.ctx.range(e),
      });
    }
    if (fn && fn.func.asyncKind === null && fn.file === this.ctx.file) this.inlineHelper(fn, e, out, scope);
    return union(...vals);
  }

  /** A read or write of a state object through one of its methods (or a module function given it first). */
  private stateAccess(
    ref: StateRef,
    name: string,
    access: 'read' | 'write',
    e: A.CallExp,
    rest: A.Exp[],
    out: Node[],
    scope: Scope,
    moduleStyle = false,
  ): Val {
    // Module style: skip comparators/hash functions before the key (`Map.add(m, Principal.compare, k, v)`).
    let keyIdx = 0;
    if (moduleStyle) {
      while (keyIdx < rest.length - 1 && isComparator(rest[keyIdx])) keyIdx++;
    }
    const keyExp = ref.root.keyed ? rest[keyIdx] : undefined;
    const key = this.simpleKey(keyExp, scope);
    const vals = rest.map((a) => this.value(a, out, scope));
    const v = union(...vals);
    if (access === 'read') {
      const id = this.readState(ref, e, out, key);
      return union({ reads: [id], locals: [], awaits: [] }, v);
    }
    const write: WriteNode = { kind: 'write', state: ref.path, value: v, range: this.ctx.range(e) };
    if (key !== undefined) write.key = key;
    if (ref.root.keyed && clearsMarker(name)) write.mark = 'clear';
    else if (ref.root.keyed && setsMarker(name)) {
      const valueArg = rest[keyIdx + 1] ? unwrap(rest[keyIdx + 1]) : undefined;
      const unitOrTrue =
        (valueArg?.kind === 'Tuple' && valueArg.elements.length === 0) ||
        (valueArg?.kind === 'Lit' && valueArg.raw === 'true');
      if (
        ref.root.isSet ||
        (moduleStyle && /Set/.test(ref.root.name) && valueArg === undefined) ||
        unitOrTrue
      )
        write.mark = 'set';
    }
    out.push(write);
    return v;
  }

  /** `Timer.setTimer(d, callback)` / `Timer.recurringTimer(d, callback)`: the callback is a timer entry point. */
  private timer(e: A.CallExp, out: Node[], scope: Scope): void {
    const cb = e.args.length ? unwrap(e.args[e.args.length - 1]) : undefined;
    for (const a of e.args.slice(0, -1)) this.value(a, out, scope);
    if (!cb || this.quiet) return;
    if (cb.kind === 'Func') {
      const line = this.ctx.file.lines.positionAt(cb.start).line + 1;
      const name = `${this.fnName}::timer@${line}`;
      const inner = scope.child();
      const lowerer = new BodyLowerer(this.ctx, name);
      this.ctx.lowered.add(cb);
      const body = lowerer.lowerFunction(cb, inner);
      this.ctx.timerEntries.push({
        name,
        kind: 'timer',
        nameRange: this.ctx.rangeOf(cb.funcKeyword, cb.funcKeyword + 4),
        range: this.ctx.range(cb),
        params: [],
        body,
      });
      return;
    }
    const r = resolveCallee(cb, scope);
    if (r?.found?.kind === 'func') this.ctx.timerTargets.set(r.found.name, r.found);
  }

  /** A call of a synchronous (or `await*`ed) function of this file: its state accesses happen here (`via` it). */
  private inlineHelper(fn: FuncRef, e: A.CallExp, out: Node[], scope: Scope): void {
    const summary = this.helperSummary(fn);
    if (!summary) return;
    const via = fn.name;
    for (const acc of summary.accesses) {
      const pi = acc.key !== undefined ? summary.params.indexOf(acc.key) : -1;
      const key = pi >= 0 ? this.simpleKey(e.args[pi], scope) : undefined;
      const range = this.ctx.range(e);
      if (acc.kind === 'read') {
        out.push({
          kind: 'read',
          id: this.ctx.id(),
          state: acc.state,
          range,
          via,
          ...(key !== undefined ? { key } : {}),
        });
      } else {
        const w: WriteNode = { kind: 'write', state: acc.state, value: EMPTY, range, via };
        if (key !== undefined) w.key = key;
        if (acc.mark) w.mark = acc.mark;
        out.push(w);
      }
    }
  }

  private helperSummary(fn: FuncRef): HelperSummary | undefined {
    const known = helperSummaries.get(fn.func);
    if (known) return known;
    if (summarizing.has(fn.func) || summarizing.size > 8) return undefined;
    summarizing.add(fn.func);
    try {
      const scope = fn.scope.child();
      const params: string[] = [];
      for (const p of fn.func.params) {
        for (const b of boundNames(p)) {
          params.push(b.name);
          scope.define(b.name, { kind: 'local', nat: isNatType(b.type) });
        }
      }
      const nodes = new BodyLowerer(this.ctx, fn.name, [], [], true).lowerFunction(fn.func, scope);
      const accesses: (ReadNode | WriteNode)[] = [];
      const collect = (list: Node[]) => {
        for (const n of list) {
          if (n.kind === 'read' || n.kind === 'write') accesses.push(n);
          else if (n.kind === 'branch') n.arms.forEach(collect);
          else if (n.kind === 'loop' || n.kind === 'block') collect(n.body);
          else if (n.kind === 'try') {
            collect(n.body);
            if (n.catchBody) collect(n.catchBody);
            if (n.finallyBody) collect(n.finallyBody);
          }
        }
      };
      collect(nodes);
      const summary = { params, accesses };
      helperSummaries.set(fn.func, summary);
      return summary;
    } finally {
      summarizing.delete(fn.func);
    }
  }
}

/** `Principal.compare`, `Nat.equal`, `Map.phash`, `thash`: a comparator/hash argument of a collection function. */
function isComparator(e: A.Exp): boolean {
  const p = dottedPath(e);
  if (!p) return false;
  const last = p[p.length - 1];
  return (
    /^(compare|equal|hash|[a-z]?hash|[a-z]*Hash|[a-z]*Compare|[a-z]*Equal|eq|cmp)$/.test(last) ||
    /hash$/i.test(last)
  );
}
