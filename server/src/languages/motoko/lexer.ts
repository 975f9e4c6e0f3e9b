/**
 * Motoko lexer: source text → tokens with UTF-16 offsets. Never throws; malformed input yields `error` tokens
 * and lexer errors. Follows the compiler's lexer (`source_lexer.mll`): keywords, `async*`/`await*`/`await?` as
 * single keywords, `.0` projections as `dotnum`, `1.foo` as a number, a dot and a name, nested block comments.
 * Whether `<`/`>` are operators or brackets depends on the spaces around them (the parser decides, using
 * `spaceBefore` and the next token's `spaceBefore`).
 */
import type { Comment } from './ast';

export type TokenType =
  | 'id'
  | 'nat'
  | 'float'
  | 'char'
  | 'text'
  | 'dotnum'
  | 'eof'
  | 'error'
  // keywords (the token type is the keyword itself)
  | Keyword
  // punctuation and operators (the token type is the text itself)
  | Punct;

export type Keyword = (typeof KEYWORDS)[number];
export type Punct = (typeof PUNCTS)[number];

const KEYWORDS = [
  'actor',
  'and',
  'async',
  'async*',
  'assert',
  'await',
  'await*',
  'await?',
  'break',
  'case',
  'catch',
  'class',
  'composite',
  'continue',
  'debug',
  'debug_show',
  'do',
  'else',
  'false',
  'finally',
  'flexible',
  'for',
  'from_candid',
  'func',
  'if',
  'ignore',
  'in',
  'implicit',
  'import',
  'include',
  'mixin',
  'module',
  'not',
  'null',
  'object',
  'or',
  'label',
  'let',
  'loop',
  'persistent',
  'private',
  'public',
  'query',
  'return',
  'shared',
  'stable',
  'switch',
  'system',
  'transient',
  'try',
  'throw',
  'to_candid',
  'true',
  'type',
  'var',
  'weak',
  'while',
  'with',
] as const;

/** Longest first, so that the first match is the longest. */
const PUNCTS = [
  '**%=',
  '<<>=',
  '<>>=',
  '**%',
  '**=',
  '<<=',
  '>>=',
  '<<>',
  '<>>',
  '+%=',
  '-%=',
  '*%=',
  '<:',
  '**',
  '|>',
  '<<',
  '+%',
  '-%',
  '*%',
  '==',
  '!=',
  '>=',
  '<=',
  ':=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '#=',
  '->',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ';',
  ',',
  ':',
  '.',
  '?',
  '!',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '#',
  '_',
] as const;

const keywordSet: ReadonlySet<string> = new Set(KEYWORDS);

/** Punctuation by first character, longest first. */
const punctByChar = new Map<string, string[]>();
for (const p of PUNCTS) {
  const list = punctByChar.get(p[0]) ?? [];
  list.push(p);
  punctByChar.set(p[0], list);
}

export interface Token {
  type: TokenType;
  start: number;
  end: number;
  /** Identifier name, literal source text (for `text`/`char`: the decoded value), or the `dotnum` digits. */
  value: string;
  /** A space, tab or line break immediately precedes the token (or it starts the file). */
  spaceBefore: boolean;
  /** A line break precedes the token (since the previous token). */
  newlineBefore: boolean;
}

export interface LexError {
  start: number;
  end: number;
  message: string;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  errors: LexError[];
}

/**
 * The tokens as parallel arrays (what the parser reads): no object per token, which matters for speed.
 * `flags[i]` has bit 1 set if a space precedes token i, bit 2 if a line break does.
 */
export interface TokenStream {
  /** Number of tokens (the arrays may be longer: they are reused; see `lexStream`). The last is `eof`. */
  count: number;
  types: TokenType[];
  starts: number[];
  ends: number[];
  values: string[];
  flags: number[];
  comments: Comment[];
  errors: LexError[];
}

export const SPACE_BEFORE = 1;
export const NEWLINE_BEFORE = 2;

/** Tokens as objects (convenient for tests and tools). */
export function lex(text: string): LexResult {
  const s = lexStream(text);
  const tokens: Token[] = s.types.slice(0, s.count).map((type, i) => ({
    type,
    start: s.starts[i],
    end: s.ends[i],
    value: s.values[i],
    spaceBefore: (s.flags[i] & SPACE_BEFORE) !== 0,
    newlineBefore: (s.flags[i] & NEWLINE_BEFORE) !== 0,
  }));
  return { tokens, comments: s.comments, errors: s.errors };
}

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Scans digits (with `_` separators) of the given class from `j`; returns the end. */
function scanDigits(text: string, n: number, j: number, hex: boolean): number {
  while (j < n) {
    const c = text.charCodeAt(j);
    if (hex ? isHex(c) : isDigit(c)) j++;
    else if (c === 95 && j + 1 < n && (hex ? isHex : isDigit)(text.charCodeAt(j + 1))) j++;
    else break;
  }
  return j;
}

/**
 * Token arrays reused from one call to the next: allocating fresh large arrays for every parse is what costs
 * most (notably on virtual machines, where fresh memory pages are expensive). A `TokenStream` is therefore
 * only valid until the next `lexStream` call; parsing is synchronous, so the parser's use is safe.
 */
const pool = {
  types: [] as TokenType[],
  starts: [] as number[],
  ends: [] as number[],
  values: [] as string[],
  flags: [] as number[],
};

function put(k: number, type: TokenType, start: number, end: number, value: string, flag: number): void {
  if (k < pool.types.length) {
    pool.types[k] = type;
    pool.starts[k] = start;
    pool.ends[k] = end;
    pool.values[k] = value;
    pool.flags[k] = flag;
  } else {
    pool.types.push(type);
    pool.starts.push(start);
    pool.ends.push(end);
    pool.values.push(value);
    pool.flags.push(flag);
  }
}

export function lexStream(text: string): TokenStream {
  const pass = lexPass(text, -1);
  // A quote left open while typing pairs with the next quote, and every literal after it swaps code and text,
  // so the error shows up at the file's last quote. Its usual start is the first literal that spans lines: that
  // one ends with its line instead, and the rest is lexed again. (Closed literals may span lines when the
  // file has no dangling quote.)
  return pass.unclosedText && pass.firstMultiline >= 0
    ? lexPass(text, pass.firstMultiline).stream
    : pass.stream;
}

/** One lexing pass; the text literal starting at `cutAt` (if any) ends with its line, as an unclosed one. */
function lexPass(
  text: string,
  cutAt: number,
): { stream: TokenStream; unclosedText: boolean; firstMultiline: number } {
  let unclosedText = false;
  let firstMultiline = -1;
  let count = 0;
  const comments: Comment[] = [];
  const errors: LexError[] = [];
  const n = text.length;
  let i = 0;
  let space = true;
  let newline = false;

  /** Decodes a text/char literal body from `j` (after the opening quote) up to `quote`; returns [end, value]. */
  const scanQuoted = (j: number, quote: number): [number, string, boolean] => {
    let value = '';
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === quote) return [j + 1, value, true];
      if (quote === 39 && c === 10) break; // a char literal does not span lines
      if (c === 92) {
        const e = text.charCodeAt(j + 1);
        if (e === 110) value += '\n';
        else if (e === 114) value += '\r';
        else if (e === 116) value += '\t';
        else if (e === 92) value += '\\';
        else if (e === 39) value += "'";
        else if (e === 34) value += '"';
        else if (e === 117 && text.charCodeAt(j + 2) === 123) {
          const close = text.indexOf('}', j + 3);
          const hex = close > 0 ? text.slice(j + 3, close) : '';
          const cp = /^[0-9a-fA-F_]{1,8}$/.test(hex) ? parseInt(hex.replace(/_/g, ''), 16) : NaN;
          if (Number.isNaN(cp) || cp >= 0x110000 || (cp >= 0xd800 && cp < 0xe000)) {
            errors.push({ start: j, end: Math.max(j + 2, close + 1), message: 'invalid unicode escape' });
            if (close < 0 || close - j > 12) {
              j += 2;
              continue;
            }
          } else {
            value += String.fromCodePoint(cp);
          }
          j = close + 1;
          continue;
        } else if (isHex(e) && isHex(text.charCodeAt(j + 2))) {
          value += String.fromCharCode(parseInt(text.slice(j + 1, j + 3), 16));
          j += 3;
          continue;
        } else {
          errors.push({ start: j, end: Math.min(n, j + 2), message: 'illegal escape' });
        }
        j += 2;
        continue;
      }
      value += text[j];
      j++;
    }
    return [j, value, false];
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // trivia
    if (c === 32 || c === 9 || (c === 0xfeff && i === 0)) {
      // spaces, tabs, and a byte order mark at the start of the file
      i++;
      space = true;
      continue;
    }
    if (c === 10 || c === 13) {
      i++;
      space = true;
      newline = true;
      continue;
    }
    if (c === 47 /* / */) {
      const c2 = text.charCodeAt(i + 1);
      if (c2 === 47) {
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
        const doc = text.charCodeAt(i + 2) === 47;
        comments.push({
          kind: 'Comment',
          style: doc ? 'doc' : 'line',
          start: i,
          end: j,
          text: text.slice(i, j),
        });
        i = j;
        space = true;
        continue;
      }
      if (c2 === 42) {
        let depth = 1;
        let j = i + 2;
        while (j < n && depth > 0) {
          const d = text.charCodeAt(j);
          if (d === 42 && text.charCodeAt(j + 1) === 47) {
            depth--;
            j += 2;
          } else if (d === 47 && text.charCodeAt(j + 1) === 42) {
            depth++;
            j += 2;
          } else {
            if (d === 10 || d === 13) newline = true;
            j++;
          }
        }
        if (depth > 0) errors.push({ start: i, end: n, message: 'unclosed comment' });
        const doc = text.charCodeAt(i + 2) === 42 && text.charCodeAt(i + 3) !== 47;
        comments.push({
          kind: 'Comment',
          style: doc ? 'doc' : 'block',
          start: i,
          end: j,
          text: text.slice(i, j),
        });
        i = j;
        space = false; // `1 </* c */2`: a comment does not count as a space around `<` (as in the compiler)
        continue;
      }
    }
    const start = i;
    // identifiers and keywords
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (word === '_') {
        put(count++, '_', start, j, '_', (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0));

        space = newline = false;
      } else if (keywordSet.has(word)) {
        const next = text.charCodeAt(j);
        if ((word === 'async' || word === 'await') && next === 42) {
          put(
            count++,
            `${word}*` as TokenType,
            start,
            j + 1,
            `${word}*`,
            (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0),
          );

          space = newline = false;
          j++;
        } else if (word === 'await' && next === 63) {
          put(
            count++,
            'await?',
            start,
            j + 1,
            'await?',
            (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0),
          );

          space = newline = false;
          j++;
        } else {
          put(
            count++,
            word as TokenType,
            start,
            j,
            word,
            (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0),
          );

          space = newline = false;
        }
      } else {
        put(count++, 'id', start, j, word, (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0));

        space = newline = false;
      }
      i = j;
      continue;
    }
    // numbers
    if (isDigit(c)) {
      let j: number;
      let isFloat = false;
      if (
        c === 48 &&
        (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88) &&
        isHex(text.charCodeAt(i + 2))
      ) {
        j = scanDigits(text, n, i + 2, true);
        if (text.charCodeAt(j) === 46 && !isIdStart(text.charCodeAt(j + 1))) {
          isFloat = true;
          j = scanDigits(text, n, j + 1, true);
        }
        const p = text.charCodeAt(j);
        if (p === 112 || p === 80) {
          let k = j + 1;
          if (text.charCodeAt(k) === 43 || text.charCodeAt(k) === 45) k++;
          if (isDigit(text.charCodeAt(k))) {
            isFloat = true;
            j = scanDigits(text, n, k, false);
          }
        }
      } else {
        j = scanDigits(text, n, i, false);
        if (text.charCodeAt(j) === 46) {
          const after = text.charCodeAt(j + 1);
          if (isIdStart(after)) {
            // `1.foo`: a number, then `.foo` (lexed as a dot and a name)
          } else {
            isFloat = true;
            j = isDigit(after) ? scanDigits(text, n, j + 1, false) : j + 1;
          }
        }
        const e = text.charCodeAt(j);
        if (e === 101 || e === 69) {
          let k = j + 1;
          if (text.charCodeAt(k) === 43 || text.charCodeAt(k) === 45) k++;
          if (isDigit(text.charCodeAt(k))) {
            isFloat = true;
            j = scanDigits(text, n, k, false);
          }
        }
      }
      put(
        count++,
        isFloat ? 'float' : 'nat',
        start,
        j,
        text.slice(start, j),
        (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0),
      );

      space = newline = false;
      i = j;
      continue;
    }
    if (c === 34 /* " */) {
      const scanned = scanQuoted(i + 1, 34);
      const closed = scanned[2];
      let [j, value] = scanned;
      const eol = text.indexOf('\n', start);
      const spansLines = eol >= 0 && eol < j;
      if (closed && spansLines && firstMultiline < 0) firstMultiline = start;
      if (!closed || (spansLines && start === cutAt)) {
        unclosedText ||= !closed;
        // Text may span lines, but one left open while typing would swallow the rest of the file: it ends
        // with its line, and the lines after it are lexed as code.
        if (spansLines) {
          j = eol;
          value = text.slice(start + 1, eol); // an error token: its escapes need no decoding
        }
        errors.push({ start, end: j, message: 'unclosed text literal' });
      }
      put(count++, 'text', start, j, value, (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0));

      space = newline = false;
      i = j;
      continue;
    }
    if (c === 39 /* ' */) {
      const [j, value, closed] = scanQuoted(i + 1, 39);
      if (!closed) errors.push({ start, end: j, message: 'unclosed character literal' });
      else if (value.length === 0) errors.push({ start, end: j, message: 'empty character literal' });
      put(count++, 'char', start, j, value, (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0));

      space = newline = false;
      i = j;
      continue;
    }
    if (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) {
      const j = scanDigits(text, n, i + 1, false);
      put(
        count++,
        'dotnum',
        start,
        j,
        text.slice(i + 1, j),
        (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0),
      );

      space = newline = false;
      i = j;
      continue;
    }
    const candidates = punctByChar.get(text[i]);
    if (candidates) {
      let matched: string | undefined;
      for (const p of candidates) {
        if (text.startsWith(p, i)) {
          matched = p;
          break;
        }
      }
      if (matched) {
        put(
          count++,
          matched as TokenType,
          start,
          i + matched.length,
          matched,
          (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0),
        );

        space = newline = false;
        i += matched.length;
        continue;
      }
    }
    // anything else: one code point of garbage
    const cp = text.codePointAt(i)!;
    const len = cp >= 0x10000 ? 2 : 1;
    errors.push({ start, end: i + len, message: `unexpected character '${String.fromCodePoint(cp)}'` });
    put(
      count++,
      'error',
      start,
      i + len,
      text.slice(i, i + len),
      (space ? SPACE_BEFORE : 0) | (newline ? NEWLINE_BEFORE : 0),
    );

    space = newline = false;
    i += len;
  }
  put(count++, 'eof', n, n, '', SPACE_BEFORE | NEWLINE_BEFORE);
  const { types, starts, ends, values, flags } = pool;
  return {
    stream: { count, types, starts, ends, values, flags, comments, errors },
    unclosedText,
    firstMultiline,
  };
}
