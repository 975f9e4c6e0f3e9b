/**
 * Declarations inside a body: `let` (tracking locals bound from the caller, `let … else`, and `async*`
 * values that are bound but never awaited), `var`, and local objects/classes, whose member functions are
 * queued to be lowered later for their await annotations (they run when called, not here).
 */
import type * as A from '../ast';
import { patternPaths } from './closures';
import { keyedAlias } from './lower-state';
import type { Node } from '../../../model/ir';
import type { BodyLowerer } from './lower-body';
import { lowerLetElse } from './lower-control';
import { EMPTY } from './lower-val';
import { type Scope, declareDecs, letOrigin, resolveCallee } from './scope';
import { boundNames, isNatType, sourceText, unwrap } from './syntax';

/** `let p = e` (not a local function): the pattern's names become locals holding the value of `e`. */
export function lowerLet(lw: BodyLowerer, e: A.LetDec, out: Node[], scope: Scope): void {
  const init = e.init ? unwrap(e.init) : undefined;
  if (init?.kind === 'Func') {
    // A local function: its body runs when called (lowered for annotations).
    if (!lw.quiet) lw.ctx.queue(boundNames(e.pattern)[0]?.name ?? lw.fnName, init, scope);
    return;
  }
  const v = e.init ? lw.value(e.init, out, scope, 'bound') : EMPTY;
  const names = boundNames(e.pattern);
  checkBoundAsyncStar(lw, e, init, names, scope, out);
  lowerLetElse(lw, e, v, out, scope);
  // `let who = msg.caller` (or a copy of such a name): `who` is the caller too, e.g. as a map key.
  const fromCaller =
    init !== undefined &&
    ((init.kind === 'Dot' &&
      init.name.name === 'caller' &&
      init.object.kind === 'Var' &&
      lw.callerRecords.includes(init.object.name)) ||
      (init.kind === 'Var' && lw.callerNames.includes(init.name)));
  const initType = e.init?.kind === 'Annot' ? e.init.type : null;
  const origin = e.init && names.length === 1 ? letOrigin(e.pattern, e.init, scope) : undefined;
  const alias = e.init && names.length === 1 ? keyedAlias(lw, e.init, scope) : undefined;
  // Where each name sits in the value (`let { finalize } = prepare(…)`), for a later call of it (closures.ts).
  const paths = patternPaths(e.pattern);
  for (const b of names) {
    const path = paths.get(b.name);
    const source = e.init && path ? { init: e.init, path, scope } : undefined;
    const name = lw.define(scope, b.name, isNatType(b.type ?? initType), b.type ?? initType, origin, source);
    if (alias) lw.aliases.set(name, alias);
    if (fromCaller && !lw.callerNames.includes(b.name)) lw.callerNames.push(b.name);
    out.push({ kind: 'local', name, value: v, range: lw.ctx.range(b.ident) });
  }
}

/** `let x = f()` with `f` an `async*` function and no later `await* x` in the function: it never runs. */
function checkBoundAsyncStar(
  lw: BodyLowerer,
  e: A.LetDec,
  init: A.Exp | undefined,
  names: { name: string }[],
  scope: Scope,
  out: Node[],
): void {
  if (init?.kind !== 'Call' || names.length !== 1) return;
  const fn = resolveCallee(init.callee, scope)?.found;
  if (fn?.kind !== 'func' || fn.func.asyncKind !== 'async*') return;
  const rest = lw.ctx.text.slice(e.end, Math.max(e.end, lw.funcEnd));
  const name = names[0].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const used = new RegExp(`\\b${name}\\b`).test(rest);
  if (used) return;
  out.push({
    kind: 'unawaited-async-star',
    callee: sourceText(lw.ctx.text, init.callee),
    range: lw.ctx.range(init),
  });
}

/** `var x = e`: a local (a `Nat` one when annotated so or initialised with a natural literal). */
export function lowerVar(lw: BodyLowerer, e: A.VarDec, out: Node[], scope: Scope): void {
  const v = e.init ? lw.value(e.init, out, scope) : EMPTY;
  const init = e.init ? unwrap(e.init) : undefined;
  const nat = isNatType(e.type) || (!e.type && init?.kind === 'Lit' && init.litKind === 'nat');
  const origin = { type: e.type, ...(e.init ? { init: e.init } : {}), scope, exact: false };
  const name = lw.define(scope, e.name.name, nat, null, origin);
  out.push({ kind: 'local', name, value: v, range: lw.ctx.range(e.name) });
}

/** Queues the member functions of a local object, class or mixin (named `Owner.member`) to be lowered later. */
export function queueMembers(lw: BodyLowerer, e: A.ObjectDec | A.ClassDec | A.MixinDec, scope: Scope): void {
  const inner = scope.child();
  if (e.kind !== 'ObjectDec') {
    for (const p of e.kind === 'MixinDec' ? [e.param] : e.params) {
      // A parameter's declared type says which class or object it is (`icrc84 : Ledger.Ledger`).
      for (const b of boundNames(p))
        lw.define(inner, b.name, isNatType(b.type), null, { type: b.type, scope, exact: false });
    }
  }
  declareDecs(
    e.fields.map((f) => f.dec),
    inner,
    lw.ctx.file,
    lw.ctx.modules,
  );
  const owner = e.kind === 'MixinDec' ? undefined : e.name?.name;
  const qualified = (n: string | undefined) => (owner && n ? `${owner}.${n}` : (n ?? owner ?? lw.fnName));
  for (const f of e.fields) {
    const d = f.dec;
    if (d.kind === 'Func') lw.ctx.queue(qualified(d.name?.name), d, inner);
    else if (d.kind === 'ObjectDec' || d.kind === 'ClassDec') queueMembers(lw, d, inner);
    else if (d.kind === 'LetDec' || d.kind === 'VarDec') {
      // Field initialisers of objects/classes: lowered for their awaits/lambdas only.
      const init = d.init ? unwrap(d.init) : undefined;
      const bound = d.kind === 'VarDec' ? d.name.name : boundNames(d.pattern)[0]?.name;
      if (init?.kind === 'Func') lw.ctx.queue(qualified(bound), init, inner);
      else if (init) lw.exp(init, [], inner);
    }
  }
}
