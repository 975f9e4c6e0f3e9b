/**
 * A small `macro_rules!` engine for item-making macros of the workspace (SPEC §2, issue 7 item 4): client
 * crates often generate one `async fn` per remote method (`generate_call!(transfer)`). A rule's pattern is
 * matched against the invocation's tokens and its body is transcribed with the fragments substituted, giving
 * source text to re-parse. Only simple fragments are matched (`ident`, `literal`, `lifetime`, `tt`, `block`,
 * and `expr`, `ty`, `path`, `pat`, `vis` as the tokens up to what follows them in the pattern), with `$( … )`
 * repetitions; anything else makes the rule not match, so the call stays unresolved (`maybe`).
 */

interface Token {
  text: string;
  kind: 'ident' | 'literal' | 'lifetime' | 'punct' | 'open' | 'close';
}

/** A token tree: a token, or a delimited group. */
type Tree = { token: Token } | { open: string; close: string; items: Tree[] };

/** A pattern element. */
type Matcher =
  | { literal: string }
  | { fragment: string; spec: string }
  | { group: string; items: Matcher[] }
  | { repeat: Matcher[]; separator?: string; op: string };

/** A body element. */
type Body = { text: string } | { variable: string } | { group: [string, string]; items: Body[] } | BodyRepeat;
type BodyRepeat = { repeat: Body[]; separator?: string };

type Binding = { text: string } | { repeats: Bindings[] };
type Bindings = Map<string, Binding>;

export interface MacroRule {
  pattern: Matcher[];
  body: Body[];
}

const PUNCT = [
  '<<=',
  '>>=',
  '...',
  '..=',
  '::',
  '->',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '^=',
  '&=',
  '|=',
  '<<',
  '>>',
  '..',
];
const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const TOKEN =
  /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(r#*)"|b?"(?:[^"\\]|\\[\s\S])*"|b?'(?:[^'\\]|\\.)'|'[A-Za-z_]\w*|[A-Za-z_]\w*|\d[\w]*(?:\.\d\w*)?|[\s\S]/y;

/** Rust tokens of `text` (comments dropped); undefined when it does not tokenize (an unclosed string). */
export function tokenize(text: string): Token[] | undefined {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let at = 0; at < text.length;) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    let t = m[0];
    if (m[1] !== undefined) {
      // A raw string: up to `"` and as many `#` as it opened with.
      const end = text.indexOf(`"${m[1].slice(1)}`, at + t.length);
      if (end < 0) return undefined;
      t = text.slice(at, end + m[1].length);
    }
    at += t.length;
    if (/^\s|^\/[/*]/.test(t)) continue;
    const c = t[0];
    if (m[1] !== undefined || /^b['"]/.test(t)) out.push({ text: t, kind: 'literal' });
    else if (/[A-Za-z_]/.test(c)) out.push({ text: t, kind: 'ident' });
    else if (c === "'" && !t.endsWith("'")) out.push({ text: t, kind: 'lifetime' });
    else if (/[\d"']/.test(c)) out.push({ text: t, kind: 'literal' });
    else if (CLOSE[c]) out.push({ text: t, kind: 'open' });
    else if (c === ')' || c === ']' || c === '}') out.push({ text: t, kind: 'close' });
    else {
      const long = PUNCT.find((p) => text.startsWith(p, at - 1));
      if (long) at += long.length - 1;
      out.push({ text: long ?? t, kind: 'punct' });
    }
  }
  return out;
}

/** Token trees of a token list; undefined when the delimiters do not balance. */
function trees(tokens: Token[]): Tree[] | undefined {
  const stack: { open: string; items: Tree[] }[] = [{ open: '', items: [] }];
  for (const t of tokens) {
    if (t.kind === 'open') stack.push({ open: t.text, items: [] });
    else if (t.kind === 'close') {
      const top = stack.pop();
      if (!top || !top.open || CLOSE[top.open] !== t.text || !stack.length) return undefined;
      stack[stack.length - 1].items.push({ open: top.open, close: t.text, items: top.items });
    } else stack[stack.length - 1].items.push({ token: t });
  }
  return stack.length === 1 ? stack[0].items : undefined;
}

const isToken = (t: Tree | undefined): t is { token: Token } => !!t && 'token' in t;
const treeText = (t: Tree): string =>
  'token' in t ? t.token.text : `${t.open}${t.items.map(treeText).join(' ')}${t.close}`;

function parsePattern(items: Tree[]): Matcher[] | undefined {
  const out: Matcher[] = [];
  for (let i = 0; i < items.length; i++) {
    const t = items[i];
    if (!isToken(t)) {
      const inner = parsePattern(t.items);
      if (!inner) return undefined;
      out.push({ group: t.open, items: inner });
      continue;
    }
    if (t.token.text !== '$') {
      out.push({ literal: t.token.text });
      continue;
    }
    const next = items[i + 1];
    if (isToken(next) && next.token.kind === 'ident') {
      const colon = items[i + 2];
      const spec = items[i + 3];
      if (!isToken(colon) || colon.token.text !== ':' || !isToken(spec)) return undefined;
      out.push({ fragment: next.token.text, spec: spec.token.text });
      i += 3;
    } else if (next && !isToken(next) && next.open === '(') {
      const inner = parsePattern(next.items);
      if (!inner) return undefined;
      const [sep, op] = repetitionTail(items, i + 2);
      if (!op) return undefined;
      out.push({ repeat: inner, ...(sep ? { separator: sep } : {}), op });
      i += 1 + (sep ? 2 : 1);
    } else return undefined;
  }
  return out;
}

/** After `$( … )`: an optional separator token and the operator `*`, `+` or `?`. */
function repetitionTail(items: Tree[], at: number): [string | undefined, string | undefined] {
  const a = items[at];
  const b = items[at + 1];
  const op = (t: Tree | undefined) => isToken(t) && ['*', '+', '?'].includes(t.token.text);
  if (op(a)) return [undefined, (a as { token: Token }).token.text];
  if (isToken(a) && op(b)) return [a.token.text, (b as { token: Token }).token.text];
  return [undefined, undefined];
}

function parseBody(items: Tree[]): Body[] | undefined {
  const out: Body[] = [];
  for (let i = 0; i < items.length; i++) {
    const t = items[i];
    if (!isToken(t)) {
      const inner = parseBody(t.items);
      if (!inner) return undefined;
      out.push({ group: [t.open, t.close], items: inner });
      continue;
    }
    if (t.token.text !== '$') {
      out.push({ text: t.token.text });
      continue;
    }
    const next = items[i + 1];
    if (isToken(next) && next.token.kind === 'ident') {
      out.push({ variable: next.token.text });
      i += 1;
    } else if (next && !isToken(next) && next.open === '(') {
      const inner = parseBody(next.items);
      if (!inner) return undefined;
      const [sep, op] = repetitionTail(items, i + 2);
      if (!op) return undefined;
      out.push({ repeat: inner, ...(sep ? { separator: sep } : {}) });
      i += 1 + (sep ? 2 : 1);
    } else return undefined;
  }
  return out;
}

/** The rules of a `macro_rules!` body text (`{ (pattern) => { body }; … }`). */
export function parseMacroRules(bodyText: string): MacroRule[] | undefined {
  const tokens = tokenize(bodyText);
  const all = tokens && trees(tokens);
  const outer = all?.length === 1 && !isToken(all[0]) ? all[0].items : all;
  if (!outer) return undefined;
  const rules: MacroRule[] = [];
  for (let i = 0; i < outer.length;) {
    const left = outer[i];
    const arrow = outer[i + 1];
    const right = outer[i + 2];
    if (!left || isToken(left) || !isToken(arrow) || arrow.token.text !== '=>' || !right || isToken(right))
      return undefined;
    const pattern = parsePattern(left.items);
    const body = parseBody(right.items);
    if (!pattern || !body) return undefined;
    rules.push({ pattern, body });
    i += 3;
    if (isToken(outer[i]) && (outer[i] as { token: Token }).token.text === ';') i++;
  }
  return rules;
}

const SINGLE_TOKEN: Record<string, Token['kind'][]> = {
  ident: ['ident'],
  literal: ['literal'],
  lifetime: ['lifetime'],
};

/** Where a greedy fragment stops: the pattern's next literal, a repetition's separator, or the end. */
function stopAt(rest: Matcher[], follow: string | undefined): string | undefined {
  const next = rest[0];
  if (!next) return follow;
  if ('literal' in next) return next.literal;
  if ('group' in next) return next.group;
  return undefined;
}

/**
 * Matches `pattern` against all of `input` from `at`; returns the bindings or undefined. `follow` is the token
 * that ends the enclosing repetition's item (its separator).
 */
function match(pattern: Matcher[], input: Tree[], follow?: string): Bindings | undefined {
  const found = matchFrom(pattern, input, 0, follow);
  return found && found.at === input.length ? found.bindings : undefined;
}

function matchFrom(
  pattern: Matcher[],
  input: Tree[],
  start: number,
  follow: string | undefined,
): { at: number; bindings: Bindings } | undefined {
  const bindings: Bindings = new Map();
  let at = start;
  for (let p = 0; p < pattern.length; p++) {
    const m = pattern[p];
    const t = input[at];
    if ('literal' in m) {
      if (!isToken(t) || t.token.text !== m.literal) return undefined;
      at++;
    } else if ('group' in m) {
      if (!t || isToken(t) || t.open !== m.group) return undefined;
      const inner = match(m.items, t.items);
      if (!inner) return undefined;
      inner.forEach((v, k) => bindings.set(k, v));
      at++;
    } else if ('fragment' in m) {
      const end = fragmentEnd(m.spec, input, at, stopAt(pattern.slice(p + 1), follow));
      if (end === undefined) return undefined;
      bindings.set(m.fragment, { text: input.slice(at, end).map(treeText).join(' ') });
      at = end;
    } else {
      const repeats: Bindings[] = [];
      const after = stopAt(pattern.slice(p + 1), follow);
      while (at < input.length && !(m.op === '?' && repeats.length === 1)) {
        const t0 = input[at];
        if (repeats.length && m.separator) {
          if (!isToken(t0) || t0.token.text !== m.separator) break;
        } else if (after !== undefined && isToken(t0) && t0.token.text === after && !repeats.length) break;
        const from = repeats.length && m.separator ? at + 1 : at;
        const one = matchFrom(m.repeat, input, from, m.separator ?? after);
        if (!one || one.at === from) break;
        repeats.push(one.bindings);
        at = one.at;
      }
      if (m.op === '+' && !repeats.length) return undefined;
      const names = new Set<string>();
      collectNames(m.repeat, names);
      for (const n of names) bindings.set(n, { repeats });
    }
  }
  return { at, bindings };
}

function collectNames(pattern: Matcher[], out: Set<string>): void {
  for (const m of pattern) {
    if ('fragment' in m) out.add(m.fragment);
    else if ('group' in m) collectNames(m.items, out);
    else if ('repeat' in m) collectNames(m.repeat, out);
  }
}

/** The end of a fragment starting at `at`, or undefined when it does not match there. */
function fragmentEnd(spec: string, input: Tree[], at: number, stop: string | undefined): number | undefined {
  const t = input[at];
  if (!t) return spec === 'vis' ? at : undefined;
  const kinds = SINGLE_TOKEN[spec];
  if (kinds) {
    if (spec === 'literal' && isToken(t) && t.token.text === '-' && isToken(input[at + 1])) return at + 2;
    return isToken(t) && kinds.includes(t.token.kind) ? at + 1 : undefined;
  }
  if (spec === 'tt') return at + 1;
  if (spec === 'block') return !isToken(t) && t.open === '{' ? at + 1 : undefined;
  if (spec === 'vis') {
    if (!isToken(t) || t.token.text !== 'pub') return at;
    const next = input[at + 1];
    return next && !isToken(next) && next.open === '(' ? at + 2 : at + 1;
  }
  if (!['expr', 'ty', 'path', 'pat', 'pat_param'].includes(spec)) return undefined;
  // Up to the stop token at angle depth 0 (`Vec<u8>` in a `ty`), and never an empty fragment.
  let depth = 0;
  let end = at;
  for (; end < input.length; end++) {
    const e = input[end];
    if (isToken(e)) {
      const x = e.token.text;
      if (depth === 0 && stop !== undefined && x === stop) break;
      if (depth === 0 && stop === undefined && (x === ',' || x === ';' || x === '=>')) break;
      if (spec !== 'expr' && spec !== 'pat' && spec !== 'pat_param') {
        if (x === '<') depth++;
        else if (x === '>') depth--;
        else if (x === '>>') depth -= 2;
      }
    } else if (depth === 0 && stop !== undefined && e.open === stop) break;
  }
  return end > at ? end : undefined;
}

/** Writes `body` with the bindings; undefined when a variable is unbound or repetitions do not line up. */
function transcribe(body: Body[], bindings: Bindings, crate: string): string | undefined {
  const out: string[] = [];
  for (const b of body) {
    if ('text' in b) out.push(b.text);
    else if ('variable' in b) {
      if (b.variable === 'crate') {
        out.push(crate);
        continue;
      }
      const v = bindings.get(b.variable);
      if (!v || !('text' in v)) return undefined;
      out.push(v.text);
    } else if ('group' in b) {
      const inner = transcribe(b.items, bindings, crate);
      if (inner === undefined) return undefined;
      out.push(`${b.group[0]}${inner}${b.group[1]}`);
    } else {
      const reps = repeatCount(b, bindings);
      if (reps === undefined) return undefined;
      const parts: string[] = [];
      for (let i = 0; i < reps.count; i++) {
        const scope = new Map(bindings);
        for (const name of reps.names) {
          const v = bindings.get(name) as { repeats: Bindings[] };
          v.repeats[i].forEach((value, key) => scope.set(key, value));
        }
        const one = transcribe(b.repeat, scope, crate);
        if (one === undefined) return undefined;
        parts.push(one);
      }
      out.push(parts.join(b.separator ? ` ${b.separator} ` : ' '));
    }
  }
  return out.join(' ');
}

/** How many times a body repetition runs: the count of the repeated variables it uses (all equal). */
function repeatCount(b: BodyRepeat, bindings: Bindings): { count: number; names: string[] } | undefined {
  const used = new Set<string>();
  const walk = (items: Body[]) => {
    for (const x of items) {
      if ('variable' in x) used.add(x.variable);
      else if ('group' in x) walk(x.items);
      else if ('repeat' in x) walk(x.repeat);
    }
  };
  walk(b.repeat);
  const names = [...used].filter((n) => {
    const v = bindings.get(n);
    return v && 'repeats' in v;
  });
  const counts = new Set(names.map((n) => (bindings.get(n) as { repeats: Bindings[] }).repeats.length));
  if (counts.size !== 1) return undefined;
  return { count: [...counts][0], names };
}

/**
 * The expansion of an invocation whose arguments are `argsText` (without the outer delimiters), by the first
 * rule that matches; `crate` is what `$crate` becomes. Undefined when no rule matches.
 */
export function expandMacro(rules: MacroRule[], argsText: string, crate: string): string | undefined {
  const tokens = tokenize(argsText);
  const input = tokens && trees(tokens);
  if (!input) return undefined;
  for (const rule of rules) {
    const bindings = match(rule.pattern, input);
    if (bindings) return transcribe(rule.body, bindings, crate);
  }
  return undefined;
}
