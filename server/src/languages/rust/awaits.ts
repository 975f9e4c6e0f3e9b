/**
 * What an `.await` waits for and what that means: the kind of future (a call API, a workspace `async fn`, an
 * async block, something unknown), its commit classification with the reason shown to the user, and how the
 * code consumes the result.
 */
import type { CallInfo, CommitKind, Node, ResultHandling, Val } from '../../model/ir';
import type { ApiMatch } from './call-apis';
import type { FnInfo } from './crate-index';
import type { ParamAwait, SummaryMap } from './summaries';
import type { CommitSummary } from '../../model/commit-paths';
import type { TowerVal } from './tower-services';
import { field, namedKids, type SyntaxNode } from './syntax';

export type Future =
  | { kind: 'api'; api: ApiMatch; callee: string }
  /** `after` emits what the callee does after its own commit point, right after the `.await` on it. */
  | {
      kind: 'local';
      fn: FnInfo;
      callee: string;
      after?: (out: Node[]) => Val;
      /** For a higher-order callee: its commits given the futures of the arguments it awaits. */
      withArgs?: CommitSummary;
      /** Parameters of the caller handed on to the callee, which awaits them (`id` is set at the await). */
      forwards?: ParamAwait[];
      /** The callee's crate, when it is another crate of the workspace than the caller's (for reasons). */
      crate?: string;
    }
  /** The future of a parameter (`fut.await`, `f().await`): each call site's argument decides. */
  | { kind: 'param'; index: number; name: string }
  /** `after`: for a call dispatched to a trait's impls, what they do after their own commit points. */
  | {
      kind: 'block';
      commit: CommitKind;
      reason: string;
      call?: CallInfo;
      api?: string;
      after?: (out: Node[]) => Val;
    }
  | { kind: 'unknown'; name: string }
  /** A tower service stack or its layers: not awaitable itself; calling the service gives the future. */
  | { kind: 'tower'; tower: TowerVal };

/** Commit kind and reason of an awaited future; `api` names the call API it reaches, for summaries. */
export function classifyAwait(
  future: Future | undefined,
  inner: SyntaxNode,
  summaries: SummaryMap,
): { commit: CommitKind; reason: string; call?: CallInfo; api?: string } {
  const text = inner.text.replace(/\s+/g, ' ');
  const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  if (!future) {
    return {
      commit: 'maybe',
      reason: `\`.await\` on \`${shown}\`, a future this analysis cannot trace: it may make an inter-canister call`,
    };
  }
  switch (future.kind) {
    case 'api': {
      const call: CallInfo = { callee: shown, wait: future.api.wait, selfCall: false };
      const reason = future.api.configured
        ? `\`.await\` on \`${future.callee}\`, configured in \`commitPoints.rust.extraCallFunctions\` as an inter-canister call: a commit point`
        : `\`.await\` on \`${future.api.api}\`, an inter-canister call: a commit point`;
      return { commit: 'commit', reason, call, api: future.api.api };
    }
    case 'local':
      return classifyLocal(future.fn, shown, summaries, future.withArgs, future.crate);
    case 'param':
      return {
        commit: 'maybe',
        reason: `\`.await\` on a future that comes from parameter \`${future.name}\`: each caller's argument decides whether it is a commit point`,
      };
    case 'block':
      return {
        commit: future.commit,
        reason: future.reason,
        ...(future.call ? { call: future.call, api: future.api } : {}),
      };
    case 'tower':
    case 'unknown':
      return {
        commit: 'maybe',
        reason: `\`.await\` on \`${future.kind === 'tower' ? shown : future.name}\`, a future from outside the workspace that is not a known inter-canister call API: it may be a commit point`,
      };
  }
}

/** An `.await` on a workspace function's future takes the function's four-valued summary (SPEC §2). */
function classifyLocal(
  fn: FnInfo,
  shown: string,
  summaries: SummaryMap,
  withArgs?: CommitSummary,
  crate?: string,
): { commit: CommitKind; reason: string; call?: CallInfo; api?: string } {
  const where = `${crate ? `crate \`${crate}\`, ` : ''}${fn.file.shownPath ?? fn.file.path}:${fn.line}${withArgs ? ', with the future its argument gives it' : ''}`;
  const summary = summaries.get(fn);
  const through = summary?.call?.api;
  const call: CallInfo | undefined = summary?.call
    ? { callee: shown, wait: summary.call.wait, selfCall: false }
    : undefined;
  switch (withArgs ?? summary?.commits ?? 'unknown') {
    case 'must':
      return {
        commit: 'commit',
        reason: `\`.await\` on \`${fn.name}\` (${where}), which calls \`${through ?? 'another canister'}\` on every path that succeeds: a commit point`,
        ...(call && through ? { call, api: through } : {}),
      };
    case 'may':
      return {
        commit: 'maybe',
        reason: `\`.await\` on \`${fn.name}\` (${where}), which calls \`${through ?? 'another canister'}\` on some paths only: it may be a commit point`,
      };
    case 'unknown':
      return {
        commit: 'maybe',
        reason: `\`.await\` on \`${fn.name}\` (${where}), which awaits a future this analysis cannot trace: it may be a commit point`,
      };
    case 'never':
      return {
        commit: 'none',
        reason: `\`.await\` on local \`async fn ${fn.name}\` (${where}) which makes no inter-canister call on any path: it runs to completion within this message`,
      };
  }
}

export /** How the awaited result is consumed, from the syntax around the `.await`. */
function handlingOf(awaitNode: SyntaxNode): ResultHandling {
  let n = awaitNode;
  for (let p = n.parent; p; p = n.parent) {
    if (p.type === 'parenthesized_expression') {
      n = p;
      continue;
    }
    if (p.type === 'try_expression') return 'propagated';
    if (p.type === 'field_expression' && p.parent?.type === 'call_expression') {
      const method = field(p, 'field')?.text ?? '';
      if (method === 'unwrap' || method === 'expect') return 'unwrapped';
      if (/^(map_err|map|ok|err|context|with_context|and_then|or_else)$/.test(method)) {
        n = p.parent;
        continue;
      }
      return 'bound';
    }
    if (p.type === 'expression_statement') {
      // A `match`/`if` without `;` at the end of a block is still the block's value.
      const tail = p.parent?.type === 'block' && p.lastChild?.type !== ';' && isTail(p.parent, p);
      if (!tail) return 'ignored';
      n = p;
      continue;
    }
    if (p.type === 'let_declaration') {
      const pattern = field(p, 'pattern');
      return !pattern || pattern.text === '_' ? 'ignored' : 'bound';
    }
    if (p.type === 'match_expression' || p.type === 'let_condition') return 'matched';
    if (p.type === 'return_expression') return 'returned';
    // The value of an arm or a branch is the value of the `match`/`if` it is in.
    if ((p.type === 'match_arm' && field(p, 'value')?.id === n.id) || p.type === 'else_clause') {
      n = p.type === 'match_arm' ? (p.parent?.parent ?? p) : p;
      continue;
    }
    if (p.type === 'if_expression' && n.type !== 'let_condition' && field(p, 'condition')?.id !== n.id) {
      n = p;
      continue;
    }
    if (p.type === 'block' && isTail(p, n)) {
      if (p.parent?.type === 'function_item') return 'returned';
      if (p.parent && /^(if_expression|else_clause|match_arm)$/.test(p.parent.type)) {
        n = p;
        continue;
      }
    }
    return 'bound';
  }
  return 'bound';
}

/** `n` is the last statement or expression of `block` (a statement is checked for its `;` by the caller). */
function isTail(block: SyntaxNode, n: SyntaxNode): boolean {
  const kids = namedKids(block).filter((k) => k.type !== 'line_comment' && k.type !== 'block_comment');
  return kids[kids.length - 1]?.id === n.id;
}
