/**
 * Control flow: `if`/`switch` (with the failure arms and unknown-outcome checks the rules look for), the
 * `else` of `let … else`, loops, `try`/`catch`/`finally`, `return` and `throw`. Arms inherit how the whole
 * expression's value is used (`Mode`), so an arm's last expression can be the function's result.
 */
import type * as A from '../ast';
import { patternPaths } from './closures';
import { keyedAlias } from './lower-state';
import type { BranchNode, Node, Val } from '../../../model/ir';
import type { BodyLowerer, Mode } from './lower-body';
import { EMPTY, union } from './lower-val';
import type { Scope } from './scope';
import { boundNames, irrefutable, isNatType, patternTags, sourceText } from './syntax';

/** `switch` arms that handle a failed call (`#err`, `#Rejected`, … or the catch-all next to an `#ok` arm). */
const FAILURE_TAGS = /^(err|Err|error|Error|rejected|Rejected|failure|Failure)$/;
const SUCCESS_TAGS = /^(ok|Ok|success|Success)$/;
/** A condition that tells whether a call's outcome is unknown (it may have run although it failed). */
const UNKNOWN_OUTCOME = /system_unknown|SysUnknown|isRetryPossible|#call_error|call_error|isCleanReject/;

/** `if` and `switch`: a branch node; a `switch` binds each arm's pattern variables from the scrutinee. */
export function lowerBranch(
  lw: BodyLowerer,
  e: A.IfExp | A.SwitchExp,
  out: Node[],
  scope: Scope,
  mode: Mode,
): Val {
  const { ctx } = lw;
  const arm = (body: A.Exp, armScope: Scope, prefix: Node[] = []): { nodes: Node[]; value: Val } => {
    const value = lw.inMode(body, prefix, armScope, mode);
    return { nodes: prefix, value };
  };
  if (e.kind === 'If') {
    const cond = lw.value(e.cond, out, scope, 'matched');
    const arms = [arm(e.thenBranch, scope.child())];
    if (e.elseBranch) arms.push(arm(e.elseBranch, scope.child()));
    const node: BranchNode = {
      kind: 'branch',
      cond,
      arms: arms.map((a) => a.nodes),
      exhaustive: e.elseBranch !== null,
      range: ctx.range(e),
    };
    if (UNKNOWN_OUTCOME.test(sourceText(ctx.text, e.cond))) node.unknownOutcomeCheck = true;
    out.push(node);
    return union(cond, ...arms.map((a) => a.value));
  }
  const cond = lw.value(e.scrutinee, out, scope, 'matched');
  const tags = e.cases.map((c) => patternTags(c.pattern));
  const hasSuccess = tags.some((t) => t.some((x) => SUCCESS_TAGS.test(x)));
  const failureArms = e.cases.map(
    (c, i) =>
      tags[i].some((x) => FAILURE_TAGS.test(x)) ||
      (hasSuccess && tags[i].length === 0 && irrefutable(c.pattern)),
  );
  const alias = keyedAlias(lw, e.scrutinee, scope);
  const arms = e.cases.map((c) => {
    const armScope = scope.child();
    const prefix: Node[] = [];
    const paths = patternPaths(c.pattern);
    for (const b of boundNames(c.pattern)) {
      const path = paths.get(b.name);
      const source = path ? { init: e.scrutinee, path, scope } : undefined;
      const name = lw.define(armScope, b.name, isNatType(b.type), null, undefined, source);
      if (alias) lw.aliases.set(name, alias);
      prefix.push({ kind: 'local', name, value: cond, range: ctx.range(b.ident) });
    }
    return arm(c.body, armScope, prefix);
  });
  const node: BranchNode = {
    kind: 'branch',
    cond,
    arms: arms.map((a) => a.nodes),
    exhaustive: true,
    range: ctx.range(e),
  };
  if (failureArms.some((x) => x)) node.failureArms = failureArms;
  const patterns = e.cases.map((c) => sourceText(ctx.text, c.pattern)).join(' ');
  if (UNKNOWN_OUTCOME.test(`${sourceText(ctx.text, e.scrutinee)} ${patterns}`))
    node.unknownOutcomeCheck = true;
  out.push(node);
  return union(cond, ...arms.map((a) => a.value));
}

/** `let <pattern> = v else { … }`: a branch whose second arm (the `else`) runs when the pattern fails. */
export function lowerLetElse(lw: BodyLowerer, e: A.LetDec, v: Val, out: Node[], scope: Scope): void {
  if (!e.elseBody) return;
  const elseArm: Node[] = [];
  lw.stmt(e.elseBody, elseArm, scope);
  const branch: BranchNode = {
    kind: 'branch',
    cond: v,
    arms: [[], elseArm],
    exhaustive: true,
    range: lw.ctx.range(e),
  };
  if (UNKNOWN_OUTCOME.test(sourceText(lw.ctx.text, e.pattern))) branch.unknownOutcomeCheck = true;
  out.push(branch);
}

/** `try`/`catch`/`finally`; the `catch` binds the error (which depends on nothing we track). */
export function lowerTry(lw: BodyLowerer, e: A.TryExp, out: Node[], scope: Scope, mode: Mode): Val {
  const body: Node[] = [];
  const v = lw.inMode(e.body, body, scope, mode);
  const node: Node = { kind: 'try', body, range: lw.ctx.range(e) };
  if (e.catchClause) {
    const c = e.catchClause;
    const inner = scope.child();
    const catchBody: Node[] = [];
    for (const b of boundNames(c.pattern)) {
      const name = lw.define(inner, b.name, false);
      catchBody.push({ kind: 'local', name, value: EMPTY, range: lw.ctx.range(b.ident) });
    }
    lw.inMode(c.body, catchBody, inner, mode);
    node.catchBody = catchBody;
  }
  if (e.finallyBody) {
    const fin: Node[] = [];
    lw.stmt(e.finallyBody, fin, scope);
    node.finallyBody = fin;
  }
  out.push(node);
  return v;
}

/** `while`, `loop` (… `while`) and `for`: a loop node whose body includes the re-evaluated condition. */
export function lowerLoop(
  lw: BodyLowerer,
  e: A.WhileExp | A.LoopExp | A.ForExp,
  out: Node[],
  scope: Scope,
): Val {
  const range = lw.ctx.range(e);
  if (e.kind === 'While') {
    const cond = lw.value(e.cond, out, scope, 'matched');
    const body: Node[] = [];
    lw.stmt(e.body, body, scope);
    // The condition is evaluated again before each further iteration.
    lw.value(e.cond, body, scope, 'matched');
    out.push({ kind: 'loop', cond, body, range });
    return EMPTY;
  }
  if (e.kind === 'Loop') {
    const body: Node[] = [];
    lw.stmt(e.body, body, scope);
    if (e.whileCond) lw.value(e.whileCond, body, scope, 'matched');
    out.push({ kind: 'loop', body, range });
    return EMPTY;
  }
  const iter = lw.value(e.iterable, out, scope);
  const inner = scope.child();
  const body: Node[] = [];
  // Each iteration binds the pattern's variables from the iterated value.
  for (const b of boundNames(e.pattern)) {
    const name = lw.define(inner, b.name, isNatType(b.type));
    body.push({ kind: 'local', name, value: iter, range: lw.ctx.range(b.ident) });
  }
  lw.stmt(e.body, body, inner);
  out.push({ kind: 'loop', body, range });
  return EMPTY;
}

/** `return` and `throw`: an exit carrying the value that leaves the function. */
export function lowerExit(lw: BodyLowerer, e: A.ReturnExp | A.ThrowExp, out: Node[], scope: Scope): Val {
  if (e.kind === 'Return') {
    const v = e.value ? lw.value(e.value, out, scope) : undefined;
    out.push({ kind: 'exit', how: 'return', range: lw.ctx.range(e), ...(v ? { value: v } : {}) });
    return EMPTY;
  }
  const v = lw.value(e.operand, out, scope);
  out.push({ kind: 'exit', how: 'throw', value: v, range: lw.ctx.range(e) });
  return EMPTY;
}
