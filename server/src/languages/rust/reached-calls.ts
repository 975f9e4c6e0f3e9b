/**
 * The inter-canister calls an await reaches: its own call, and for a workspace function every call that
 * function makes, transitively. A rule that asks whether value moves between a check and its act (a transfer
 * hidden in `claim_reward(…).await`) reads them from `AwaitNode.reaches`.
 */
import type { ReachedCall } from '../../model/ir';
import type { Future } from './awaits';
import type { SummaryMap } from './summaries';
import { field, namedKids, type SyntaxNode } from './syntax';

/** Enough to name every call of a helper chain; few enough to keep the model small. */
export const MAX_REACHED = 16;
const MAX_TEXT = 160;
const LEFT_OUT = '…';

/**
 * An argument naming this canister itself as where the value goes (`destination_id: id()`,
 * `to: canister_self()`): the callee is asked to send value here.
 */
const TO_SELF =
  /\b(?:destination(?:_id)?|to|recipient)\s*:\s*(?:(?:ic_cdk::)?(?:api::)?)?(?:id|canister_self)\(\s*\)/;

/** A pull by allowance (`transfer_from`): value moves here from a third party, who pays each time. */
const PULL = /transfer_from/i;

/** The calls awaiting `future` (written `inner`) reaches, its own first. */
export function reachedCalls(
  inner: SyntaxNode,
  future: Future | undefined,
  summaries: SummaryMap,
): ReachedCall[] {
  const text = inner.text.replace(/\s+/g, ' ');
  const wrapper = future?.kind === 'local';
  const nested = wrapper ? (summaries.get(future.fn)?.calls ?? []) : [];
  // A workspace function stands for the calls it makes: all of them asking for value to come here, so does it.
  const calls = nested.filter((c) => !c.wrapper);
  const toSelf = wrapper ? calls.length > 0 && calls.every((c) => c.toSelf) : asksToSelf(inner, text);
  const own: ReachedCall = {
    callee: text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text,
    ...(toSelf ? { toSelf: true as const } : {}),
    ...(wrapper ? { wrapper: true as const } : {}),
    // A closure's future, an async block, a future this analysis cannot trace, a workspace function whose
    // summary lists no call (not summarised yet, in a cycle of calls): its calls are not known here.
    ...((!wrapper && future?.kind !== 'api') || (wrapper && !nested.length) ? { opaque: true as const } : {}),
  };
  return mergeCalls([own], nested);
}

/** `into` with the calls of `more` it does not have yet, capped. */
export function mergeCalls(into: ReachedCall[], more: ReachedCall[]): ReachedCall[] {
  const out = [...into];
  const same = (a: ReachedCall, b: ReachedCall) =>
    a.callee === b.callee &&
    !!a.toSelf === !!b.toSelf &&
    !!a.wrapper === !!b.wrapper &&
    !!a.opaque === !!b.opaque;
  for (const c of more) {
    if (out.some((o) => same(o, c))) continue;
    // Left out: the list no longer names every call. The marker goes after the calls kept, not over one of
    // them (a transfer it replaced would be lost).
    if (out.length >= MAX_REACHED) {
      if (!out.some((o) => o.callee === LEFT_OUT)) out.push({ callee: LEFT_OUT, opaque: true });
      break;
    }
    out.push(c);
  }
  return out;
}

/** The call's arguments, or a local they name bound just before, say the value comes to this canister. */
function asksToSelf(inner: SyntaxNode, text: string): boolean {
  if (PULL.test(text)) return false;
  if (TO_SELF.test(text)) return true;
  const named = [...text.matchAll(/\bwith_args?\(\s*&?\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s*,?\s*\)?\s*\)/g)];
  return named.some((m) => TO_SELF.test(boundExpression(inner, m[1]) ?? ''));
}

/** The expression of the nearest `let <name> = …;` before `at` in an enclosing block. */
function boundExpression(at: SyntaxNode, name: string): string | undefined {
  for (let n: SyntaxNode | null = at; n; n = n.parent) {
    const block = n.parent;
    if (!block || block.type !== 'block') continue;
    const start = n.startIndex;
    const before = namedKids(block).filter((k) => k.endIndex <= start);
    for (const s of before.reverse()) {
      if (s.type !== 'let_declaration' || field(s, 'pattern')?.text !== name) continue;
      return field(s, 'value')?.text;
    }
  }
  return undefined;
}
