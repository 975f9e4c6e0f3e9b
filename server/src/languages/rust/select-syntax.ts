/**
 * The branches of a `select!` token tree (`tokio::select!`, `futures::select!`, `futures::select_biased!`):
 * `pattern = future [, if precondition] => handler`, tokio's `else => handler` and the futures crate's
 * `default => handler` / `complete => handler`, after an optional `biased;`. The input is not Rust syntax as a
 * whole, so it is split here at its top-level `=`, `=>` and `,`; each piece is Rust again and is parsed on its
 * own. Offsets are indices into the token tree's text.
 */

export interface Span {
  start: number;
  end: number;
}

export type SelectBranch =
  | { kind: 'future'; pattern: Span; future: Span; cond?: Span; handler: Span }
  /** `else` (tokio: every branch is disabled), `default` (futures: no future is ready), `complete` (all done). */
  | { kind: 'else' | 'default' | 'complete'; handler: Span };

interface Tok extends Span {
  kind: 'ident' | 'punct' | 'group' | 'literal' | 'lifetime';
  text: string;
}

const PUNCTS = [
  '..=',
  '...',
  '<<=',
  '>>=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '::',
  '->',
  '&&',
  '||',
  '..',
  '<<',
  '>>',
];
const COMPOUND = /^[-+*/%^&|]=/;

/** `undefined` when the text is not a select's branch list (unbalanced brackets, a piece missing). */
export function selectBranches(treeText: string): SelectBranch[] | undefined {
  const toks = topTokens(treeText);
  if (!toks?.length) return undefined;
  let k = toks[0].text === 'biased' && toks[1]?.text === ';' ? 2 : 0;
  const branches: SelectBranch[] = [];
  while (k < toks.length) {
    const t = toks[k];
    if (t.kind === 'ident' && /^(else|default|complete)$/.test(t.text) && toks[k + 1]?.text === '=>') {
      const h = handlerAt(toks, k + 2);
      if (!h) return undefined;
      branches.push({ kind: t.text as 'else' | 'default' | 'complete', handler: h.span });
      k = h.next;
      continue;
    }
    const eq = indexOf(toks, k, (x) => x.text === '=');
    const arrow = eq < 0 ? -1 : indexOf(toks, eq + 1, (x) => x.text === '=>');
    if (eq <= k || arrow < 0) return undefined;
    // A top-level comma before the arrow can only start tokio's precondition.
    const comma = indexOf(toks, eq + 1, (x) => x.text === ',', arrow);
    if (comma >= 0 && (toks[comma + 1]?.text !== 'if' || comma + 2 >= arrow)) return undefined;
    const futureEnd = comma >= 0 ? comma : arrow;
    const h = handlerAt(toks, arrow + 1);
    if (futureEnd === eq + 1 || !h) return undefined;
    branches.push({
      kind: 'future',
      pattern: spanOf(toks, k, eq),
      future: spanOf(toks, eq + 1, futureEnd),
      ...(comma >= 0 ? { cond: spanOf(toks, comma + 2, arrow) } : {}),
      handler: h.span,
    });
    k = h.next;
  }
  return branches.length ? branches : undefined;
}

/** A handler is a block (a comma after it is optional) or an expression up to the next top-level comma. */
function handlerAt(toks: Tok[], k: number): { span: Span; next: number } | undefined {
  if (k >= toks.length) return undefined;
  const block = toks[k].kind === 'group' && toks[k].text.startsWith('{');
  const found = indexOf(toks, k, (x) => x.text === ',');
  const end = block ? k + 1 : found < 0 ? toks.length : found;
  if (end === k) return undefined;
  return { span: spanOf(toks, k, end), next: toks[end]?.text === ',' ? end + 1 : end };
}

function spanOf(toks: Tok[], from: number, to: number): Span {
  return { start: toks[from].start, end: toks[to - 1].end };
}

function indexOf(toks: Tok[], from: number, is: (t: Tok) => boolean, before = toks.length): number {
  for (let i = from; i < before; i++) if (is(toks[i])) return i;
  return -1;
}

/** The tokens between the outer brackets of `text`, each nested group as one token. */
function topTokens(text: string): Tok[] | undefined {
  if (!/^[({[]/.test(text)) return undefined;
  const toks: Tok[] = [];
  const end = text.length - 1;
  for (let i = 1; i < end;) {
    const t = tokenAt(text, i);
    if (t === undefined) return undefined;
    if (t !== null) {
      if (t.end > end) return undefined;
      toks.push(t);
    }
    i = t === null ? skipTrivia(text, i) : t.end;
  }
  return toks;
}

/** Past the whitespace or comment at `i` (`i` itself when there is none). */
function skipTrivia(text: string, i: number): number {
  if (/\s/.test(text[i])) return i + 1;
  if (text.startsWith('//', i)) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  if (text.startsWith('/*', i)) {
    const close = text.indexOf('*/', i + 2);
    return close < 0 ? text.length : close + 2;
  }
  return i;
}

/** The token at `i`; `null` for whitespace or a comment; `undefined` for what cannot be read (a stray `)`). */
function tokenAt(text: string, i: number): Tok | null | undefined {
  if (skipTrivia(text, i) !== i) return null;
  const c = text[i];
  const tok = (kind: Tok['kind'], end: number): Tok => ({ kind, text: text.slice(i, end), start: i, end });
  if ('([{'.includes(c)) {
    const close = { '(': ')', '[': ']', '{': '}' }[c];
    for (let j = i + 1; j < text.length;) {
      if (text[j] === close) return tok('group', j + 1);
      const t = tokenAt(text, j);
      if (t === undefined) return undefined;
      j = t === null ? skipTrivia(text, j) : t.end;
    }
    return undefined;
  }
  if (')]}'.includes(c)) return undefined;
  const raw = /^b?r(#*)"/.exec(text.slice(i, i + 260));
  if (raw) {
    const close = text.indexOf(`"${raw[1]}`, i + raw[0].length);
    return close < 0 ? undefined : tok('literal', close + 1 + raw[1].length);
  }
  if (c === '"' || (c === 'b' && text[i + 1] === '"')) return quoted(text, c === '"' ? i : i + 1, tok);
  if (c === "'" || (c === 'b' && text[i + 1] === "'"))
    return charOrLifetime(text, c === "'" ? i : i + 1, tok);
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
  if (word) return tok('ident', i + word[0].length);
  const num = /^[0-9][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
  if (num) return tok('literal', i + num[0].length);
  const p = PUNCTS.find((x) => text.startsWith(x, i)) ?? COMPOUND.exec(text.slice(i, i + 2))?.[0];
  return tok('punct', i + (p?.length ?? 1));
}

function quoted(text: string, open: number, tok: (k: Tok['kind'], end: number) => Tok): Tok | undefined {
  for (let j = open + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return tok('literal', j + 1);
  }
  return undefined;
}

/** `'a'`, `'\n'`, `'\u{1F600}'` are characters; `'a` (no closing quote right after) is a lifetime or label. */
function charOrLifetime(
  text: string,
  open: number,
  tok: (k: Tok['kind'], end: number) => Tok,
): Tok | undefined {
  if (text[open + 1] === '\\') {
    const close = text.indexOf("'", open + 3);
    return close < 0 ? undefined : tok('literal', close + 1);
  }
  const width = (text.codePointAt(open + 1) ?? 0) > 0xffff ? 2 : 1;
  if (text[open + 1 + width] === "'") return tok('literal', open + 2 + width);
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(open + 1, open + 257));
  return name ? tok('lifetime', open + 1 + name[0].length) : undefined;
}
