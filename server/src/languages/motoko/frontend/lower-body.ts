/**
 * Lowers a Motoko function body into the commit-point IR (`model/ir.ts`): state reads and writes, locals,
 * awaits, branches, loops, try/finally, exits and traps, in evaluation order.
 *
 * `BodyLowerer` holds what the lowering of one function shares (its name, the caller's names, the locals
 * bound so far) and decides how each expression's value is used: dropped, used, or returned. The kinds of
 * expression are lowered by the `lower-*.ts` modules, which receive the lowerer to recurse through it.
 */
import type * as A from '../ast';
import type { Node, ResultHandling, Val } from '../../../model/ir';
import { MAX_NESTING, nestingNotice } from '../../../model/limits';
import type { FileContext } from './context';
import { lowerAwait } from './lower-await';
import { lowerCall } from './lower-calls';
import { lowerBranch, lowerTry } from './lower-control';
import { lowerExp } from './lower-exp';
import type { KeyedAlias } from './lower-state';
import { EMPTY } from './lower-val';
import { type Scope, type ValueOrigin, type ValueSource, declareDecs } from './scope';
import { functionBody, unwrap } from './syntax';

/** How the value of an expression is used: dropped, used, or returned from the function. */
export type Mode = 'stmt' | 'value' | 'tail';

/** Expressions whose last sub-expression inherits how the whole is used. */
const STRUCTURED = new Set(['Block', 'Do', 'DoOpt', 'If', 'Switch', 'Try', 'Label']);

/** The function returns nothing (`()`, `async ()`, no annotation with a block body): no result value flows out. */
function returnsUnit(f: A.Func): boolean {
  let t = f.returnType;
  if (!t) return f.bodyIsBlock;
  if (t.kind === 'AsyncType') t = t.inner;
  while (t.kind === 'ParenType') t = t.inner;
  return t.kind === 'TupleType' && t.elements.length === 0;
}

export class BodyLowerer {
  /** Set for helper summaries: no annotations, timers or queued bodies are recorded. */
  readonly quiet: boolean;
  /**
   * The IR this lowerer makes is thrown away (a helper lowered only for its annotations): an `await*` straight in
   * its body may take an inlined body's template as it is, without a copy.
   */
  discardsIr = false;
  /** End offset of the function being lowered (to look for a later `await*` of a bound `async*` value). */
  funcEnd = 0;
  /** The function being lowered is `async*` (a call in tail position is returned, not dropped). */
  private asyncStar = false;
  /** How many lowering steps enclose the current one (see `MAX_NESTING`). */
  private depth = 0;
  /** How many locals of each name were bound so far (later ones get distinct IR names). */
  private readonly bindingCount = new Map<string, number>();
  /**
   * Locals (by IR name) bound to a part of the actor's state that shares its storage (`let ac = accounts[i]`,
   * `switch (Map.get(m, k)) { case (?rec) … }`): changing them in place (`ac[j] := …`, `rec.f := …`) changes
   * that state (SPEC §5, data flow through aliases).
   */
  readonly aliases = new Map<string, KeyedAlias>();

  constructor(
    readonly ctx: FileContext,
    /** Enclosing function name (for annotations and timer names). */
    readonly fnName: string,
    /** Names bound to the caller (`msg.caller`, `caller`, locals bound from them). */
    readonly callerNames: string[] = [],
    /** Names of the caller patterns' records (`msg` of `shared(msg)`). */
    readonly callerRecords: string[] = [],
    quiet = false,
  ) {
    this.quiet = quiet;
  }

  /** Prefix of the IR names of locals: an inlined body's locals never merge with its caller's. */
  private prefix = '';

  get localPrefix(): string {
    return this.prefix;
  }

  /**
   * A quiet lowerer for the body of `fnName` run inline at an `await*` of it, in this function's IR; `ctx` is
   * the context of the file the body is in.
   */
  forInline(fnName: string, ctx: FileContext = this.ctx): BodyLowerer {
    const inner = new BodyLowerer(ctx, fnName, [], [], true);
    inner.prefix = `${this.prefix}${fnName}>`;
    return inner;
  }

  /** A lowerer for another function (a timer callback, a helper to summarise), of `ctx`'s file. */
  forFunction(fnName: string, quiet = false, ctx: FileContext = this.ctx): BodyLowerer {
    return new BodyLowerer(ctx, fnName, [], [], quiet);
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

  /** An expression in tail position: its value is the function's result (an `exit` carries it). */
  tail(e: A.Exp, out: Node[], scope: Scope): void {
    this.nest(e, () => {
      this.lowerTail(e, out, scope);
      return EMPTY;
    });
  }

  /**
   * Every recursion of the lowering passes through `tail`, `block`, `stmt` or `exp`: past the limit the rest
   * of the expression is left out with a notice, instead of overflowing the stack.
   */
  private nest(at: A.NodeBase, lower: () => Val): Val {
    if (this.depth >= MAX_NESTING) {
      if (!this.quiet) this.ctx.notice(at.start, nestingNotice(this.ctx.range(at)));
      return EMPTY;
    }
    this.depth++;
    try {
      return lower();
    } finally {
      this.depth--;
    }
  }

  private lowerTail(e: A.Exp, out: Node[], scope: Scope): void {
    const u = unwrap(e);
    if (STRUCTURED.has(u.kind)) {
      this.structured(u, out, scope, 'tail');
      return;
    }
    if (u.kind === 'Return' || u.kind === 'Throw') {
      this.exp(u, out, scope);
      return;
    }
    const v = u.kind === 'Call' ? lowerCall(this, u, out, scope, !this.asyncStar) : this.value(u, out, scope);
    if (v.reads.length || v.locals.length || v.awaits.length) {
      out.push({ kind: 'exit', how: 'return', value: v, range: this.ctx.range(u) });
    }
  }

  /** Lowers a block's declarations; returns the value of its last expression (in `value` mode). */
  block(decs: A.Dec[], out: Node[], outer: Scope, mode: Mode = 'value'): Val {
    const first = decs[0];
    return first ? this.nest(first, () => this.lowerBlock(decs, out, outer, mode)) : EMPTY;
  }

  private lowerBlock(decs: A.Dec[], out: Node[], outer: Scope, mode: Mode): Val {
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
  structured(e: A.Exp, out: Node[], scope: Scope, mode: Mode): Val {
    switch (e.kind) {
      case 'Block':
        return this.block(e.decs, out, scope, mode);
      case 'Do':
      case 'DoOpt':
        return this.block(e.body.decs, out, scope, mode);
      case 'If':
      case 'Switch':
        return lowerBranch(this, e, out, scope, mode);
      case 'Try':
        return lowerTry(this, e, out, scope, mode);
      case 'Label':
        return this.inMode(e.body, out, scope, mode);
      default:
        return this.value(e, out, scope);
    }
  }

  /** An expression used as `mode` says. */
  inMode(e: A.Exp, out: Node[], scope: Scope, mode: Mode): Val {
    if (mode === 'stmt') return this.stmt(e, out, scope);
    if (mode === 'tail') {
      this.tail(e, out, scope);
      return EMPTY;
    }
    return this.value(e, out, scope);
  }

  /** An expression whose value is discarded. */
  stmt(e: A.Exp, out: Node[], scope: Scope): Val {
    return this.nest(e, () => this.lowerStmt(e, out, scope));
  }

  private lowerStmt(e: A.Exp, out: Node[], scope: Scope): Val {
    const u = unwrap(e);
    if (u.kind === 'Await') return lowerAwait(this, u, out, scope, 'ignored', true);
    if (u.kind === 'Call') return lowerCall(this, u, out, scope, true);
    if (STRUCTURED.has(u.kind)) return this.structured(u, out, scope, 'stmt');
    return this.exp(u, out, scope);
  }

  /** An expression whose value is used; an `await` directly here is `handling`. */
  value(e: A.Exp, out: Node[], scope: Scope, handling: ResultHandling = 'bound'): Val {
    const u = unwrap(e);
    if (u.kind === 'Await') return lowerAwait(this, u, out, scope, handling, false);
    return this.exp(u, out, scope);
  }

  /** An expression as it is (already unwrapped), its value used. */
  exp(e: A.Exp, out: Node[], scope: Scope): Val {
    return this.nest(e, () => lowerExp(this, e, out, scope));
  }

  /** Defines a local; returns its IR name (`x`, then `x#2`, … for later bindings of the same name). */
  define(
    scope: Scope,
    name: string,
    nat: boolean,
    type: A.Type | null = null,
    origin?: ValueOrigin,
    source?: ValueSource,
  ): string {
    const n = (this.bindingCount.get(name) ?? 0) + 1;
    this.bindingCount.set(name, n);
    const irName = this.prefix + (n === 1 ? name : `${name}#${n}`);
    scope.define(name, {
      kind: 'local',
      nat,
      type,
      irName,
      ...(origin ? { origin } : {}),
      ...(source ? { source } : {}),
    });
    return irName;
  }
}
