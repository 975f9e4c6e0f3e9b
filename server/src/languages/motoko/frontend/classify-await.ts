/** The commit kind of one `await` / `await*` / `await?` and why (SPEC §2, Motoko). */
import * as path from 'node:path';
import type * as A from '../ast';
import type { CallInfo, CommitKind } from '../../../model/ir';
import type { AsyncStarSummaries } from './async-star';
import type { FuncRef, Scope } from './scope';
import { resolveCallee } from './scope';
import { sourceText, unwrap } from './syntax';

export interface AwaitClass {
  commit: CommitKind;
  reason: string;
  call?: CallInfo;
  /** The resolved callee function, when known. */
  callee?: FuncRef;
  /** `callee` is one of several functions that could run (an interface type's implementations). */
  ambiguous?: boolean;
}

/** `name (file.mo:line)`, for reasons. */
export function describeFunc(ref: FuncRef): string {
  const line = ref.file.lines.positionAt(ref.func.name?.start ?? ref.func.start).line + 1;
  return `\`${ref.name}\` (${path.basename(ref.file.path)}:${line})`;
}

function hasTimeout(p: A.ObjectExp | null): boolean {
  return p !== null && p.fields.some((f) => f.name.name === 'timeout');
}

export function classifyAwait(
  e: A.AwaitExp,
  scope: Scope,
  text: string,
  summaries: AsyncStarSummaries,
): AwaitClass {
  const operand = unwrap(e.operand);
  const what = sourceText(text, operand);
  if (e.op === 'await?') {
    return {
      commit: 'maybe',
      reason: `\`await?\` on \`${what}\` commits only if the future is still pending`,
    };
  }
  if (e.op === 'await*') return classifyAwaitStar(operand, scope, text, summaries);

  if (operand.kind === 'Async') {
    return {
      commit: 'commit',
      reason: '`await` of an `async` block: the block runs as its own message and this one resumes after it',
      call: { callee: 'async', wait: 'unknown', selfCall: true },
    };
  }
  if (operand.kind !== 'Call') {
    return {
      commit: 'commit',
      reason: `\`await\` on the future \`${what}\` made earlier: still a commit point (it commits even when the future has already completed)`,
    };
  }
  const calleeText = sourceText(text, operand.callee);
  const resolved = resolveCallee(operand.callee, scope);
  const found = resolved?.found;
  if (found?.kind === 'func' && found.func.asyncKind === 'async') {
    if (found.actorField) {
      return {
        commit: 'commit',
        reason: `self-call to \`${found.name}\`: it runs as its own message and this one resumes after it`,
        call: { callee: found.name, wait: 'unknown', selfCall: true, selfCallee: found.name },
        callee: found,
      };
    }
    return {
      commit: 'commit',
      reason: `call of the \`async\` function \`${calleeText}\`: it runs as its own message and this one resumes after it`,
      call: { callee: calleeText, wait: 'unknown', selfCall: true },
      callee: found,
    };
  }
  const bounded = hasTimeout(operand.parenthetical);
  return {
    commit: 'commit',
    reason: `inter-canister call to \`${calleeText}\`: a commit point`,
    call: { callee: calleeText, wait: bounded ? 'bounded' : 'unbounded', selfCall: false },
  };
}

function classifyAwaitStar(
  operand: A.Exp,
  scope: Scope,
  text: string,
  summaries: AsyncStarSummaries,
): AwaitClass {
  const what = sourceText(text, operand.kind === 'Call' ? operand.callee : operand);
  const t = summaries.classify(operand, scope);
  const ref = t.callee;
  const d = ref ? `\`await*\` of \`async*\` ${describeFunc(ref)}` : `\`await*\` of \`${what}\``;
  if (t.why !== undefined) {
    const reason =
      ref && ref.func.asyncKind !== 'async*'
        ? `\`await*\` of ${describeFunc(ref)}, which is not declared \`async*\`: it may be a commit point`
        : `${d}: the callee is unknown (${t.why}): it may be a commit point`;
    return { commit: t.kind, reason, ...(ref ? { callee: ref } : {}) };
  }
  const byType = t.implementations
    ? ` (the receiver's type is implemented by ${t.implementations})`
    : t.byTypeOnly
      ? " (the method is found through the receiver's declared type)"
      : '';
  const reason =
    t.kind === 'none'
      ? `${d}, which never awaits: it runs inline, not a commit point`
      : t.kind === 'commit'
        ? `${d}${byType}, which awaits on every path that ends normally: a commit point`
        : t.bounded !== undefined
          ? `${d}: the analysis stopped at ${t.bounded}: it may be a commit point`
          : `${d}${byType}, which awaits on some paths only (or calls code that may): a commit point on those paths`;
  return {
    commit: t.kind,
    reason,
    ...(ref ? { callee: ref } : {}),
    ...(t.ambiguous ? { ambiguous: true } : {}),
  };
}
