/**
 * Whether an `async*` function's body commits: on every path (`commit`), on some (`maybe`), on none (`none`).
 * `await*` of such a function runs its body inline, so its awaits decide. Nested `await*` resolve recursively;
 * a recursion is solved by a fixed point (its base cases decide).
 */
import * as A from '../ast';
import type { CommitKind } from '../../../model/ir';
import { type FuncRef, type ModuleContext, type Scope, declareDecs, letOrigin, resolveCallee } from './scope';
import { implementationsOf } from './implementations';
import { isTrapModule } from './state-calls';
import { boundNames, dottedPath, functionBody, unwrap } from './syntax';
import { orderBoundHit } from './bounds';

/** Effect of evaluating code on commits. */
interface Eff {
  /** Some path commits. */
  may: boolean;
  /** Every path that completes normally has committed (vacuous when none completes). */
  normalMust: boolean;
  /** Every path that leaves early (`return`/`throw`) has committed. */
  exitMust: boolean;
  /** Some path completes normally. */
  completes: boolean;
  /** Every path that throws (to an enclosing `catch`) has committed first. */
  failMust: boolean;
}

const NONE: Eff = { may: false, normalMust: false, exitMust: true, completes: true, failMust: true };
/** An `await`: a reject is thrown after the commit. */
const COMMIT: Eff = { may: true, normalMust: true, exitMust: true, completes: true, failMust: true };
/** Unknown code: it may commit, and may throw before it does. */
const MAYBE: Eff = { may: true, normalMust: false, exitMust: true, completes: true, failMust: false };
/** A trap or an error return: the path ends, and not normally. */
const DIVERGES: Eff = { may: false, normalMust: true, exitMust: true, completes: false, failMust: true };
/** `throw`: the path ends, and reaches a `catch` without committing. */
const THROWS: Eff = { ...DIVERGES, failMust: false };

function seq(a: Eff, b: Eff): Eff {
  if (!a.completes) return a;
  // Code with no effect leaves the other's effect as it is (most sub-expressions have none).
  if (b === NONE) return a;
  if (a === NONE) return b;
  return {
    may: a.may || b.may,
    normalMust: a.normalMust || b.normalMust,
    exitMust: a.exitMust && (a.normalMust || b.exitMust),
    completes: b.completes,
    failMust: a.failMust && (a.normalMust || b.failMust),
  };
}

function alt(arms: Eff[]): Eff {
  const completing = arms.filter((a) => a.completes);
  return {
    may: arms.some((a) => a.may),
    normalMust: completing.every((a) => a.normalMust),
    exitMust: arms.every((a) => a.exitMust),
    completes: completing.length > 0,
    failMust: arms.every((a) => a.failMust),
  };
}

/** Zero or more iterations. */
function repeat(body: Eff): Eff {
  return { ...body, normalMust: false, completes: true };
}

function kindOf(e: Eff): CommitKind {
  if (!e.may) return 'none';
  return (!e.completes || e.normalMust) && e.exitMust ? 'commit' : 'maybe';
}

const NON_EXP = /Pat$|Type$|^Ident$|^TypeBind$|^TypeField$|^TypeTag$|^PatField$|^Comment$/;
/** Per node kind, whether it is an expression or declaration (asked for every node of every body summarised). */
const decKinds = new Map<string, boolean>();

function isDec(n: A.Node): n is A.Dec {
  let known = decKinds.get(n.kind);
  if (known === undefined)
    decKinds.set(
      n.kind,
      (known =
        !NON_EXP.test(n.kind) && !['Case', 'Catch', 'Program', 'ExpField', 'DecField'].includes(n.kind)),
    );
  return known;
}

/** What an `await*` runs, and what it does to commits. */
export interface AwaitStarTarget {
  kind: CommitKind;
  /** The effect where it is awaited (inside a recursion, what the recursion assumes for now). */
  eff: Eff;
  /** The `async*` function whose body runs, when it is one. */
  callee?: FuncRef;
  /** Why the body is not known, or what bounded the answer. */
  why?: string;
  /** The callee is known only from a declared type: `none` is not proven. */
  byTypeOnly?: boolean;
  /** The bound of the analysis that made the answer `maybe`. */
  bounded?: string;
  /** The classes whose methods could run (the receiver has an interface type), for reasons. */
  implementations?: string;
  /** Several classes could be behind the receiver: `callee` is only one of them, not the body that runs. */
  ambiguous?: boolean;
}

function describeImpl(f: FuncRef): string {
  return `${f.name} (${f.file.path.split(/[\\/]/).pop() ?? ''})`;
}

/** Nesting of summaries being computed at once: deeper chains are answered `maybe`. */
const MAX_ACTIVE = 40;
/** Rounds of the fixed point for a recursive `async*` function. */
const MAX_ROUNDS = 6;

/**
 * A body's effect seen from where it is awaited: its `return`s end it, so every ending counts. Inside a
 * recursion the body may lean on an assumption ("must, no await yet"), which this keeps.
 */
function toCall(body: Eff): Eff {
  return {
    may: body.may,
    normalMust: (!body.completes || body.normalMust) && body.exitMust,
    exitMust: true,
    completes: true,
    failMust: body.failMust,
  };
}

export class AsyncStarSummaries {
  private readonly memo = new Map<A.Func, Eff>();
  /** Functions being summarised, in call order, with what their recursive calls assume for now. */
  private readonly active: { func: A.Func; assumed: Eff; lowest: number }[] = [];

  // Declarations resolve their imports through their scope's home file.
  constructor(_ctx: ModuleContext) {}

  /** Set when a bound of the analysis made an answer `maybe`, for the reason of the `await*` being classified. */
  private boundHit: string | undefined;

  /** `target`, saying in `why` when a bound of the analysis was hit on the way. */
  classify(operand: A.Exp, scope: Scope): AwaitStarTarget {
    this.boundHit = undefined;
    const t = this.target(operand, scope);
    const bound = this.boundHit;
    if (bound === undefined || t.kind !== 'maybe' || t.why !== undefined) return t;
    return { ...t, bounded: bound };
  }

  /** The commit kind of running `ref`'s body. */
  summarize(ref: FuncRef): CommitKind {
    return kindOf(this.callEffect(ref));
  }

  /**
   * The effect of running `ref`'s body where it is awaited. A recursive call assumes the body's own answer,
   * starting from "commits on every path that ends, and no await" and repeating until it is stable: a base
   * case that commits makes the recursion commit, and no await is invented.
   */
  private callEffect(ref: FuncRef): Eff {
    const done = this.memo.get(ref.func);
    if (done) return done;
    const at = this.active.findIndex((a) => a.func === ref.func);
    if (at >= 0) {
      orderBoundHit();
      for (let i = at + 1; i < this.active.length; i++)
        this.active[i].lowest = Math.min(this.active[i].lowest, at);
      return this.active[at].assumed;
    }
    if (this.active.length >= MAX_ACTIVE / 2) orderBoundHit();
    if (this.active.length >= MAX_ACTIVE) {
      this.boundHit = `more than ${MAX_ACTIVE} nested \`async*\` bodies`;
      return MAYBE;
    }
    const depth = this.active.length;
    const frame = { func: ref.func, assumed: { ...NONE, normalMust: true }, lowest: depth };
    this.active.push(frame);
    let result = MAYBE;
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const next = toCall(this.body(ref));
        const a = frame.assumed;
        if (next.may === a.may && next.normalMust === a.normalMust && next.failMust === a.failMust) {
          result = next;
          break;
        }
        frame.assumed = next;
        if (round === MAX_ROUNDS - 1) orderBoundHit();
        if (round === MAX_ROUNDS - 1) this.boundHit = `a recursion not settled in ${MAX_ROUNDS} rounds`;
      }
    } finally {
      this.active.pop();
    }
    // An answer that leaned on an outer function's assumption is recomputed when asked again.
    if (frame.lowest >= depth) this.memo.set(ref.func, result);
    else if (this.active.length) {
      const parent = this.active[this.active.length - 1];
      parent.lowest = Math.min(parent.lowest, frame.lowest);
    }
    return result;
  }

  private body(ref: FuncRef): Eff {
    const scope = ref.scope.child();
    for (const p of ref.func.params)
      for (const b of boundNames(p))
        scope.define(b.name, { kind: 'local', nat: false, origin: { type: b.type, scope, exact: false } });
    return this.exp(functionBody(ref.func), scope, true);
  }

  /** What `await* operand` runs: an `async*` function's body, an `async*` block, or a value bound to one. */
  target(operand: A.Exp, scope: Scope, depth = 0): AwaitStarTarget {
    const unknown = (why: string, callee?: FuncRef): AwaitStarTarget => ({
      kind: 'maybe',
      eff: MAYBE,
      why,
      ...(callee ? { callee } : {}),
    });
    const u = unwrap(operand);
    if (depth > 8) return unknown('the `async*` value is bound too many times over');
    if (u.kind === 'Async' && u.star) {
      const eff = this.exp(u.body, scope.child(), true);
      return { kind: kindOf(eff), eff: toCall(eff) };
    }
    if (u.kind === 'Block' && u.decs.length > 0) {
      // `await* { …; async* { … } }`: the block's value is its last expression.
      const inner = scope.child();
      const last = u.decs[u.decs.length - 1];
      if (last.kind === 'LetDec' || last.kind === 'VarDec' || !isDec(last))
        return unknown('the block does not end with an `async*` value');
      const before = this.list(u.decs.slice(0, -1), inner);
      const t = this.target(last as A.Exp, inner, depth + 1);
      const eff = seq(before, t.eff);
      return { ...t, kind: kindOf(eff), eff };
    }
    if (u.kind === 'Var') {
      const b = scope.lookup(u.name);
      const origin = b && (b.kind === 'local' || b.kind === 'state') ? b.origin : undefined;
      if (origin?.exact && origin.init && !origin.throughOption)
        return this.target(origin.init, origin.scope, depth + 1);
      return unknown(`\`${u.name}\` is an \`async*\` value whose body is not known here`);
    }
    if (u.kind !== 'Call') return unknown('the `async*` value is not known here');
    const r = resolveCallee(u.callee, scope);
    if (!r) return unknown('the callee is not a named function');
    if (!r.found) return unknown(r.why);
    if (r.viaInterface) {
      const impls = implementationsOf(r.viaInterface);
      if (impls.length === 0) return unknown('no class of the workspace implements the type of the receiver');
      return this.anyOf(impls);
    }
    if (r.found.kind !== 'func') return unknown(`\`${r.path}\` is not a declared function`);
    if (r.found.func.asyncKind !== 'async*') return unknown('it is not declared `async*`', r.found);
    const eff = this.callEffect(r.found);
    const kind = kindOf(eff);
    if (r.byTypeOnly && kind === 'none')
      return {
        kind: 'maybe',
        eff: MAYBE,
        callee: r.found,
        byTypeOnly: true,
        why: 'it is known only by its declared type, so another object could be there',
      };
    return { kind, eff, callee: r.found, ...(r.byTypeOnly ? { byTypeOnly: true } : {}) };
  }

  /**
   * A method of an interface type: any class of the workspace with its fields could be behind it. It commits
   * when every one does; `none` would need every object of that type, which the workspace cannot promise.
   */
  private anyOf(impls: FuncRef[]): AwaitStarTarget {
    const effs = impls.map((f) => (f.func.asyncKind === 'async*' ? this.callEffect(f) : MAYBE));
    const all = effs.every((e) => kindOf(e) === 'commit');
    const names = impls.map((f) => describeImpl(f)).join(', ');
    const ambiguous = impls.length > 1 ? { ambiguous: true } : {};
    return all
      ? {
          ...ambiguous,
          kind: 'commit',
          eff: { ...COMMIT, failMust: effs.every((e) => e.failMust) },
          callee: impls[0],
          byTypeOnly: true,
          implementations: names,
        }
      : {
          ...ambiguous,
          kind: 'maybe',
          eff: MAYBE,
          callee: impls[0],
          byTypeOnly: true,
          implementations: names,
          why: `not every implementation of the receiver's type (${names}) awaits on every path`,
        };
  }

  /** Effect of `await* e` for an `await*` found inside a body. */
  private awaitStar(operand: A.Exp, scope: Scope): Eff {
    return this.target(operand, scope).eff;
  }

  private exp(e: A.Dec, scope: Scope, tail = false): Eff {
    // A body that ends by returning an error does not end normally (SPEC §2).
    if (tail && isErrorValue(e)) return seq(this.children(e, scope), DIVERGES);
    switch (e.kind) {
      case 'Await': {
        // The operand's own awaits (`await* f(await g())`) come first; an `async*` block in it is run by
        // `awaitStar`, not here.
        const operand = this.exp(e.operand, scope);
        if (e.op === 'await') return seq(operand, COMMIT);
        if (e.op === 'await?') return seq(operand, MAYBE);
        return seq(operand, this.awaitStar(e.operand, scope));
      }
      case 'Func':
      case 'Async':
      case 'ClassDec':
      case 'TypeDec':
      case 'ImportDec':
        return NONE;
      case 'ObjectDec':
        return e.sort === 'object'
          ? this.list(
              e.fields.map((f) => f.dec),
              scope.child(),
            )
          : NONE;
      case 'Block':
        return this.list(e.decs, scope.child(), tail);
      case 'Do':
      case 'DoOpt':
        return this.exp(e.body, scope, tail);
      case 'If':
        return seq(
          this.exp(e.cond, scope),
          alt([
            this.exp(e.thenBranch, scope, tail),
            e.elseBranch ? this.exp(e.elseBranch, scope, tail) : NONE,
          ]),
        );
      case 'Switch':
        return seq(this.exp(e.scrutinee, scope), alt(e.cases.map((c) => this.exp(c.body, scope, tail))));
      case 'Logical':
        return seq(this.exp(e.left, scope), alt([this.exp(e.right, scope), NONE]));
      case 'While':
        return seq(this.exp(e.cond, scope), repeat(this.exp(e.body, scope)));
      case 'For':
        return seq(this.exp(e.iterable, scope), repeat(this.exp(e.body, scope)));
      case 'Loop': {
        const body = this.exp(e.body, scope);
        return { ...body, completes: true };
      }
      case 'Try': {
        const body = this.exp(e.body, scope, tail);
        const handler = e.catchClause ? this.exp(e.catchClause.body, scope, tail) : undefined;
        // `catch` runs after a throw in the body; when every such throw comes after a commit (a reject of an
        // await), the handler's paths have committed too.
        const caught = body.failMust;
        const main = handler
          ? alt([
              { ...body, failMust: true },
              {
                ...handler,
                may: handler.may || body.may,
                normalMust: handler.normalMust || caught,
                exitMust: handler.exitMust || caught,
                failMust: handler.failMust || caught,
              },
            ])
          : body;
        return e.finallyBody ? seq(main, this.exp(e.finallyBody, scope)) : main;
      }
      case 'Throw':
        // A throw fails the computation: like a trap, not a normal ending.
        return seq(this.exp(e.operand, scope), THROWS);
      case 'Return': {
        const v = e.value ? this.exp(e.value, scope) : NONE;
        if (!v.completes) return v;
        if (e.value && isErrorValue(e.value)) return seq(v, DIVERGES);
        return {
          may: v.may,
          normalMust: true,
          exitMust: v.exitMust && v.normalMust,
          completes: false,
          failMust: v.failMust,
        };
      }
      case 'Assert': {
        const cond = unwrap(e.operand);
        const v = this.exp(e.operand, scope);
        return cond.kind === 'Lit' && cond.raw === 'false' ? seq(v, DIVERGES) : v;
      }
      case 'LetDec': {
        const init = e.init ? this.exp(e.init, scope) : NONE;
        const origin = e.init ? letOrigin(e.pattern, e.init, scope) : undefined;
        for (const b of boundNames(e.pattern))
          scope.define(b.name, { kind: 'local', nat: false, ...(origin ? { origin } : {}) });
        return e.elseBody ? seq(init, alt([NONE, this.exp(e.elseBody, scope)])) : init;
      }
      case 'Call': {
        const args = this.exp(e.arg, scope);
        if (isTrapPath(e.callee, scope)) return seq(args, DIVERGES);
        return seq(this.exp(e.callee, scope), args);
      }
      default:
        return this.children(e, scope);
    }
  }

  /** The sub-expressions of `e`, in order. */
  private children(e: A.Dec, scope: Scope): Eff {
    let out = NONE;
    A.forEachChild(e, (c) => {
      if (c.kind === 'ExpField') {
        if (c.value) out = seq(out, this.exp(c.value, scope));
        return;
      }
      if (c.kind === 'DecField') {
        out = seq(out, this.exp(c.dec, scope));
        return;
      }
      if (isDec(c)) out = seq(out, this.exp(c, scope));
    });
    return out;
  }

  private list(decs: A.Dec[], scope: Scope, tail = false): Eff {
    const home = scope.home;
    if (home) declareDecs(decs, scope, home.file, home.ctx);
    let out = NONE;
    decs.forEach((d, i) => {
      out = seq(out, this.exp(d, scope, tail && i === decs.length - 1));
    });
    return out;
  }
}

/**
 * `#err(…)`, `#Err(…)`, `#error …`, or a record carrying one (`{ args; result = #err(…) }`): a value that
 * reports a failure.
 */
function isErrorValue(e: A.Dec, depth = 0): boolean {
  if (e.kind === 'Return' || e.kind === 'Throw' || e.kind === 'LetDec' || e.kind === 'VarDec') return false;
  if (!isDec(e)) return false;
  const u = unwrap(e as A.Exp);
  if (u.kind === 'Tag') return /^(err|Err|error|Error)$/.test(u.name.name);
  if (u.kind === 'Object' && depth === 0)
    return u.fields.some((f) => f.value !== null && isErrorValue(f.value, depth + 1));
  return false;
}

/** `Debug.trap(…)`, `Runtime.trap(…)`, `Prim.trap(…)`, also through an import alias (`D.trap`). */
export function isTrapPath(callee: A.Exp, scope: Scope): boolean {
  const path = dottedPath(callee);
  if (!path || path.length !== 2 || path[1] !== 'trap') return false;
  const head = scope.lookup(path[0]);
  if (head === undefined) return /^(Debug|Runtime|Prim)$/.test(path[0]);
  return head.kind === 'module' && isTrapModule(head.importPath);
}
