/**
 * Whether an `async*` function's body commits: on every path (`commit`), on some (`maybe`), on none (`none`).
 * `await*` of such a function runs its body inline, so its awaits decide. Nested `await*` resolve recursively;
 * a cycle contributes nothing.
 */
import * as A from '../ast';
import type { CommitKind } from '../../../model/ir';
import { type FuncRef, type ModuleContext, Scope, declareDecs, resolveCallee } from './scope';
import { boundNames, functionBody, unwrap } from './syntax';

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
}

const NONE: Eff = { may: false, normalMust: false, exitMust: true, completes: true };
const COMMIT: Eff = { may: true, normalMust: true, exitMust: true, completes: true };
const MAYBE: Eff = { may: true, normalMust: false, exitMust: true, completes: true };
const DIVERGES: Eff = { may: false, normalMust: true, exitMust: true, completes: false };

function seq(a: Eff, b: Eff): Eff {
  if (!a.completes) return a;
  return {
    may: a.may || b.may,
    normalMust: a.normalMust || b.normalMust,
    exitMust: a.exitMust && (a.normalMust || b.exitMust),
    completes: b.completes,
  };
}

function alt(arms: Eff[]): Eff {
  const completing = arms.filter((a) => a.completes);
  return {
    may: arms.some((a) => a.may),
    normalMust: completing.every((a) => a.normalMust),
    exitMust: arms.every((a) => a.exitMust),
    completes: completing.length > 0,
  };
}

/** Zero or more iterations. */
function repeat(body: Eff): Eff {
  return { may: body.may, normalMust: false, exitMust: body.exitMust, completes: true };
}

function kindOf(e: Eff): CommitKind {
  if (!e.may) return 'none';
  return (!e.completes || e.normalMust) && e.exitMust ? 'commit' : 'maybe';
}

const NON_EXP = /Pat$|Type$|^Ident$|^TypeBind$|^TypeField$|^TypeTag$|^PatField$|^Comment$/;

function isDec(n: A.Node): n is A.Dec {
  return !NON_EXP.test(n.kind) && !['Case', 'Catch', 'Program', 'ExpField', 'DecField'].includes(n.kind);
}

export class AsyncStarSummaries {
  private readonly memo = new Map<A.Func, CommitKind>();
  private readonly active = new Set<A.Func>();

  constructor(private readonly ctx: ModuleContext) {}

  /** The commit kind of running `ref`'s body. */
  summarize(ref: FuncRef): CommitKind {
    const done = this.memo.get(ref.func);
    if (done) return done;
    if (this.active.has(ref.func)) return 'none';
    this.active.add(ref.func);
    const scope = ref.scope.child();
    for (const p of ref.func.params)
      for (const b of boundNames(p)) scope.define(b.name, { kind: 'local', nat: false });
    let kind: CommitKind;
    try {
      kind = kindOf(this.exp(functionBody(ref.func), scope, ref));
    } finally {
      this.active.delete(ref.func);
    }
    this.memo.set(ref.func, kind);
    return kind;
  }

  /** Effect of `await* e` for an `await*` found inside a body. */
  private awaitStar(operand: A.Exp, scope: Scope): Eff {
    const u = unwrap(operand);
    if (u.kind !== 'Call') return MAYBE;
    const r = resolveCallee(u.callee, scope);
    if (r?.found?.kind === 'func' && r.found.func.asyncKind === 'async*') {
      const k = this.summarize(r.found);
      return k === 'commit' ? COMMIT : k === 'maybe' ? MAYBE : NONE;
    }
    return MAYBE;
  }

  private exp(e: A.Dec, scope: Scope, ref: FuncRef): Eff {
    switch (e.kind) {
      case 'Await': {
        const operand = this.exp(e.operand, scope, ref);
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
              ref,
            )
          : NONE;
      case 'Block':
        return this.list(e.decs, scope.child(), ref);
      case 'Do':
      case 'DoOpt':
        return this.exp(e.body, scope, ref);
      case 'If':
        return seq(
          this.exp(e.cond, scope, ref),
          alt([this.exp(e.thenBranch, scope, ref), e.elseBranch ? this.exp(e.elseBranch, scope, ref) : NONE]),
        );
      case 'Switch':
        return seq(this.exp(e.scrutinee, scope, ref), alt(e.cases.map((c) => this.exp(c.body, scope, ref))));
      case 'Logical':
        return seq(this.exp(e.left, scope, ref), alt([this.exp(e.right, scope, ref), NONE]));
      case 'While':
        return seq(this.exp(e.cond, scope, ref), repeat(this.exp(e.body, scope, ref)));
      case 'For':
        return seq(this.exp(e.iterable, scope, ref), repeat(this.exp(e.body, scope, ref)));
      case 'Loop': {
        const body = this.exp(e.body, scope, ref);
        return { ...body, completes: true };
      }
      case 'Try': {
        const body = this.exp(e.body, scope, ref);
        const handler = e.catchClause ? this.exp(e.catchClause.body, scope, ref) : undefined;
        // A reject reaches `catch` from an await that already committed.
        const main = handler
          ? alt([
              body,
              { ...handler, may: handler.may || body.may, normalMust: handler.normalMust || body.may },
            ])
          : body;
        return e.finallyBody ? seq(main, this.exp(e.finallyBody, scope, ref)) : main;
      }
      case 'Return':
      case 'Throw': {
        const valueExp = e.kind === 'Return' ? e.value : e.operand;
        const v = valueExp ? this.exp(valueExp, scope, ref) : NONE;
        if (!v.completes) return v;
        return { may: v.may, normalMust: true, exitMust: v.exitMust && v.normalMust, completes: false };
      }
      case 'LetDec': {
        const init = e.init ? this.exp(e.init, scope, ref) : NONE;
        for (const b of boundNames(e.pattern)) scope.define(b.name, { kind: 'local', nat: false });
        return e.elseBody ? seq(init, alt([NONE, this.exp(e.elseBody, scope, ref)])) : init;
      }
      case 'Call': {
        const path = unwrap(e.callee);
        const args = this.exp(e.arg, scope, ref);
        if (
          path.kind === 'Dot' &&
          path.name.name === 'trap' &&
          path.object.kind === 'Var' &&
          /^(Debug|Runtime|Prim)$/.test(path.object.name)
        ) {
          return seq(args, DIVERGES);
        }
        return seq(this.exp(e.callee, scope, ref), args);
      }
      default: {
        let out = NONE;
        A.forEachChild(e, (c) => {
          if (NON_EXP.test(c.kind)) return;
          if (c.kind === 'ExpField') {
            if (c.value) out = seq(out, this.exp(c.value, scope, ref));
            return;
          }
          if (c.kind === 'DecField') {
            out = seq(out, this.exp(c.dec, scope, ref));
            return;
          }
          if (isDec(c)) out = seq(out, this.exp(c, scope, ref));
        });
        return out;
      }
    }
  }

  private list(decs: A.Dec[], scope: Scope, ref: FuncRef): Eff {
    declareDecs(decs, scope, ref.file, this.ctx);
    let out = NONE;
    for (const d of decs) out = seq(out, this.exp(d, scope, ref));
    return out;
  }
}
