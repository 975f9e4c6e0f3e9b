/**
 * `await` / `await*`: the commit points. Each becomes an `await` node (classified by `classify-await.ts`) and,
 * unless lowering quietly for a helper summary, the editor annotation of its keyword. The arguments are
 * evaluated before the message is suspended; an `await*` of the file's own `async*` function runs its body inline.
 */
import type * as A from '../ast';
import type { AwaitNode, Node, ResultHandling, Val } from '../../../model/ir';
import { classifyAwait } from './classify-await';
import type { BodyLowerer } from './lower-body';
import { inlineHelper } from './lower-inline';
import { inlineAsyncStar } from './lower-inline-async-star';
import { stateRef } from './lower-state';
import { EMPTY, union } from './lower-val';
import type { Scope } from './scope';
import { returnsAsyncUnit, unwrap } from './syntax';
import { calleeReturnsAsyncUnit } from './types';

/** Lowers an await; `statement` when its result is dropped (`unit` handling if the callee returns `()`). */
export function lowerAwait(
  lw: BodyLowerer,
  e: A.AwaitExp,
  out: Node[],
  scope: Scope,
  handling: ResultHandling,
  statement: boolean,
): Val {
  const operand = unwrap(e.operand);
  const { ctx } = lw;
  let args: Val;
  let argVals: Val[] = [];
  if (operand.kind === 'Call') {
    argVals = operand.args.map((a) => lw.value(a, out, scope));
    const callee = unwrap(operand.callee);
    // `state.method(…)` as callee object (an actor held in state) is a read of it.
    const calleeVal = callee.kind === 'Dot' ? lw.value(callee.object, out, scope) : EMPTY;
    args = union(calleeVal, ...argVals);
  } else if (operand.kind === 'Async') {
    if (!lw.quiet) ctx.queue(lw.fnName, operand, scope);
    args = EMPTY;
  } else {
    args = lw.value(operand, out, scope);
  }
  const cls = classifyAwait(e, scope, ctx.text, ctx.summaries);
  const keywordRange = ctx.rangeOf(e.start, e.start + e.op.length);
  if (!lw.quiet && !ctx.annotations.has(e)) {
    ctx.annotate(e, {
      range: keywordRange,
      keyword: e.op,
      commit: cls.commit,
      reason: cls.reason,
      functionName: lw.fnName,
    });
  }
  let reason = cls.reason;
  // `await*` runs the `async*` body inline, in this message: its own awaits are the commit points (also for a
  // body in another file: a module's function, a method of a class or object).
  if (
    e.op === 'await*' &&
    cls.callee?.func.asyncKind === 'async*' &&
    !cls.ambiguous &&
    operand.kind === 'Call'
  ) {
    // The actor's state given as an argument (`await* Lib.withdraw(state, …)`) is that state inside the body.
    const stateArgs = operand.args.map((a) => stateRef(a, scope));
    const inlined = inlineAsyncStar(lw, cls.callee, keywordRange, argVals, out, stateArgs);
    if ('value' in inlined) return inlined.value;
    // Recursion or deep nesting: the body's accesses, summarised, and the await as one commit point.
    inlineHelper(lw, cls.callee, operand, out, scope, argVals, stateArgs);
    reason = `${reason} (its body is not run inline here: ${inlined.notInlined}; its state accesses are summarised at the \`await*\`)`;
  }
  if (statement) {
    const unit = cls.callee
      ? returnsAsyncUnit(cls.callee.func)
      : operand.kind === 'Call' && calleeReturnsAsyncUnit(operand.callee, scope, ctx.typeDecs);
    handling = unit ? 'unit' : 'ignored';
  }
  const id = ctx.id();
  const node: AwaitNode = {
    kind: 'await',
    id,
    keyword: e.op,
    commit: cls.commit,
    reason,
    exprRange: ctx.range(e.operand),
    handling,
    args,
    range: keywordRange,
  };
  if (cls.call) node.call = cls.call;
  out.push(node);
  // The body of an `async` function of a class, object or module runs as its own message between this commit
  // point and the resumption: its state accesses come after the commit point (a duplicate-vote check made
  // before the await is acted on there, in the callee, not at some later write of this method).
  if (
    e.op === 'await' &&
    operand.kind === 'Call' &&
    cls.callee?.func.asyncKind === 'async' &&
    !cls.callee.actorField &&
    !cls.ambiguous
  ) {
    inlineHelper(lw, cls.callee, operand, out, scope, argVals, [], true);
  }
  return { reads: [], locals: [], awaits: [id] };
}
