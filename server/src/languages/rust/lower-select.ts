/**
 * `tokio::select!`, `futures::select!` and `futures::select_biased!` (SPEC §2). A select completes when the
 * first of its branches' futures does, drops the others and runs that branch's handler, so its commit point
 * depends on the branch taken. A branch is taken only once its future is ready: a future that must call
 * another canister was pending before, so the select yielded (a commit point on that branch); one that makes
 * no call is ready when first polled, so the select did not (no commit point). The select is lowered as a
 * branch with one arm per select branch: the await of that branch's future, then its pattern's bindings and
 * its handler. The arms' awaits of one kind share an id: one commit point, one story per rule. The editor shows one annotation: `commit` when every branch commits, `none` when none can.
 */
import type { CommitKind, Node } from '../../model/ir';
import { classifyAwait } from './awaits';
import { awaitOf } from './lower-awaits';
import type { Ex, LowerContext } from './lower-context';
import { selectBranches, type SelectBranch, type Span } from './select-syntax';
import { allKids, field, patternNames, type SyntaxNode } from './syntax';
import { empty, union } from './val';

const MAX_SELECT_TEXT = 16 * 1024;

/** A piece of the select re-parsed on its own, with the shift that maps its indices to the file. */
interface Piece {
  node: SyntaxNode;
  shift: number;
}

interface ParsedBranch {
  branch: SelectBranch;
  pattern?: Piece;
  future?: Piece;
  cond?: Piece;
  handler: Piece;
}

/**
 * Lowers the select at `node` (`written`: the macro path as written); `undefined` when its branches do not
 * parse, and the caller falls back to one unknown await.
 */
export function lowerSelect(
  cx: LowerContext,
  node: SyntaxNode,
  written: string,
  out: Node[],
): Ex | undefined {
  const parsed = parseBranches(cx, node);
  if (!parsed) return undefined;
  const nameNode = field(node, 'macro') ?? node;
  const at = cx.range(nameNode);
  const line = at.start.line + 1;
  const saved = cx.shift;
  try {
    // tokio evaluates every precondition, then every future expression, before it polls any of them.
    const condVals = parsed.map((p) => (p.cond ? lowerPiece(cx, p.cond, (n) => cx.value(n, out)) : empty()));
    const futures = parsed.map((p) =>
      p.future ? lowerPiece(cx, p.future, (n) => cx.expr(n, out)) : undefined,
    );
    const hasDefault = parsed.some((p) => p.branch.kind === 'default');
    const kinds = parsed.map((p, i) => branchKind(cx, p, futures[i], parsed, futures, hasDefault));
    // Annotated before the handlers, whose own awaits come after it in the file; summary lowerings annotate too
    // (see `lower-awaits.ts`).
    if (cx.annotate) {
      const commit = combined(kinds);
      const reason = selectReason(written, line, parsed, kinds, commit);
      cx.out.awaits.push({ range: at, keyword: '.await', commit, reason, functionName: cx.name });
    }
    const ids = new Map<CommitKind, number>();
    const idOf = (kind: CommitKind): number => ids.get(kind) ?? (ids.set(kind, cx.id()), ids.get(kind)!);
    const arms: Node[][] = [];
    const vals = [union(empty(), ...condVals)];
    parsed.forEach((p, i) => {
      const ns = cx.scopes.within(() => {
        const ns: Node[] = [];
        const ex = futures[i];
        if (ex && p.future) {
          const capped =
            hasDefault && kinds[i] !== classifyAwait(ex.future, p.future.node, cx.env.summaries).commit;
          const future = capped ? { ...ex, future: cappedFuture(written, line) } : ex;
          const awaited = lowerPiece(cx, p.future, (n) =>
            awaitOf(cx, future, n, at, 'bound', ns, false, idOf),
          );
          if (p.pattern) bindPattern(cx, p.pattern, awaited.val, ns);
        } else if (kinds[i] !== 'none') {
          // tokio's `else` after every branch's pattern failed: the futures completed, and may have committed.
          const future = {
            kind: 'block' as const,
            commit: kinds[i],
            reason: elseReason(written, line, kinds[i]),
          };
          cx.shift = saved;
          awaitOf(cx, { val: empty(), future }, nameNode, at, 'bound', ns, false, idOf);
        }
        vals.push(lowerPiece(cx, p.handler, (n) => cx.value(n, ns)));
        return ns;
      });
      arms.push(ns);
    });
    const cond = union(empty(), ...futures.map((f) => f?.val ?? empty()));
    out.push({ kind: 'branch', range: cx.range(node), cond, arms, exhaustive: true });
    return { val: union(empty(), ...vals) };
  } finally {
    cx.shift = saved;
  }
}

/**
 * The commit kind of the path through one branch. A future's branch: that future's kind, except that with a
 * `default` branch the select never waits, so it is at most `maybe`. `else`: every branch is disabled, either
 * by its precondition (never polled) or by its pattern after its future completed, so a branch without
 * precondition whose future must commit has committed. `default` and `complete`: nothing was awaited.
 */
function branchKind(
  cx: LowerContext,
  p: ParsedBranch,
  ex: Ex | undefined,
  all: ParsedBranch[],
  futures: (Ex | undefined)[],
  hasDefault: boolean,
): CommitKind {
  if (ex && p.future) {
    const kind = classifyAwait(ex.future, p.future.node, cx.env.summaries).commit;
    return hasDefault && kind === 'commit' ? 'maybe' : kind;
  }
  if (p.branch.kind !== 'else') return 'none';
  const futureKinds = all.map((q, i) => {
    const f = futures[i];
    return f && q.future
      ? { kind: classifyAwait(f.future, q.future.node, cx.env.summaries).commit, q }
      : undefined;
  });
  const known = futureKinds.filter((k) => k !== undefined);
  if (known.every((k) => k.kind === 'none')) return 'none';
  return known.some((k) => k.kind === 'commit' && !k.q.cond) ? 'commit' : 'maybe';
}

function combined(kinds: CommitKind[]): CommitKind {
  if (kinds.every((k) => k === 'commit')) return 'commit';
  return kinds.every((k) => k === 'none') ? 'none' : 'maybe';
}

function cappedFuture(written: string, line: number): Ex['future'] {
  return {
    kind: 'block',
    commit: 'maybe',
    reason: `\`.await\` on a branch of \`${written}!\` (line ${line}) that has a \`default\` branch: the select does not wait, so this branch is taken only if its future was ready at once: it may be a commit point`,
  };
}

function elseReason(written: string, line: number, kind: CommitKind): string {
  return kind === 'commit'
    ? `the \`else\` branch of \`${written}!\` (line ${line}) runs after every branch's future completed, and one of them calls another canister: a commit point`
    : `the \`else\` branch of \`${written}!\` (line ${line}) runs when every branch is disabled, by its precondition or by its pattern after its future completed: it may be a commit point`;
}

function selectReason(
  written: string,
  line: number,
  parsed: ParsedBranch[],
  kinds: CommitKind[],
  commit: CommitKind,
): string {
  const what = `\`.await\` of \`${written}!\` (line ${line}), which completes with the first of its ${parsed.length} branches`;
  if (commit === 'commit')
    return `${what}; every branch's future calls another canister, so whichever completes, the select waited: a commit point`;
  if (commit === 'none')
    return `${what}; no branch's future makes an inter-canister call: it runs to completion within this message`;
  const shown = parsed.map((p, i) => `${branchName(p)} ${kinds[i]}`).join(', ');
  return `${what}; the branch taken decides (${shown}): it may be a commit point`;
}

function branchName(p: ParsedBranch): string {
  if (!p.future) return `\`${p.branch.kind}\``;
  const text = p.future.node.text.replace(/\s+/g, ' ');
  return `\`${text.length > 30 ? `${text.slice(0, 27)}…` : text}\``;
}

/** Binds the names of the branch's pattern to the awaited value, in the arm's scope. */
function bindPattern(cx: LowerContext, pattern: Piece, value: Ex['val'], out: Node[]): void {
  lowerPiece(cx, pattern, (n) => {
    for (const name of patternNames(n))
      out.push({ kind: 'local', range: cx.range(n), name: cx.scopes.bindLocal(name), value });
  });
}

/** Runs `f` on a piece with the context's shift set to the piece's (the caller restores the outer one). */
function lowerPiece<T>(cx: LowerContext, piece: Piece, f: (node: SyntaxNode) => T): T {
  cx.shift = piece.shift;
  return f(piece.node);
}

/** The select's branches with each piece parsed; `undefined` unless all of them parse. */
function parseBranches(cx: LowerContext, node: SyntaxNode): ParsedBranch[] | undefined {
  const tree = allKids(node).find((k) => k.type === 'token_tree');
  const parse = cx.env.parseSnippet;
  if (!tree || !parse || tree.endIndex - tree.startIndex > MAX_SELECT_TEXT) return undefined;
  const text = tree.text;
  const branches = selectBranches(text);
  if (!branches) return undefined;
  const base = cx.shift + tree.startIndex;
  const out: ParsedBranch[] = [];
  for (const branch of branches) {
    const handler = parseExpr(parse, text, branch.handler, base);
    if (!handler) return undefined;
    if (branch.kind !== 'future') {
      out.push({ branch, handler });
      continue;
    }
    // `pattern = future` is a `let` statement's text as it stands.
    const bound = parseLet(parse, text, { start: branch.pattern.start, end: branch.future.end }, base);
    const cond = branch.cond ? parseExpr(parse, text, branch.cond, base) : undefined;
    if (!bound || (branch.cond && !cond)) return undefined;
    out.push({ branch, ...bound, ...(cond ? { cond } : {}), handler });
  }
  return out;
}

type Parse = (text: string) => SyntaxNode | undefined;

function parseExpr(parse: Parse, text: string, span: Span, base: number): Piece | undefined {
  // As the block's tail: `{ … };` would be a block and an empty statement.
  const stmt = parseStatement(parse, 'fn a(){', text.slice(span.start, span.end), '\n}');
  const node = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : stmt;
  return node ? { node, shift: base + span.start - 'fn a(){'.length } : undefined;
}

function parseLet(
  parse: Parse,
  text: string,
  span: Span,
  base: number,
): { pattern: Piece; future: Piece } | undefined {
  const prefix = 'fn a(){let ';
  const stmt = parseStatement(parse, prefix, text.slice(span.start, span.end), ';}');
  const pattern = stmt?.type === 'let_declaration' ? field(stmt, 'pattern') : null;
  const value = stmt?.type === 'let_declaration' ? field(stmt, 'value') : null;
  if (!pattern || !value) return undefined;
  const shift = base + span.start - prefix.length;
  return { pattern: { node: pattern, shift }, future: { node: value, shift } };
}

/** The one statement of `prefix + text + suffix` parsed as a function; `undefined` on a syntax error. */
function parseStatement(parse: Parse, prefix: string, text: string, suffix: string): SyntaxNode | undefined {
  const root = parse(`${prefix}${text}${suffix}`);
  const body = root?.namedChildren[0]?.childForFieldName('body');
  if (!root || root.hasError || !body) return undefined;
  const stmts = body.namedChildren.filter((k): k is SyntaxNode => !!k);
  return stmts.length === 1 ? stmts[0] : undefined;
}
