/**
 * Hand-written, error-tolerant recursive-descent parser for Motoko (see `ast.ts` for the tree).
 *
 * The grammar and operator precedences follow the compiler's `parser.mly`. Differences are deliberate and
 * only make the parser more lenient (it accepts a superset, e.g. `case #a` without parentheses). On a syntax
 * error it records the error, skips to the next `;`, `}` or declaration keyword on a new line, and goes on;
 * it never throws and always terminates (every loop consumes a token or stops).
 */
import type * as A from './ast';
import { lexStream, SPACE_BEFORE, NEWLINE_BEFORE, type TokenStream, type TokenType } from './lexer';

export interface ParseError {
  start: number;
  end: number;
  message: string;
}

export interface ParseResult {
  program: A.Program;
  errors: ParseError[];
}

/** Parses a Motoko source file. Never throws. */
export function parseMotoko(text: string): ParseResult {
  const stream = lexStream(text);
  const { comments, errors: lexErrors } = stream;
  const parser = new Parser(stream, text);
  let decs: A.Dec[];
  try {
    decs = parser.parseProgramDecs();
  } catch (e) {
    // Only a pathological input (e.g. nesting deeper than the JS stack) gets here.
    decs = [];
    parser.errors.push({ start: 0, end: text.length, message: `parser failure: ${String(e)}` });
  }
  // A parse error at the token right after an unclosed literal echoes it (the literal took the `;`).
  const echoes = (e: ParseError) =>
    lexErrors.some(
      (l) => l.message.startsWith('unclosed') && l.end <= e.start && text.slice(l.end, e.start).trim() === '',
    );
  const errors = [...lexErrors, ...parser.errors.filter((e) => !echoes(e))].sort((a, b) => a.start - b.start);
  const program: A.Program = { kind: 'Program', start: 0, end: text.length, decs, comments };
  awaitsByProgram.set(program, parser.awaits);
  return { program, errors };
}

const awaitsByProgram = new WeakMap<A.Program, readonly A.AwaitExp[]>();

/**
 * Every `await` of a program `parseMotoko` made (a superset of those in its tree: the parser may drop one it
 * made), so that a look for awaits no lowering reached need not walk the whole tree when there is none.
 */
export function awaitsOf(program: A.Program): readonly A.AwaitExp[] | undefined {
  return awaitsByProgram.get(program);
}

const MAX_DEPTH = 400;

type BinInfo = { op: A.BinaryOp | 'and' | 'or' | ':'; prec: number; width: number };

const BIN_PREC: Partial<Record<TokenType, [A.BinaryOp, number]>> = {
  '|>': ['|>', 2],
  '==': ['==', 5],
  '!=': ['!=', 5],
  '<=': ['<=', 5],
  '>=': ['>=', 5],
  '+': ['+', 6],
  '-': ['-', 6],
  '+%': ['+%', 6],
  '-%': ['-%', 6],
  '#': ['#', 6],
  '*': ['*', 7],
  '*%': ['*%', 7],
  '/': ['/', 7],
  '%': ['%', 7],
  '|': ['|', 8],
  '&': ['&', 9],
  '^': ['^', 10],
  '<<': ['<<', 11],
  '<<>': ['<<>', 11],
  '<>>': ['<>>', 11],
  '**': ['**', 12],
  '**%': ['**%', 12],
};

const ASSIGN_OPS: ReadonlySet<string> = new Set([
  ':=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '**=',
  '+%=',
  '-%=',
  '*%=',
  '**%=',
  '&=',
  '|=',
  '^=',
  '<<=',
  '>>=',
  '<<>=',
  '<>>=',
  '#=',
]);

const LIT_TYPES: ReadonlySet<string> = new Set(['nat', 'float', 'char', 'text', 'true', 'false', 'null']);

const EXP_START: ReadonlySet<string> = new Set([
  'id',
  'nat',
  'float',
  'char',
  'text',
  'true',
  'false',
  'null',
  '(',
  '[',
  '{',
  '#',
  '?',
  '+',
  '-',
  '^',
  '+=',
  '-=',
  '^=',
  '_',
  'actor',
  'not',
  'debug_show',
  'to_candid',
  'from_candid',
  'return',
  'async',
  'async*',
  'await',
  'await*',
  'await?',
  'assert',
  'label',
  'break',
  'continue',
  'debug',
  'if',
  'try',
  'throw',
  'switch',
  'while',
  'loop',
  'for',
  'ignore',
  'do',
  'let',
  'var',
  'type',
  'func',
  'shared',
  'query',
  'composite',
  'persistent',
  'object',
  'module',
  'class',
  'mixin',
  'include',
]);

/** Tokens that start a declaration: recovery stops before them when they begin a line. */
const DEC_START: ReadonlySet<string> = new Set([
  'let',
  'var',
  'type',
  'func',
  'public',
  'private',
  'system',
  'shared',
  'query',
  'actor',
  'persistent',
  'module',
  'object',
  'class',
  'import',
  'stable',
  'flexible',
  'transient',
]);

/** Keywords that begin only a field of an object or actor body, never a declaration inside a block. */
const FIELD_ONLY_START: ReadonlySet<string> = new Set(['public', 'private', 'system']);

class Parser {
  readonly errors: ParseError[] = [];
  /** Every `await` node made, in the order made (one the parser later dropped included). */
  readonly awaits: A.AwaitExp[] = [];
  private p = 0;
  private depth = 0;

  private readonly types: TokenType[];
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly values: string[];
  private readonly flags: number[];
  private readonly last: number;

  constructor(
    stream: TokenStream,
    private readonly text: string,
  ) {
    this.types = stream.types;
    this.starts = stream.starts;
    this.ends = stream.ends;
    this.values = stream.values;
    this.flags = stream.flags;
    this.last = stream.count - 1;
  }

  // ------------------------------------------------------------------------------------------------------
  // Token helpers (tokens are indices into the stream's arrays)

  /** Index of the token `k` ahead (clamped to the final `eof`). */
  private peek(k = 1): number {
    return Math.min(this.p + k, this.last);
  }

  /** Consumes the current token (never past `eof`) and returns its index. */
  private next(): number {
    const i = this.p;
    if (this.types[i] !== 'eof') this.p++;
    return i;
  }

  private at(type: TokenType): boolean {
    return this.types[this.p] === type;
  }

  private eat(type: TokenType): boolean {
    if (this.types[this.p] === type) {
      this.p++;
      return true;
    }
    return false;
  }

  private spaceBefore(i: number): boolean {
    return (this.flags[i] & SPACE_BEFORE) !== 0;
  }

  private newlineBefore(i: number): boolean {
    return (this.flags[i] & NEWLINE_BEFORE) !== 0;
  }

  /** End offset of the last consumed token. */
  private get lastEnd(): number {
    return this.p > 0 ? this.ends[this.p - 1] : 0;
  }

  private error(message: string, start = this.starts[this.p], end = this.ends[this.p]): void {
    const last = this.errors[this.errors.length - 1];
    if (last && last.start === start) return;
    this.errors.push({ start, end, message });
  }

  private lit(i: number): A.LitExp {
    const type = this.types[i];
    let litKind: A.LitExp['litKind'];
    switch (type) {
      case 'nat':
      case 'float':
      case 'char':
      case 'text':
      case 'null':
        litKind = type;
        break;
      default:
        litKind = 'bool';
    }
    const start = this.starts[i];
    const end = this.ends[i];
    return { kind: 'Lit', start, end, litKind, raw: this.text.slice(start, end), value: this.values[i] };
  }

  private describe(i: number): string {
    const type = this.types[i];
    if (type === 'eof') return 'end of file';
    if (type === 'id') return `identifier '${this.values[i]}'`;
    return `'${type}'`;
  }

  private expect(type: TokenType): boolean {
    if (this.eat(type)) return true;
    this.error(`expected '${type}' but found ${this.describe(this.p)}`);
    return false;
  }

  private ident(): A.Ident {
    const t = this.p;
    if (this.types[t] === 'id') {
      this.p++;
      return { kind: 'Ident', start: this.starts[t], end: this.ends[t], name: this.values[t] };
    }
    this.error(`expected a name but found ${this.describe(t)}`);
    return { kind: 'Ident', start: this.starts[t], end: this.starts[t], name: '' };
  }

  /** `<` used as the less-than operator: spaces on both sides. */
  private isLtOp(): boolean {
    return this.types[this.p] === '<' && this.spaceBefore(this.p) && this.spaceBefore(this.peek());
  }

  private binInfo(): BinInfo | null {
    const t = this.p;
    switch (this.types[t]) {
      case ':':
        return { op: ':', prec: 1, width: 1 };
      case 'or':
        return { op: 'or', prec: 3, width: 1 };
      case 'and':
        return { op: 'and', prec: 4, width: 1 };
      case '<':
        return this.isLtOp() ? { op: '<', prec: 5, width: 1 } : null;
      case '>': {
        const n = this.peek();
        if (this.spaceBefore(t) && this.types[n] === '>' && this.starts[n] === this.ends[t]) {
          return { op: '>>', prec: 11, width: 2 };
        }
        return this.spaceBefore(t) && this.spaceBefore(n) ? { op: '>', prec: 5, width: 1 } : null;
      }
      default: {
        const info = BIN_PREC[this.types[t]];
        return info ? { op: info[0], prec: info[1], width: 1 } : null;
      }
    }
  }

  /** Skips to a synchronisation point: after `;`, before `}`/`)`/`]` closing the current level, or before a
   * declaration keyword at the start of a line. */
  private recover(): void {
    let depth = 0;
    for (;;) {
      const t = this.p;
      switch (this.types[t]) {
        case 'eof':
          return;
        case '(':
        case '[':
        case '{':
          depth++;
          break;
        case ')':
        case ']':
        case '}':
          if (depth === 0) return;
          depth--;
          break;
        case ';':
          if (depth === 0) {
            this.p++;
            return;
          }
          break;
        default:
          if (depth === 0 && this.newlineBefore(t) && DEC_START.has(this.types[t])) return;
      }
      this.p++;
    }
  }

  /**
   * A `public`/`private`/`system` field at the start of a line while a block, a `switch` or an object literal is
   * still open: that construct lacks its `}` (the user is typing in it), so it ends here and the actor's next
   * field is parsed as a field, not swallowed by the unclosed method.
   */
  private atNextField(): boolean {
    return FIELD_ONLY_START.has(this.types[this.p]) && this.newlineBefore(this.p);
  }

  /** Consumes the `}` of the construct opened at `open`; when a field comes first, reports the `{` itself. */
  private closeBrace(open: number): void {
    if (this.at('}') || !this.atNextField()) {
      this.expect('}');
      return;
    }
    const line = this.text.slice(0, this.starts[this.p]).split('\n').length;
    this.error(`this '{' is not closed before the declaration on line ${line}`, open, open + 1);
  }

  // ------------------------------------------------------------------------------------------------------
  // Programs, declaration lists, fields

  parseProgramDecs(): A.Dec[] {
    return this.parseDecList('eof', false) as A.Dec[];
  }

  /** `seplist(dec, ;)` up to `closer` (not consumed). */
  private parseDecList(closer: 'eof' | '}', fields: boolean): (A.Dec | A.DecField)[] {
    const items: (A.Dec | A.DecField)[] = [];
    while (!this.at(closer) && !this.at('eof')) {
      if (!fields && closer === '}' && this.atNextField()) break;
      const before = this.p;
      if (this.at(';')) {
        this.error("unexpected ';'");
        this.p++;
        continue;
      }
      if (closer === 'eof' && (this.at('}') || this.at(')') || this.at(']'))) {
        this.error(`unexpected ${this.describe(this.p)}`);
        this.p++;
        continue;
      }
      const errorsBefore = this.errors.length;
      const item = fields ? this.parseDecField() : this.parseDec();
      items.push(item);
      if (this.eat(';')) continue;
      // The compiler's grammar concatenates the import list and the declaration list: no `;` is needed
      // after the last import.
      if (item.kind === 'ImportDec' && closer === 'eof') continue;
      if (this.at(closer) || this.at('eof')) break;
      if (!fields && closer === '}' && this.atNextField()) break;
      // A field whose unclosed `{` was just reported needs no second error for the `;` it lacks.
      if (fields && this.atNextField() && this.errors.length > errorsBefore) continue;
      this.error(
        `expected ';' or '${closer === 'eof' ? 'end of file' : '}'}' but found ${this.describe(this.p)}`,
      );
      this.recover();
      if (this.p === before) {
        if (this.at(closer) || this.at('eof') || (!fields && this.atNextField())) break;
        this.p++;
      }
    }
    return items;
  }

  private parseDec(): A.Dec {
    if (this.at('import')) return this.parseImport();
    return this.parseExp(true, true);
  }

  private parseImport(): A.ImportDec {
    const start = this.starts[this.next()];
    const pattern = this.parsePatNullary();
    this.eat('=');
    const t = this.p;
    let path = '';
    if (this.types[t] === 'text') {
      this.p++;
      path = this.values[t];
    } else {
      this.error(`expected an import path but found ${this.describe(t)}`);
    }
    return {
      kind: 'ImportDec',
      start,
      end: this.lastEnd,
      pattern,
      path,
      pathRange: { start: this.starts[t], end: this.types[t] === 'text' ? this.ends[t] : this.starts[t] },
    };
  }

  private parseDecField(): A.DecField {
    const start = this.starts[this.p];
    let visibility: A.DecField['visibility'] = null;
    const v = this.types[this.p];
    if (v === 'public' || v === 'private' || v === 'system') {
      visibility = v;
      this.p++;
    }
    let parenthetical: A.ObjectExp | null = null;
    if (visibility === 'public' && this.at('(') && this.types[this.peek()] === 'with') {
      parenthetical = this.parseParenthetical();
    }
    let stability: A.DecField['stability'] = null;
    const s = this.types[this.p];
    if (s === 'stable' || s === 'flexible' || s === 'transient') {
      stability = s;
      this.p++;
    }
    const dec = this.parseDec();
    return { kind: 'DecField', start, end: this.lastEnd, visibility, stability, parenthetical, dec };
  }

  // ------------------------------------------------------------------------------------------------------
  // Expressions and declarations in expression position

  /** `exp(B)`: an expression or a declaration; `allowObj` = `B` is `ob` (a leading `{` is an object). */
  private parseExp(allowObj: boolean, allowLetElse = false): A.Exp {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      return this.tooDeep();
    }
    try {
      return this.parseExpInner(allowObj, allowLetElse);
    } finally {
      this.depth--;
    }
  }

  private tooDeep(): A.ErrorExp {
    const t = this.p;
    this.error('nesting too deep');
    // Skip only what is nested deeper: up to the bracket that closes an enclosing level (or a `;` at this
    // level), so the enclosing levels and the rest of the file (its other functions) still parse.
    for (let depth = 0; !this.at('eof'); this.p++) {
      const type = this.types[this.p];
      if (type === '(' || type === '[' || type === '{') depth++;
      else if (type === ')' || type === ']' || type === '}') {
        if (depth === 0) break;
        depth--;
      } else if (type === ';' && depth === 0) break;
    }
    return { kind: 'ErrorExp', start: this.starts[t], end: this.starts[t] };
  }

  private parseExpInner(allowObj: boolean, allowLetElse: boolean): A.Exp {
    const t = this.p;
    switch (this.types[t]) {
      case 'var':
        return this.parseVarDec();
      case 'let':
        return this.parseLet(allowLetElse);
      case 'type':
        return this.parseTypeDec();
      case 'func':
        return this.parseFunc(this.starts[t], 'local', null, null);
      case 'shared':
      case 'query':
        return this.parseSharedThing(this.starts[t], null);
      case 'composite':
        if (this.types[this.peek()] === 'query') return this.parseSharedThing(this.starts[t], null);
        break;
      case 'actor': {
        const n = this.types[this.peek()];
        if (n === '{' || n === 'id' || n === ':' || n === '=' || n === 'class') {
          return this.parseObjOrClass(this.starts[t], null, 'local', null, null);
        }
        break;
      }
      case 'persistent':
      case 'module':
      case 'object':
      case 'class':
        return this.parseObjOrClass(this.starts[t], null, 'local', null, null);
      case 'mixin':
        return this.parseMixin();
      case 'include':
        return this.parseInclude();
    }
    return this.parseExpNondec(allowObj);
  }

  private parseVarDec(): A.VarDec {
    const start = this.starts[this.next()];
    const name = this.ident();
    let type: A.Type | null = null;
    if (this.eat(':')) type = this.parseType();
    let init: A.Exp | null = null;
    if (this.eat('=')) init = this.parseExp(true);
    else if (!type) this.error(`expected '=' but found ${this.describe(this.p)}`);
    return { kind: 'VarDec', start, end: this.lastEnd, name, type, init };
  }

  private parseLet(allowLetElse: boolean): A.LetDec {
    const start = this.starts[this.next()];
    const pattern = this.parsePat();
    let init: A.Exp | null = null;
    let elseBody: A.Exp | null = null;
    if (this.eat('=')) {
      init = this.parseExp(true);
      if (allowLetElse && this.eat('else')) elseBody = this.parseExpNest();
    }
    return { kind: 'LetDec', start, end: this.lastEnd, pattern, init, elseBody };
  }

  private parseTypeDec(): A.TypeDec {
    const start = this.starts[this.next()];
    const name = this.ident();
    const typeParams = this.at('<') ? this.parseTypeParams().binds : [];
    this.expect('=');
    const type = this.parseType();
    return { kind: 'TypeDec', start, end: this.lastEnd, name, typeParams, type };
  }

  private parseMixin(): A.MixinDec {
    const start = this.starts[this.next()];
    let system = false;
    if (this.at('<') && this.types[this.peek()] === 'system') {
      this.p += 2;
      this.expect('>');
      system = true;
    }
    const param = this.parsePatPlain();
    const fields = this.parseObjBody();
    return { kind: 'MixinDec', start, end: this.lastEnd, system, param, fields };
  }

  private parseInclude(): A.IncludeDec {
    const start = this.starts[this.next()];
    const name = this.ident();
    let system = false;
    if (this.at('<') && this.types[this.peek()] === 'system') {
      this.p += 2;
      this.expect('>');
      system = true;
    }
    const arg = this.parseExp(true);
    return { kind: 'IncludeDec', start, end: this.lastEnd, name, system, arg };
  }

  /** `shared [query|composite query] [pat]` or `[composite] query [pat]`, then `func` or a class/actor. */
  private parseSharedThing(start: number, parenthetical: A.ObjectExp | null): A.Exp {
    let sort: A.FuncSort = 'shared';
    const sortStart = this.starts[this.p];
    if (this.eat('shared')) {
      if (this.eat('query')) sort = 'query';
      else if (this.at('composite') && this.types[this.peek()] === 'query') {
        this.p += 2;
        sort = 'composite query';
      }
    } else if (this.eat('query')) {
      sort = 'query';
    } else if (this.at('composite')) {
      this.p++;
      this.expect('query');
      sort = 'composite query';
    }
    const sortRange = { start: sortStart, end: this.lastEnd };
    let callerPattern: A.Pat | null = null;
    const t = this.types[this.p];
    if (t === '(' || t === 'id' || t === '_' || LIT_TYPES.has(t)) callerPattern = this.parsePatPlain();
    if (this.at('func')) return this.parseFunc(start, sort, sortRange, callerPattern);
    return this.parseObjOrClass(start, parenthetical, sort, callerPattern, sortRange);
  }

  private parseFunc(
    start: number,
    sort: A.FuncSort,
    sortRange: A.NodeBase | null,
    callerPattern: A.Pat | null,
  ): A.Func {
    const funcKeyword = this.starts[this.p];
    this.expect('func');
    // `func f(x)` names the function; in `func x = e` / `func x { … }` the name is the (only) parameter.
    let name: A.Ident | null = null;
    if (this.at('id')) {
      const n = this.types[this.peek()];
      if (n === '<' || n === '(' || n === 'id' || n === '_' || LIT_TYPES.has(n)) name = this.ident();
    }
    const { binds: typeParams, system: systemTypeParam } = this.at('<')
      ? this.parseTypeParams()
      : { binds: [], system: false };
    const param = this.parsePatPlain();
    let returnType: A.Type | null = null;
    if (this.eat(':')) returnType = this.parseType();
    let body: A.Exp;
    let bodyIsBlock = false;
    if (this.at('{')) {
      body = this.parseBlock();
      bodyIsBlock = true;
    } else if (this.eat('=')) {
      body = this.parseExp(true);
    } else {
      this.error(`expected a function body but found ${this.describe(this.p)}`);
      body = { kind: 'ErrorExp', start: this.starts[this.p], end: this.starts[this.p] };
    }
    const asyncKind = returnType?.kind === 'AsyncType' ? (returnType.star ? 'async*' : 'async') : null;
    return {
      kind: 'Func',
      start,
      end: this.lastEnd,
      sort,
      sortRange,
      callerPattern,
      name,
      funcKeyword,
      typeParams,
      systemTypeParam,
      param,
      params: patList(param),
      returnType,
      asyncKind,
      body,
      bodyIsBlock,
    };
  }

  /** `[persistent] actor|module|object [name] [: T] [=] { … }` or `… class …`. */
  private parseObjOrClass(
    start: number,
    parenthetical: A.ObjectExp | null,
    sharedSort: A.FuncSort,
    callerPattern: A.Pat | null,
    _sortRange: A.NodeBase | null,
  ): A.ObjectDec | A.ClassDec | A.ErrorExp {
    const persistent = this.eat('persistent');
    let sort: A.ObjSort = 'object';
    const sortKeyword = this.starts[this.p];
    const t = this.types[this.p];
    const hasSort = t === 'actor' || t === 'module' || t === 'object';
    if (hasSort) {
      sort = t;
      this.p++;
    }
    if (this.at('class')) {
      const classKeyword = this.starts[this.next()];
      const name = this.at('id') ? this.ident() : null;
      const { binds: typeParams, system: systemTypeParam } = this.at('<')
        ? this.parseTypeParams()
        : { binds: [], system: false };
      const param = this.parsePatPlain();
      let returnType: A.Type | null = null;
      if (this.eat(':')) returnType = this.parseType();
      let selfName: A.Ident | null = null;
      if (this.eat('=') && this.at('id')) selfName = this.ident();
      const fields = this.parseObjBody();
      return {
        kind: 'ClassDec',
        start,
        end: this.lastEnd,
        parenthetical,
        sort,
        persistent,
        sharedSort,
        callerPattern,
        name,
        typeParams,
        systemTypeParam,
        param,
        params: patList(param),
        returnType,
        selfName,
        fields,
        classKeyword,
      };
    }
    if (!hasSort) {
      this.error(`expected 'actor', 'module', 'object' or 'class' but found ${this.describe(this.p)}`);
      return { kind: 'ErrorExp', start, end: this.lastEnd };
    }
    const name = this.at('id') ? this.ident() : null;
    let type: A.Type | null = null;
    if (this.eat(':')) type = this.parseType();
    this.eat('=');
    const fields = this.parseObjBody();
    return {
      kind: 'ObjectDec',
      start,
      end: this.lastEnd,
      parenthetical,
      sort,
      persistent,
      name,
      type,
      fields,
      sortKeyword,
    };
  }

  private parseObjBody(): A.DecField[] {
    if (!this.expect('{')) return [];
    const fields = this.parseDecList('}', true) as A.DecField[];
    this.expect('}');
    return fields;
  }

  /** `exp_nest`: a block, or an expression not starting with `{`. */
  private parseExpNest(): A.Exp {
    if (this.at('{')) return this.parseBlock();
    return this.parseExp(false);
  }

  private parseBlock(): A.BlockExp {
    const start = this.starts[this.p];
    this.expect('{');
    const decs = this.parseDecList('}', false) as A.Dec[];
    this.closeBrace(start);
    return { kind: 'Block', start, end: this.lastEnd, decs };
  }

  private parseExpNondec(allowObj: boolean): A.Exp {
    const t = this.p;
    const start = this.starts[t];
    switch (this.types[t]) {
      case 'return': {
        this.p++;
        const value = EXP_START.has(this.types[this.p]) ? this.parseExp(true) : null;
        return { kind: 'Return', start, end: this.lastEnd, value };
      }
      case 'async':
      case 'async*': {
        this.p++;
        const body = this.parseExpNest();
        return {
          kind: 'Async',
          start,
          end: this.lastEnd,
          parenthetical: null,
          star: this.types[t] === 'async*',
          body,
        };
      }
      case 'await':
      case 'await*':
      case 'await?': {
        this.p++;
        const operand = this.parseExpNest();
        const node: A.AwaitExp = { kind: 'Await', start, end: this.lastEnd, op: this.types[t], operand };
        this.awaits.push(node);
        return node;
      }
      case 'assert': {
        this.p++;
        const operand = this.parseExpNest();
        return { kind: 'Assert', start, end: this.lastEnd, operand };
      }
      case 'label': {
        this.p++;
        const name = this.ident();
        const type = this.eat(':') ? this.parseType() : null;
        const body = this.parseExpNest();
        return { kind: 'Label', start, end: this.lastEnd, name, type, body };
      }
      case 'break': {
        this.p++;
        let label: A.Ident | null = null;
        let value: A.Exp | null = null;
        if (this.at('id')) {
          label = this.ident();
          if (this.startsNullary()) value = this.parseExpNullary(true);
        }
        return { kind: 'Break', start, end: this.lastEnd, label, value };
      }
      case 'continue': {
        this.p++;
        const label = this.at('id') ? this.ident() : null;
        return { kind: 'Continue', start, end: this.lastEnd, label };
      }
      case 'debug': {
        this.p++;
        const body = this.parseExpNest();
        return { kind: 'Debug', start, end: this.lastEnd, body };
      }
      case 'if': {
        this.p++;
        const cond = this.parseExpNullary(true);
        const thenBranch = this.parseExpNest();
        const elseBranch = this.eat('else') ? this.parseExpNest() : null;
        return { kind: 'If', start, end: this.lastEnd, cond, thenBranch, elseBranch };
      }
      case 'try': {
        this.p++;
        const body = this.parseExpNest();
        let catchClause: A.CatchClause | null = null;
        if (this.at('catch')) {
          const cs = this.starts[this.next()];
          const pattern = this.parsePatCase();
          const cbody = this.parseExpNest();
          catchClause = { kind: 'Catch', start: cs, end: this.lastEnd, pattern, body: cbody };
        }
        const finallyBody = this.eat('finally') ? this.parseExpNest() : null;
        if (!catchClause && !finallyBody)
          this.error(`expected 'catch' or 'finally' but found ${this.describe(this.p)}`);
        return { kind: 'Try', start, end: this.lastEnd, body, catchClause, finallyBody };
      }
      case 'throw': {
        this.p++;
        const operand = this.parseExpNest();
        return { kind: 'Throw', start, end: this.lastEnd, operand };
      }
      case 'switch': {
        this.p++;
        const scrutinee = this.parseExpNullary(true);
        const cases = this.parseCases();
        return { kind: 'Switch', start, end: this.lastEnd, scrutinee, cases };
      }
      case 'while': {
        this.p++;
        const cond = this.parseExpNullary(true);
        const body = this.parseExpNest();
        return { kind: 'While', start, end: this.lastEnd, cond, body };
      }
      case 'loop': {
        this.p++;
        const body = this.parseExpNest();
        const whileCond = this.eat('while') ? this.parseExpNest() : null;
        return { kind: 'Loop', start, end: this.lastEnd, body, whileCond };
      }
      case 'for': {
        this.p++;
        this.expect('(');
        const pattern = this.parsePat();
        this.expect('in');
        const iterable = this.parseExp(true);
        this.expect(')');
        const body = this.parseExpNest();
        return { kind: 'For', start, end: this.lastEnd, pattern, iterable, body };
      }
      case 'ignore': {
        this.p++;
        const operand = this.parseExpNest();
        return { kind: 'Ignore', start, end: this.lastEnd, operand };
      }
      case 'do': {
        this.p++;
        if (this.eat('?')) {
          const body = this.parseBlock();
          return { kind: 'DoOpt', start, end: this.lastEnd, body };
        }
        const body = this.parseBlock();
        return { kind: 'Do', start, end: this.lastEnd, body };
      }
    }
    const left = this.parseExpBin(allowObj, 1);
    const op = this.types[this.p];
    if (ASSIGN_OPS.has(op)) {
      this.p++;
      const value = this.parseExp(true);
      return { kind: 'Assign', start, end: this.lastEnd, op: op as A.AssignOp, target: left, value };
    }
    if (op === '?' && this.types[this.peek()] === '?' && this.starts[this.peek()] === this.ends[this.p]) {
      this.p += 2;
      const right = this.parseExpNest();
      return { kind: 'Binary', start, end: this.lastEnd, op: '??', left, right };
    }
    return left;
  }

  private parseCases(): A.SwitchCase[] {
    const cases: A.SwitchCase[] = [];
    const open = this.starts[this.p];
    if (!this.expect('{')) return cases;
    while (!this.at('}') && !this.at('eof') && !this.atNextField()) {
      const before = this.p;
      if (this.at('case')) {
        const cs = this.starts[this.next()];
        const pattern = this.parsePatCase();
        const body = this.parseExpNest();
        cases.push({ kind: 'Case', start: cs, end: this.lastEnd, pattern, body });
        if (this.eat(';') || this.at('}')) continue;
        this.error(`expected ';' or '}' but found ${this.describe(this.p)}`);
      } else {
        this.error(`expected 'case' but found ${this.describe(this.p)}`);
      }
      this.recover();
      if (this.p === before && !this.at('}') && !this.at('eof') && !this.atNextField()) this.p++;
    }
    this.closeBrace(open);
    return cases;
  }

  private parseExpBin(allowObj: boolean, minPrec: number): A.Exp {
    const start = this.starts[this.p];
    let left = this.parseExpUn(allowObj);
    for (;;) {
      const info = this.binInfo();
      if (!info || info.prec < minPrec) return left;
      this.p += info.width;
      if (info.op === ':') {
        const type = this.parseTypeNobin();
        left = { kind: 'Annot', start, end: this.lastEnd, expr: left, type };
        continue;
      }
      const right = this.parseExpBin(true, info.prec + 1);
      left =
        info.op === 'and' || info.op === 'or'
          ? { kind: 'Logical', start, end: this.lastEnd, op: info.op, left, right }
          : { kind: 'Binary', start, end: this.lastEnd, op: info.op, left, right };
    }
  }

  private parseExpUn(allowObj: boolean): A.Exp {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      return this.tooDeep();
    }
    try {
      return this.parseExpUnInner(allowObj);
    } finally {
      this.depth--;
    }
  }

  private parseExpUnInner(allowObj: boolean): A.Exp {
    const t = this.p;
    const start = this.starts[t];
    switch (this.types[t]) {
      case '(':
        if (this.isParenthetical()) return this.parseAfterParenthetical();
        break;
      case '#': {
        this.p++;
        const name = this.ident();
        const payload = this.startsNullary() ? this.parseExpNullary(true) : null;
        return { kind: 'Tag', start, end: this.lastEnd, name, payload };
      }
      case '?': {
        this.p++;
        const operand = this.parseExpUn(true);
        return { kind: 'Opt', start, end: this.lastEnd, operand };
      }
      case '+':
      case '-':
      case '^': {
        this.p++;
        const operand = this.parseExpUn(true);
        return { kind: 'Unary', start, end: this.lastEnd, op: this.types[t], operand };
      }
      case '+=':
      case '-=':
      case '^=': {
        this.p++;
        const target = this.parseExpUn(true);
        return { kind: 'UnaryAssign', start, end: this.lastEnd, op: this.types[t], target };
      }
      case 'actor': {
        this.p++;
        const url = this.parseExpNullary(false);
        return { kind: 'ActorUrl', start, end: this.lastEnd, url };
      }
      case 'not': {
        this.p++;
        const operand = this.parseExpUn(true);
        return { kind: 'Not', start, end: this.lastEnd, operand };
      }
      case 'debug_show': {
        this.p++;
        const operand = this.parseExpUn(true);
        return { kind: 'Show', start, end: this.lastEnd, operand };
      }
      case 'from_candid': {
        this.p++;
        const operand = this.parseExpUn(true);
        return { kind: 'FromCandid', start, end: this.lastEnd, operand };
      }
      case 'to_candid': {
        this.p++;
        this.expect('(');
        const args = this.parseExpList(')');
        this.expect(')');
        return { kind: 'ToCandid', start, end: this.lastEnd, args };
      }
    }
    return this.parseExpPost(allowObj);
  }

  /** Looks ahead from `(` for a `with` at the same nesting level: `(with …)` / `(base with …)`. */
  private isParenthetical(): boolean {
    return this.types[this.peek()] === 'with' || this.markerAhead(['with']);
  }

  /**
   * Scans ahead of the current token for one of `markers` at the current nesting level, stopping where that level
   * closes, at a `;` or at the end (bounded, since it only disambiguates a construct's start).
   */
  private markerAhead(markers: readonly TokenType[]): boolean {
    let depth = 0;
    for (let k = 1; k < 200; k++) {
      const type = this.types[this.peek(k)];
      switch (type) {
        case '(':
        case '[':
        case '{':
          depth++;
          break;
        case ')':
        case ']':
        case '}':
          if (depth === 0) return false;
          depth--;
          break;
        case ';':
        case 'eof':
          return false;
        default:
          if (depth === 0 && type !== undefined && markers.includes(type)) return true;
      }
    }
    return false;
  }

  /** `( [base] with fields )` as an object expression. */
  private parseParenthetical(): A.ObjectExp {
    const start = this.starts[this.p];
    this.expect('(');
    const bases: A.Exp[] = [];
    if (!this.at('with')) bases.push(this.parseExpPost(true));
    this.expect('with');
    const fields = this.parseExpFields(')');
    this.expect(')');
    return { kind: 'Object', start, end: this.lastEnd, bases, fields };
  }

  private parseAfterParenthetical(): A.Exp {
    const par = this.parseParenthetical();
    const t = this.p;
    switch (this.types[t]) {
      case 'async':
      case 'async*': {
        this.p++;
        const body = this.parseExpNest();
        return {
          kind: 'Async',
          start: par.start,
          end: this.lastEnd,
          parenthetical: par,
          star: this.types[t] === 'async*',
          body,
        };
      }
      case 'shared':
      case 'query':
      case 'composite':
        return this.parseSharedThing(par.start, par);
      case 'actor':
      case 'persistent':
      case 'module':
      case 'object':
      case 'class':
        return this.parseObjOrClass(par.start, par, 'local', null, null);
    }
    const e = this.parseExpPost(true);
    if (e.kind === 'Call' && !e.parenthetical) {
      e.parenthetical = par;
      e.start = par.start;
      return e;
    }
    this.error('expected a call after a parenthetical `(with …)`', par.start, par.end);
    return e;
  }

  private parseExpList(closer: ')' | ']'): A.Exp[] {
    const list: A.Exp[] = [];
    this.commaList(closer, () => list.push(this.parseExp(true)));
    return list;
  }

  /**
   * Items separated by `,` up to `closer` (not consumed), a trailing comma allowed. An item followed by neither
   * is reported and ends the list, so recovery continues at the closer. Returns whether a comma came last.
   */
  private commaList(closer: TokenType, item: () => void): boolean {
    let trailingComma = false;
    while (!this.at(closer) && !this.at('eof')) {
      item();
      trailingComma = this.eat(',');
      if (trailingComma) continue;
      if (!this.at(closer)) this.error(`expected ',' or '${closer}' but found ${this.describe(this.p)}`);
      break;
    }
    return trailingComma;
  }

  private startsNullary(): boolean {
    const t = this.types[this.p];
    return t === '(' || t === '{' || t === 'id' || t === '_' || LIT_TYPES.has(t);
  }

  private parseExpPost(allowObj: boolean): A.Exp {
    const start = this.starts[this.p];
    let e: A.Exp;
    if (this.at('[')) {
      this.p++;
      const mutable = this.eat('var');
      const elements = this.parseExpList(']');
      this.expect(']');
      e = { kind: 'Array', start, end: this.lastEnd, mutable, elements };
    } else {
      e = this.parseExpNullary(allowObj);
      if (e.kind === 'ErrorExp') return e;
    }
    for (;;) {
      const t = this.p;
      switch (this.types[t]) {
        case '[': {
          this.p++;
          const index = this.parseExp(true);
          this.expect(']');
          e = { kind: 'Index', start, end: this.lastEnd, object: e, index };
          continue;
        }
        case 'dotnum':
          this.p++;
          e = { kind: 'Proj', start, end: this.lastEnd, object: e, index: Number(this.values[t]) };
          continue;
        case '.': {
          this.p++;
          const name = this.ident();
          e = { kind: 'Dot', start, end: this.lastEnd, object: e, name };
          continue;
        }
        case '!':
          this.p++;
          e = { kind: 'Bang', start, end: this.lastEnd, operand: e };
          continue;
        case '<': {
          if (this.isLtOp()) return e;
          const { types, system } = this.parseTypeArgs();
          const arg = this.parseExpArg();
          e = this.mkCall(start, e, types, system, arg);
          continue;
        }
        case '(':
        case '{':
        case 'id':
        case '_':
        case 'nat':
        case 'float':
        case 'char':
        case 'text':
        case 'true':
        case 'false':
        case 'null': {
          const arg = this.parseExpArg();
          e = this.mkCall(start, e, null, false, arg);
          continue;
        }
      }
      return e;
    }
  }

  private mkCall(
    start: number,
    callee: A.Exp,
    typeArgs: A.Type[] | null,
    system: boolean,
    arg: A.Exp,
  ): A.CallExp {
    const args = arg.kind === 'Tuple' ? arg.elements : arg.kind === 'Paren' ? [arg.inner] : [arg];
    return {
      kind: 'Call',
      start,
      end: this.lastEnd,
      parenthetical: null,
      callee,
      typeArgs,
      systemTypeArg: system,
      arg,
      args,
    };
  }

  private parseExpArg(): A.Exp {
    return this.parseExpNullary(true);
  }

  private parseExpNullary(allowObj: boolean): A.Exp {
    const t = this.p;
    const start = this.starts[t];
    switch (this.types[t]) {
      case '{':
        if (allowObj) return this.parseObjectOrBlock();
        return this.parseBlock();
      case '(':
        return this.parseParen();
      case 'id':
        this.p++;
        return { kind: 'Var', start, end: this.ends[t], name: this.values[t] };
      case '_':
        this.p++;
        return { kind: 'Var', start, end: this.ends[t], name: '_' };
      case 'nat':
      case 'float':
      case 'char':
      case 'text':
      case 'true':
      case 'false':
      case 'null':
        this.p++;
        return this.lit(t);
    }
    this.error(`expected an expression but found ${this.describe(t)}`);
    return { kind: 'ErrorExp', start, end: start };
  }

  private parseParen(): A.Exp {
    const start = this.starts[this.next()];
    if (this.eat(')')) return { kind: 'Tuple', start, end: this.lastEnd, elements: [] };
    if (this.eat('system')) {
      // `(system M.f)`
      const inner = this.parseExpPost(true);
      this.expect(')');
      return { kind: 'Paren', start, end: this.lastEnd, inner };
    }
    const first = this.parseExp(true);
    if (this.at(',')) {
      const elements = [first];
      while (this.eat(',')) {
        if (this.at(')')) break;
        const before = this.p;
        elements.push(this.parseExp(true));
        if (this.p === before) break;
      }
      this.expect(')');
      return { kind: 'Tuple', start, end: this.lastEnd, elements };
    }
    this.expect(')');
    return { kind: 'Paren', start, end: this.lastEnd, inner: first };
  }

  /** After `{` in `ob` position: an object literal, or (tolerated, with an error) a block. */
  private parseObjectOrBlock(): A.Exp {
    const start = this.starts[this.p];
    const n = this.peek();
    const n2 = this.types[this.peek(2)];
    const isFieldList =
      this.types[n] === '}' ||
      this.types[n] === 'var' ||
      (this.types[n] === 'id' && (n2 === '=' || n2 === ':' || n2 === ';' || n2 === '}'));
    if (isFieldList) {
      this.p++;
      const fields = this.parseExpFields('}');
      this.closeBrace(start);
      return { kind: 'Object', start, end: this.lastEnd, bases: [], fields };
    }
    if (this.hasBaseMarker()) {
      this.p++;
      const bases: A.Exp[] = [this.parseExpPost(true)];
      while (this.eat('and')) bases.push(this.parseExpPost(true));
      let fields: A.ExpField[] = [];
      if (this.eat('with')) fields = this.parseExpFields('}');
      this.expect('}');
      return { kind: 'Object', start, end: this.lastEnd, bases, fields };
    }
    const block = this.parseBlock();
    this.error(
      'a block here must be written `do { … }` (a `{` at this position starts an object)',
      start,
      start + 1,
    );
    return block;
  }

  /** From `{`: is there an `and`/`with` at the same level before the first `;` or the closing `}`? */
  private hasBaseMarker(): boolean {
    return this.markerAhead(['with', 'and']);
  }

  private parseExpFields(closer: '}' | ')'): A.ExpField[] {
    const fields: A.ExpField[] = [];
    while (!this.at(closer) && !this.at('eof') && !this.atNextField()) {
      const before = this.p;
      const start = this.starts[this.p];
      const mutable = this.eat('var');
      const name = this.ident();
      const type = this.eat(':') ? this.parseType() : null;
      const value = this.eat('=') ? this.parseExp(true) : null;
      fields.push({ kind: 'ExpField', start, end: this.lastEnd, mutable, name, type, value });
      if (this.eat(';')) continue;
      if (this.at(closer)) break;
      this.error(`expected ';' or '${closer}' but found ${this.describe(this.p)}`);
      this.recover();
      if (this.p === before) {
        if (this.at(closer) || this.at('eof') || this.atNextField()) break;
        this.p++;
      }
    }
    return fields;
  }

  // ------------------------------------------------------------------------------------------------------
  // Patterns

  private parsePat(): A.Pat {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.tooDeep();
      return { kind: 'ErrorPat', start: this.starts[this.p], end: this.starts[this.p] };
    }
    try {
      return this.parsePatBin(1);
    } finally {
      this.depth--;
    }
  }

  private parsePatBin(minPrec: number): A.Pat {
    const start = this.starts[this.p];
    let left = this.parsePatUn();
    for (;;) {
      const t = this.types[this.p];
      const prec = t === ':' ? 1 : t === 'or' ? 2 : t === 'and' ? 3 : 0;
      if (prec === 0 || prec < minPrec) return left;
      this.p++;
      if (t === ':') {
        const type = this.parseType();
        left = { kind: 'AnnotPat', start, end: this.lastEnd, pattern: left, type };
      } else {
        const right = this.parsePatBin(prec + 1);
        left =
          t === 'or'
            ? { kind: 'AltPat', start, end: this.lastEnd, left, right }
            : { kind: 'AndPat', start, end: this.lastEnd, left, right };
      }
    }
  }

  /** Pattern after `case` / `catch`: `pat_nullary` in the grammar; we also accept `#tag …` and `?p`. */
  private parsePatCase(): A.Pat {
    return this.parsePatUn();
  }

  private parsePatUn(): A.Pat {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.tooDeep();
      return { kind: 'ErrorPat', start: this.starts[this.p], end: this.starts[this.p] };
    }
    try {
      return this.parsePatUnInner();
    } finally {
      this.depth--;
    }
  }

  private parsePatUnInner(): A.Pat {
    const t = this.p;
    const start = this.starts[t];
    switch (this.types[t]) {
      case '#': {
        this.p++;
        const name = this.ident();
        const n = this.types[this.p];
        const payload =
          n === '(' || n === '{' || n === 'id' || n === '_' || LIT_TYPES.has(n)
            ? this.parsePatNullary()
            : null;
        return { kind: 'TagPat', start, end: this.lastEnd, name, payload };
      }
      case '?': {
        this.p++;
        const inner = this.parsePatUn();
        return { kind: 'OptPat', start, end: this.lastEnd, inner };
      }
      case '+':
      case '-':
      case '^':
        if (LIT_TYPES.has(this.types[this.peek()])) {
          this.p++;
          const lit = this.lit(this.next());
          return { kind: 'LitPat', start, end: this.lastEnd, sign: this.types[t], lit };
        }
        break;
    }
    return this.parsePatNullary();
  }

  private parsePatNullary(): A.Pat {
    if (!this.at('{')) return this.parsePatPlain();
    const start = this.starts[this.next()];
    const fields: A.PatField[] = [];
    while (!this.at('}') && !this.at('eof')) {
      const before = this.p;
      const fs = this.starts[this.p];
      if (this.eat('type')) {
        const name = this.ident();
        fields.push({
          kind: 'PatField',
          start: fs,
          end: this.lastEnd,
          name,
          type: null,
          pattern: null,
          isType: true,
        });
      } else {
        const name = this.ident();
        const type = this.eat(':') ? this.parseType() : null;
        const pattern = this.eat('=') ? this.parsePat() : null;
        fields.push({ kind: 'PatField', start: fs, end: this.lastEnd, name, type, pattern, isType: false });
      }
      if (this.eat(';')) continue;
      if (this.at('}')) break;
      this.error(`expected ';' or '}' but found ${this.describe(this.p)}`);
      this.recover();
      if (this.p === before) {
        if (this.at('}') || this.at('eof')) break;
        this.p++;
      }
    }
    this.expect('}');
    return { kind: 'RecordPat', start, end: this.lastEnd, fields };
  }

  private parsePatPlain(): A.Pat {
    const t = this.p;
    const start = this.starts[t];
    switch (this.types[t]) {
      case '_':
        this.p++;
        return { kind: 'WildPat', start, end: this.ends[t] };
      case 'id':
        this.p++;
        return {
          kind: 'VarPat',
          start,
          end: this.ends[t],
          name: { kind: 'Ident', start, end: this.ends[t], name: this.values[t] },
        };
      case 'nat':
      case 'float':
      case 'char':
      case 'text':
      case 'true':
      case 'false':
      case 'null':
        this.p++;
        return { kind: 'LitPat', start, end: this.ends[t], sign: null, lit: this.lit(t) };
      case '(': {
        this.p++;
        const elements: A.Pat[] = [];
        const trailingComma = this.commaList(')', () => elements.push(this.parsePat()));
        this.expect(')');
        if (elements.length === 1 && !trailingComma) {
          return { kind: 'ParenPat', start, end: this.lastEnd, inner: elements[0] };
        }
        return { kind: 'TuplePat', start, end: this.lastEnd, elements };
      }
    }
    this.error(`expected a pattern but found ${this.describe(t)}`);
    return { kind: 'ErrorPat', start, end: start };
  }

  // ------------------------------------------------------------------------------------------------------
  // Types

  private parseType(): A.Type {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.tooDeep();
      return { kind: 'ErrorType', start: this.starts[this.p], end: this.starts[this.p] };
    }
    try {
      const start = this.starts[this.p];
      let left = this.parseTypeAnd();
      while (this.eat('or')) {
        const right = this.parseTypeAnd();
        left = { kind: 'OrType', start, end: this.lastEnd, left, right };
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private parseTypeAnd(): A.Type {
    const start = this.starts[this.p];
    let left = this.parseTypeNobin();
    while (this.eat('and')) {
      const right = this.parseTypeNobin();
      left = { kind: 'AndType', start, end: this.lastEnd, left, right };
    }
    return left;
  }

  private parseTypeNobin(): A.Type {
    const t = this.p;
    const start = this.starts[t];
    if (
      this.types[t] === 'shared' ||
      this.types[t] === 'query' ||
      this.types[t] === 'composite' ||
      this.types[t] === '<'
    ) {
      let sort: A.FuncSort = 'local';
      if (this.eat('shared')) {
        sort = 'shared';
        if (this.eat('query')) sort = 'query';
        else if (this.eat('composite')) {
          this.expect('query');
          sort = 'composite query';
        }
      } else if (this.eat('query')) sort = 'query';
      else if (this.eat('composite')) {
        this.expect('query');
        sort = 'composite query';
      }
      const { binds, system } = this.at('<') ? this.parseTypeParams() : { binds: [], system: false };
      const param = this.parseTypeUn();
      this.expect('->');
      const result = this.parseTypeNobin();
      return {
        kind: 'FuncType',
        start,
        end: this.lastEnd,
        sort,
        typeParams: binds,
        systemTypeParam: system,
        param,
        result,
      };
    }
    const param = this.parseTypePre();
    if (this.eat('->')) {
      const result = this.parseTypeNobin();
      return {
        kind: 'FuncType',
        start,
        end: this.lastEnd,
        sort: 'local',
        typeParams: [],
        systemTypeParam: false,
        param,
        result,
      };
    }
    return param;
  }

  private parseTypePre(): A.Type {
    const t = this.p;
    const start = this.starts[t];
    switch (this.types[t]) {
      case 'async':
      case 'async*': {
        this.p++;
        const inner = this.parseTypePre();
        return { kind: 'AsyncType', start, end: this.lastEnd, star: this.types[t] === 'async*', inner };
      }
      case 'actor':
      case 'module':
      case 'object': {
        this.p++;
        const fields = this.parseTypeFields();
        return { kind: 'ObjType', start, end: this.lastEnd, sort: this.types[t], fields };
      }
    }
    return this.parseTypeUn();
  }

  private parseTypeUn(): A.Type {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.tooDeep();
      return { kind: 'ErrorType', start: this.starts[this.p], end: this.starts[this.p] };
    }
    try {
      const t = this.p;
      const start = this.starts[t];
      if (this.eat('?')) {
        const inner = this.parseTypeUn();
        return { kind: 'OptType', start, end: this.lastEnd, inner };
      }
      if (this.eat('weak')) {
        const inner = this.parseTypeUn();
        return { kind: 'WeakType', start, end: this.lastEnd, inner };
      }
      return this.parseTypeNullary();
    } finally {
      this.depth--;
    }
  }

  private parseTypeNullary(): A.Type {
    const t = this.p;
    const start = this.starts[t];
    switch (this.types[t]) {
      case '(': {
        this.p++;
        const elements: A.Type[] = [];
        const names: (A.Ident | null)[] = [];
        const trailingComma = this.commaList(')', () => {
          let name: A.Ident | null = null;
          if ((this.at('id') || this.at('implicit')) && this.types[this.peek()] === ':') {
            const nt = this.next();
            name = { kind: 'Ident', start: this.starts[nt], end: this.ends[nt], name: this.values[nt] };
            this.p++;
          }
          names.push(name);
          elements.push(this.parseType());
        });
        this.expect(')');
        if (elements.length === 1 && !trailingComma) {
          const name = names[0];
          if (name) return { kind: 'NamedType', start, end: this.lastEnd, name, type: elements[0] };
          return { kind: 'ParenType', start, end: this.lastEnd, inner: elements[0] };
        }
        return { kind: 'TupleType', start, end: this.lastEnd, elements, names };
      }
      case 'id': {
        const path: A.Ident[] = [this.ident()];
        while (this.at('.') && this.types[this.peek()] === 'id') {
          this.p++;
          path.push(this.ident());
        }
        const typeArgs = this.at('<') && !this.isLtOp() ? this.parseTypeArgs().types : [];
        return { kind: 'PathType', start, end: this.lastEnd, path, typeArgs };
      }
      case '[': {
        this.p++;
        const mutable = this.eat('var');
        const element = this.parseType();
        this.expect(']');
        return { kind: 'ArrayType', start, end: this.lastEnd, mutable, element };
      }
      case '{': {
        if (this.types[this.peek()] === '#') return this.parseVariantType();
        const fields = this.parseTypeFields();
        return { kind: 'ObjType', start, end: this.lastEnd, sort: 'object', fields };
      }
    }
    this.error(`expected a type but found ${this.describe(t)}`);
    return { kind: 'ErrorType', start, end: start };
  }

  private parseVariantType(): A.VariantType {
    const start = this.starts[this.next()];
    const tags: A.TypeTag[] = [];
    if (this.at('#') && this.types[this.peek()] === '}') {
      this.p += 2;
      return { kind: 'VariantType', start, end: this.lastEnd, tags };
    }
    while (!this.at('}') && !this.at('eof')) {
      const before = this.p;
      const ts = this.starts[this.p];
      this.expect('#');
      const name = this.ident();
      const type = this.eat(':') ? this.parseType() : null;
      tags.push({ kind: 'TypeTag', start: ts, end: this.lastEnd, name, type });
      if (this.eat(';')) continue;
      if (this.at('}')) break;
      this.error(`expected ';' or '}' but found ${this.describe(this.p)}`);
      this.recover();
      if (this.p === before) {
        if (this.at('}') || this.at('eof')) break;
        this.p++;
      }
    }
    this.expect('}');
    return { kind: 'VariantType', start, end: this.lastEnd, tags };
  }

  private parseTypeFields(): A.TypeField[] {
    const fields: A.TypeField[] = [];
    if (!this.expect('{')) return fields;
    while (!this.at('}') && !this.at('eof')) {
      const before = this.p;
      const fs = this.starts[this.p];
      if (this.eat('type')) {
        const name = this.ident();
        const typeParams = this.at('<') ? this.parseTypeParams().binds : [];
        this.expect('=');
        const type = this.parseType();
        fields.push({
          kind: 'TypeField',
          start: fs,
          end: this.lastEnd,
          name,
          mutable: false,
          isType: true,
          typeParams,
          type,
        });
      } else {
        const mutable = this.eat('var');
        const name = this.ident();
        if (!mutable && (this.at('<') || this.at('('))) {
          // method sugar: `f<T>(x : A) : B`
          const ps = this.starts[this.p];
          const { binds, system } = this.at('<') ? this.parseTypeParams() : { binds: [], system: false };
          const param = this.parseTypeNullary();
          this.expect(':');
          const result = this.parseType();
          const type: A.FuncType = {
            kind: 'FuncType',
            start: ps,
            end: this.lastEnd,
            sort: 'local',
            typeParams: binds,
            systemTypeParam: system,
            param,
            result,
          };
          fields.push({
            kind: 'TypeField',
            start: fs,
            end: this.lastEnd,
            name,
            mutable,
            isType: false,
            typeParams: [],
            type,
          });
        } else {
          this.expect(':');
          const type = this.parseType();
          fields.push({
            kind: 'TypeField',
            start: fs,
            end: this.lastEnd,
            name,
            mutable,
            isType: false,
            typeParams: [],
            type,
          });
        }
      }
      if (this.eat(';')) continue;
      if (this.at('}')) break;
      this.error(`expected ';' or '}' but found ${this.describe(this.p)}`);
      this.recover();
      if (this.p === before) {
        if (this.at('}') || this.at('eof')) break;
        this.p++;
      }
    }
    this.expect('}');
    return fields;
  }

  /** `<T, U <: B>` / `<system, T>` (type parameters of a declaration). */
  private parseTypeParams(): { binds: A.TypeBind[]; system: boolean } {
    this.expect('<');
    const binds: A.TypeBind[] = [];
    let system = false;
    if (this.eat('system')) {
      system = true;
      if (!this.eat(',')) {
        this.expect('>');
        return { binds, system };
      }
    }
    this.commaList('>', () => {
      const start = this.starts[this.p];
      const name = this.ident();
      const bound = this.eat('<:') ? this.parseType() : null;
      binds.push({ kind: 'TypeBind', start, end: this.lastEnd, name, bound });
    });
    this.expect('>');
    return { binds, system };
  }

  /** `<T, U>` / `<system, T>` (type arguments of a call or a path type). */
  private parseTypeArgs(): { types: A.Type[]; system: boolean } {
    this.expect('<');
    const types: A.Type[] = [];
    let system = false;
    if (this.eat('system')) {
      system = true;
      if (!this.eat(',')) {
        this.expect('>');
        return { types, system };
      }
    }
    this.commaList('>', () => types.push(this.parseType()));
    this.expect('>');
    return { types, system };
  }
}

function patList(p: A.Pat): A.Pat[] {
  if (p.kind === 'TuplePat') return p.elements;
  if (p.kind === 'ParenPat') return [p.inner];
  return [p];
}
