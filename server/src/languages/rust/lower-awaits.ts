/**
 * `.await` and async blocks. An await is classified by the future it waits for (a commit point when that
 * future reaches an inter-canister call), annotated for the editor, and followed by what a workspace callee
 * does after its own commit point; an async block is a future whose classification is that of its awaits.
 */
import { commitSummary } from '../../model/commit-paths';
import type { AwaitNode, CommitKind, Node, Range, ResultHandling } from '../../model/ir';
import { classifyAwait, handlingOf, type Future } from './awaits';
import type { Ex, LowerContext } from './lower-context';
import { mergeCalls, reachedCalls } from './reached-calls';
import { allKids, namedKids, type SyntaxNode } from './syntax';
import { empty, union } from './val';

export function lowerAsyncBlock(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const block = namedKids(node).find((k) => k.type === 'block');
  if (!block) return { val: empty() };
  const nodes: Node[] = [];
  // Tree-sitter hands out a new wrapper per access: compare places, not objects.
  const own = cx.ownFutureBody?.startIndex === node.startIndex && cx.ownFutureBody.endIndex === node.endIndex;
  if (!own) cx.closureDepth++;
  const ex = cx.block(block, nodes);
  if (!own) cx.closureDepth--;
  out.push(...nodes);
  const committing = awaitsIn(nodes).find((a) => a.commit === 'commit');
  const line = cx.range(node).start.line + 1;
  const summary = commitSummary(nodes);
  const future: Future =
    summary === 'must'
      ? {
          kind: 'block',
          commit: 'commit',
          reason: `\`.await\` on an async block (line ${line}) that awaits an inter-canister call on every path that succeeds: a commit point`,
          call: committing?.call,
          api: committing ? cx.apiOfAwait.get(committing.id) : undefined,
        }
      : summary === 'never'
        ? {
            kind: 'block',
            commit: 'none',
            reason: `\`.await\` on an async block (line ${line}) that makes no inter-canister call: it runs to completion within this message`,
          }
        : {
            kind: 'block',
            commit: 'maybe',
            reason:
              summary === 'may'
                ? `\`.await\` on an async block (line ${line}) that awaits an inter-canister call on some paths only: it may be a commit point`
                : `\`.await\` on an async block (line ${line}) that awaits a future that may make an inter-canister call`,
          };
  return { val: cx.valOf(ex, block, out), future };
}

/** The awaits of a body, arms and loop bodies included, in order. */
function awaitsIn(nodes: Node[]): AwaitNode[] {
  const found: AwaitNode[] = [];
  const collect = (ns: Node[]): void =>
    ns.forEach((n) => {
      if (n.kind === 'await') found.push(n);
      if (n.kind === 'branch') n.arms.forEach(collect);
      if (n.kind === 'loop' || n.kind === 'block') collect(n.body);
    });
  collect(nodes);
  return found;
}

export function lowerAwait(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const inner = namedKids(node)[0];
  const token = allKids(node).find((k) => k.type === 'await') ?? node;
  if (!inner) return { val: empty() };
  const ex = cx.expr(inner, out);
  return awaitOf(cx, ex, inner, cx.range(token), handlingOf(node), out);
}

/**
 * An `async fn` of the workspace that returns nothing and checks the results of the calls it awaits: its
 * failures are handled where they happen, and its caller gets nothing that could say it failed.
 */
function failsInside(cx: LowerContext, future: Future | undefined): boolean {
  if (future?.kind !== 'local' || !future.fn.isAsync) return false;
  if (!/^(\(\s*\))?$/.test(future.fn.returnType.replace(/^->\s*/, '').trim())) return false;
  return !cx.env.summaries.get(future.fn)?.ignoresCallFailure;
}

/**
 * The await of the future `ex` (the value of `inner`), reported at `token`: its classification, the node, the
 * annotation and what a workspace callee does after its own commit point. Also for the implicit awaits of
 * `join!` / `try_join!`, which await each of their futures without an `.await` in the source, and of `select!`
 * branches, which are annotated once for the whole select (`annotated` false) and share one `id` per kind:
 * the select is one commit point in the source, whichever branch reaches it.
 */
export function awaitOf(
  cx: LowerContext,
  ex: Ex,
  inner: SyntaxNode,
  range: Range,
  handling: ResultHandling,
  out: Node[],
  annotated = true,
  shared?: (commit: CommitKind) => number,
): Ex {
  const args = cx.valOf(ex, inner, out);
  const { commit, reason, call, api } = classifyAwait(ex.future, inner, cx.env.summaries);
  const id = shared ? shared(commit) : cx.id();
  if (ex.future?.kind === 'param') (cx.facts.paramAwaits ??= []).push({ id, index: ex.future.index });
  if (ex.future?.kind === 'local')
    for (const f of ex.future.forwards ?? []) (cx.facts.paramAwaits ??= []).push({ ...f, id });
  if (commit === 'commit' && call && api) {
    cx.facts.call ??= { api, wait: call.wait };
    cx.apiOfAwait.set(id, api);
  }
  const within = ex.future?.kind === 'local' ? cx.env.summaries.get(ex.future.fn)?.commitAt : undefined;
  const reaches = commit !== 'none' ? reachedCalls(inner, ex.future, cx.env.summaries) : undefined;
  if (reaches) cx.facts.calls = mergeCalls(cx.facts.calls ?? [], reaches);
  if (handling === 'ignored' && commit !== 'none' && failsInside(cx, ex.future)) handling = 'unit';
  out.push({
    kind: 'await',
    id,
    range,
    keyword: '.await',
    commit,
    reason,
    exprRange: cx.range(inner),
    ...(call ? { call } : {}),
    handling,
    args,
    ...(within ? { within } : {}),
    ...(reaches ? { reaches } : {}),
  });
  const afterVal =
    ex.future?.kind === 'local' || ex.future?.kind === 'block' ? ex.future.after?.(out) : undefined;
  // Summary lowerings annotate too: a function that starts no entry point takes its file's annotations from
  // its (final) summary lowering instead of being lowered again (see `file-lowering.ts`).
  if (cx.annotate && annotated) {
    cx.out.awaits.push({ range, keyword: '.await', commit, reason, functionName: cx.name });
  }
  return { val: union({ reads: [], locals: [], awaits: [id] }, afterVal ?? empty()) };
}
