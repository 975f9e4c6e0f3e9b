import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as A from '../src/languages/motoko/ast';
import { forEachChild, walk } from '../src/languages/motoko/ast';
import { lex } from '../src/languages/motoko/lexer';
import { parseMotoko } from '../src/languages/motoko/parser';
import { LineIndex } from '../src/text/positions';
import { GENERATED, SNIPPETS, libraryFiles } from './helpers/motoko-corpus';
import { repoRoot } from './helpers/paths';

function parseOk(text: string): A.Program {
  const { program, errors } = parseMotoko(text);
  assert.deepEqual(errors, [], `unexpected errors for: ${text}`);
  return program;
}

function all<K extends A.Node['kind']>(node: A.Node, kind: K): Extract<A.Node, { kind: K }>[] {
  const out: Extract<A.Node, { kind: K }>[] = [];
  walk(node, (n) => {
    if (n.kind === kind) out.push(n as Extract<A.Node, { kind: K }>);
  });
  return out;
}

function one<K extends A.Node['kind']>(node: A.Node, kind: K): Extract<A.Node, { kind: K }> {
  const found = all(node, kind);
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.length}`);
  return found[0];
}

/** Parses `exp` as the only declaration of a program and returns it. */
function exp(text: string): A.Exp {
  const p = parseOk(text);
  assert.equal(p.decs.length, 1);
  return p.decs[0] as A.Exp;
}

/** A compact rendering of expression structure for precedence tests. */
function show(e: A.Exp | A.Dec): string {
  switch (e.kind) {
    case 'Binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Logical':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Annot':
      return `(${show(e.expr)} : T)`;
    case 'Unary':
      return `(${e.op}${show(e.operand)})`;
    case 'Var':
      return e.name;
    case 'Lit':
      return e.raw;
    case 'Paren':
      return show(e.inner);
    case 'Call':
      return `${show(e.callee)}(${e.args.map(show).join(', ')})`;
    case 'Dot':
      return `${show(e.object)}.${e.name.name}`;
    case 'Assign':
      return `(${show(e.target)} ${e.op} ${show(e.value)})`;
    case 'Not':
      return `(not ${show(e.operand)})`;
    case 'Opt':
      return `(?${show(e.operand)})`;
    case 'Tag':
      return `#${e.name.name}${e.payload ? `(${show(e.payload)})` : ''}`;
    default:
      return e.kind;
  }
}

test('functions: sorts, caller patterns, visibility, stability, async kinds', () => {
  const p = parseOk(`persistent actor A {
  stable var a = 0;
  transient var b = 1;
  flexible let c = 2;
  public shared (msg) func f() : async Nat { 1 };
  public shared query ({ caller }) func g() : async () {};
  public composite query func h() : async () {};
  private func i() : async* () {};
  system func preupgrade() {};
  public query func j() : async () {};
  func k<T <: Nat>(x : T, y : Nat) : T { x };
}`);
  const actor = p.decs[0] as A.ObjectDec;
  assert.equal(actor.kind, 'ObjectDec');
  assert.equal(actor.sort, 'actor');
  assert.equal(actor.persistent, true);
  assert.equal(actor.name?.name, 'A');
  assert.deepEqual(
    actor.fields.map((f) => [f.visibility, f.stability, f.dec.kind]),
    [
      [null, 'stable', 'VarDec'],
      [null, 'transient', 'VarDec'],
      [null, 'flexible', 'LetDec'],
      ['public', null, 'Func'],
      ['public', null, 'Func'],
      ['public', null, 'Func'],
      ['private', null, 'Func'],
      ['system', null, 'Func'],
      ['public', null, 'Func'],
      [null, null, 'Func'],
    ],
  );
  const funcs = all(p, 'Func');
  assert.deepEqual(
    funcs.map((f) => [f.name?.name, f.sort, f.asyncKind, f.callerPattern?.kind ?? null]),
    [
      ['f', 'shared', 'async', 'ParenPat'],
      ['g', 'query', 'async', 'ParenPat'],
      ['h', 'composite query', 'async', null],
      ['i', 'local', 'async*', null],
      ['preupgrade', 'local', null, null],
      ['j', 'query', 'async', null],
      ['k', 'local', null, null],
    ],
  );
  const f = funcs[0];
  const text = 'public shared (msg) func f()';
  assert.equal(f.funcKeyword - f.start, 'shared (msg) '.length);
  assert.ok(text.includes('shared'));
  const k = funcs[6];
  assert.equal(k.typeParams[0].name.name, 'T');
  assert.equal(k.typeParams[0].bound?.kind, 'PathType');
  assert.deepEqual(
    k.params.map((q) => q.kind),
    ['AnnotPat', 'AnnotPat'],
  );
  assert.equal(k.bodyIsBlock, true);
});

test('actor classes, modules, objects and classes', () => {
  const p = parseOk(`import M "mo:core/Map";
shared (init) actor class C<system>(x : Nat) = self { public func f() : async () {} };
module Mod { public class K(y : Nat) { public func g() : Nat = y } };
object o { public let z = 1 };
actor { }`);
  const [imp, cls, mod, obj, anon] = p.decs as [
    A.ImportDec,
    A.ClassDec,
    A.ObjectDec,
    A.ObjectDec,
    A.ObjectDec,
  ];
  assert.equal(imp.kind, 'ImportDec');
  assert.equal(imp.path, 'mo:core/Map');
  assert.equal(cls.kind, 'ClassDec');
  assert.equal(cls.sort, 'actor');
  assert.equal(cls.sharedSort, 'shared');
  assert.equal(cls.callerPattern?.kind, 'ParenPat');
  assert.equal(cls.systemTypeParam, true);
  assert.equal(cls.selfName?.name, 'self');
  assert.equal(cls.name?.name, 'C');
  assert.equal(mod.sort, 'module');
  const k = one(mod, 'ClassDec');
  assert.equal(k.sort, 'object');
  assert.equal(k.name?.name, 'K');
  assert.equal(obj.sort, 'object');
  assert.equal(anon.name, null);
  assert.equal(anon.sort, 'actor');
});

test('awaits, async, parentheticals and calls', () => {
  const p = parseOk(`actor {
  func f() : async () {
    let a = await g();
    await* h();
    ignore await? fut;
    let b = (with cycles = 5; timeout = 3) ledger.transfer(1, 2);
    let c = (base with cycles = 1) g();
    let d = (with cycles = 2) async { 1 };
    let e = await (with timeout = 5) x.y.z<Nat>(a);
  }
}`);
  assert.deepEqual(
    all(p, 'Await').map((a) => a.op),
    ['await', 'await*', 'await?', 'await'],
  );
  const calls = all(p, 'Call').filter((c) => c.parenthetical);
  assert.equal(calls.length, 3);
  assert.deepEqual(
    calls[0].parenthetical!.fields.map((f) => f.name.name),
    ['cycles', 'timeout'],
  );
  assert.equal(show(calls[0]), 'ledger.transfer(1, 2)');
  assert.equal(calls[1].parenthetical!.bases.length, 1);
  assert.equal(calls[2].typeArgs?.length, 1);
  const asyncs = all(p, 'Async');
  assert.equal(asyncs.length, 1);
  assert.ok(asyncs[0].parenthetical);
  // The await's range starts at the keyword and covers its operand.
  const text = 'await (with timeout = 5) x.y.z<Nat>(a)';
  const last = all(p, 'Await')[3];
  assert.equal(last.end - last.start, text.length);
});

test('assignments, compound assignments, field access, index and method calls', () => {
  const p = parseOk(`func f() {
  x := 1; x += 2; x -= 3; x *= 4; x #= "a"; x **%= 2; a[i] := 5; o.f := 6; m.put(k, v); a[0][1].g();
  -= y;
}`);
  assert.deepEqual(
    all(p, 'Assign').map((a) => `${a.op} ${a.target.kind}`),
    [':= Var', '+= Var', '-= Var', '*= Var', '#= Var', '**%= Var', ':= Index', ':= Dot'],
  );
  const calls = all(p, 'Call');
  assert.deepEqual(
    calls.map((c) => show(c)),
    ['m.put(k, v)', 'Index.g()'],
  );
  assert.equal(one(p, 'UnaryAssign').op, '-=');
});

test('operator precedence and associativity follow the compiler', () => {
  assert.equal(show(exp('a + b * c - d')), '((a + (b * c)) - d)');
  assert.equal(show(exp('a or b and c')), '(a or (b and c))');
  assert.equal(show(exp('a == b + 1 and not c')), '((a == (b + 1)) and (not c))');
  assert.equal(show(exp('a + b : Nat')), '((a + b) : T)');
  assert.equal(show(exp('a ** b ** c')), '((a ** b) ** c)');
  assert.equal(show(exp('a | b & c ^ d')), '(a | (b & (c ^ d)))');
  assert.equal(show(exp('a # b # c')), '((a # b) # c)');
  assert.equal(show(exp('-a + b')), '((-a) + b)');
  assert.equal(show(exp('a < b')), '(a < b)');
  assert.equal(show(exp('x >> 2 + 1')), '((x >> 2) + 1)');
  assert.equal(show(exp('x + 2 << 1')), '(x + (2 << 1))');
  assert.equal(show(exp('a > b')), '(a > b)');
  assert.equal(show(exp('f<Nat>(x) <= 2')), '(f(x) <= 2)');
  assert.equal(show(exp('x := a + 1')), '(x := (a + 1))');
  assert.equal(show(exp('?#ok 5')), '(?#ok(5))');
  assert.equal(show(exp('f x')), 'f(x)');
  assert.equal(show(exp('a |> f _')), '(a |> f(_))');
});

test('control flow: if/else, switch, loops, labels, try/catch/finally, throw, return', () => {
  const p = parseOk(`func f() : async () {
  if (a) b else if (c) { d } else e;
  switch (x) { case (#a) 1; case (#b(y)) { y }; case _ 0 };
  while (i < 10) i += 1;
  loop { i -= 1 } while (i > 0);
  loop {};
  for ((k, v) in m.entries()) { ignore k };
  label l : Nat { break l 5 };
  label m2 loop { continue m2 };
  try { await g() } catch (e) { throw e } finally { cleanup() };
  try await g() finally {};
  return;
}`);
  const ifs = all(p, 'If');
  assert.equal(ifs.length, 2);
  assert.equal(ifs[0].elseBranch?.kind, 'If');
  const sw = one(p, 'Switch');
  assert.deepEqual(
    sw.cases.map((c) => c.pattern.kind),
    ['ParenPat', 'ParenPat', 'WildPat'],
  );
  assert.equal(one(p, 'While').body.kind, 'Assign');
  const loops = all(p, 'Loop');
  assert.equal(loops[0].whileCond?.kind, 'Paren');
  assert.equal(loops[1].whileCond, null);
  assert.equal(one(p, 'For').pattern.kind, 'TuplePat');
  assert.equal(one(p, 'Break').value?.kind, 'Lit');
  assert.equal(one(p, 'Continue').label?.name, 'm2');
  const tries = all(p, 'Try');
  assert.equal(tries[0].catchClause?.pattern.kind, 'ParenPat');
  assert.equal(tries[0].finallyBody?.kind, 'Block');
  assert.equal(tries[1].catchClause, null);
  assert.equal(tries[1].body.kind, 'Await');
  assert.equal(one(p, 'Throw').operand.kind, 'Var');
  assert.equal(one(p, 'Return').value, null);
});

test('options, let-else, do, do ?, bang, ignore, debug, assert, objects, arrays, tuples, projections', () => {
  const p = parseOk(`func f(o : ?Nat) : ?Nat {
  let ?x = o else { return null };
  let r = { a = 1; var b = 2; c };
  let r2 = { r with a = 3 };
  let r3 = { r and r2 };
  let arr = [var 1, 2];
  let t = (1, "a");
  ignore t.0 + arr[0];
  debug { assert x > 0 };
  let y = do { 1 };
  do ? { o! + 1 }
}`);
  const lets = all(p, 'LetDec');
  assert.equal(lets[0].pattern.kind, 'OptPat');
  assert.equal(lets[0].elseBody?.kind, 'Block');
  const objs = all(p, 'Object');
  assert.deepEqual(
    objs.map((o) => [o.bases.length, o.fields.map((f) => `${f.mutable ? 'var ' : ''}${f.name.name}`)]),
    [
      [0, ['a', 'var b', 'c']],
      [1, ['a']],
      [2, []],
    ],
  );
  assert.equal(one(p, 'Array').mutable, true);
  assert.equal(one(p, 'Proj').index, 0);
  assert.equal(one(p, 'Index').kind, 'Index');
  assert.equal(one(p, 'Debug').body.kind, 'Block');
  assert.equal(one(p, 'Assert').operand.kind, 'Binary');
  assert.equal(one(p, 'Do').body.decs.length, 1);
  assert.equal(one(p, 'DoOpt').body.decs.length, 1);
  assert.equal(one(p, 'Bang').operand.kind, 'Var');
});

test('types: generics with bounds, variants, records, options, functions, async, object types', () => {
  const p = parseOk(`type T<A <: Nat, B> = {
  a : ?A;
  var b : [var B];
  c : shared query () -> async Nat;
  d : <X>(X, Nat) -> async* ();
  e : { #ok : Nat; #err; };
  f : actor { m : () -> async () };
  g : (x : Nat, y : Text);
  h : module { type U = Nat };
  m(x : Nat) : Nat;
};
type V = {#};
type W = Nat and Text or Int;`);
  const [t, v, w] = p.decs as [A.TypeDec, A.TypeDec, A.TypeDec];
  assert.deepEqual(
    t.typeParams.map((b) => [b.name.name, b.bound?.kind ?? null]),
    [
      ['A', 'PathType'],
      ['B', null],
    ],
  );
  const obj = t.type as A.ObjType;
  assert.deepEqual(
    obj.fields.map((f) => [f.name.name, f.mutable, f.type.kind]),
    [
      ['a', false, 'OptType'],
      ['b', true, 'ArrayType'],
      ['c', false, 'FuncType'],
      ['d', false, 'FuncType'],
      ['e', false, 'VariantType'],
      ['f', false, 'ObjType'],
      ['g', false, 'TupleType'],
      ['h', false, 'ObjType'],
      ['m', false, 'FuncType'],
    ],
  );
  const c = obj.fields[2].type as A.FuncType;
  assert.equal(c.sort, 'query');
  assert.equal((c.result as A.AsyncType).star, false);
  const d = obj.fields[3].type as A.FuncType;
  assert.equal((d.result as A.AsyncType).star, true);
  assert.deepEqual(
    (obj.fields[4].type as A.VariantType).tags.map((x) => x.name.name),
    ['ok', 'err'],
  );
  assert.equal((v.type as A.VariantType).tags.length, 0);
  assert.equal(w.type.kind, 'OrType');
});

test('literals: nat separators, hex, floats, chars and text with escapes', () => {
  const { tokens, errors } = lex(
    `1_000_000 0xFF_FF 1.5 1e10 2.5E-3 0x1.8p3 1. 'a' '\\n' '\\u{1F600}' "h\\u{e9}llo\\t\\"x\\"" "\\41"`,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(
    tokens.map((t) => [t.type, t.value]),
    [
      ['nat', '1_000_000'],
      ['nat', '0xFF_FF'],
      ['float', '1.5'],
      ['float', '1e10'],
      ['float', '2.5E-3'],
      ['float', '0x1.8p3'],
      ['float', '1.'],
      ['char', 'a'],
      ['char', '\n'],
      ['char', '😀'],
      ['text', 'héllo\t"x"'],
      ['text', 'A'],
      ['eof', ''],
    ],
  );
  const t = lex('x.0.1 1.foo await* await? async* await ?x');
  assert.deepEqual(
    t.tokens.map((k) => k.type),
    ['id', 'dotnum', 'dotnum', 'nat', '.', 'id', 'await*', 'await?', 'async*', 'await', '?', 'id', 'eof'],
  );
});

test('comments: nested block comments and doc comments', () => {
  const text = `/* outer /* inner */ still comment */
/// doc line
/** doc block */
// plain
let x = 1; /* trailing */`;
  const { program } = parseMotoko(text);
  assert.equal(program.decs.length, 1);
  assert.deepEqual(
    program.comments.map((c) => c.style),
    ['block', 'doc', 'doc', 'line', 'block'],
  );
  const bad = parseMotoko('let x = 1; /* unclosed /* */');
  assert.equal(bad.errors.length, 1);
  assert.match(bad.errors[0].message, /unclosed comment/);
});

test('positions are UTF-16 offsets, also after non-ASCII text', () => {
  const text = 'actor { func f() : async () { let s = "héllo 😀"; await g() } }';
  const p = parseOk(text);
  const a = one(p, 'Await');
  assert.equal(a.start, text.indexOf('await'));
  assert.equal(text.slice(a.start, a.end), 'await g()');
  const idx = new LineIndex(text);
  assert.deepEqual(idx.positionAt(a.start), { line: 0, character: text.indexOf('await') });
  const f = one(p, 'Func');
  assert.equal(text.slice(f.name!.start, f.name!.end), 'f');
});

test('error recovery: an error is reported where it is and the rest of the file still parses', () => {
  const text = `actor {
  public func broken() : async () {
    let x = ;
    await g();
  };
  public func ok() : async () { await h() };
}`;
  const { program, errors } = parseMotoko(text);
  assert.ok(errors.length >= 1);
  const idx = new LineIndex(text);
  assert.equal(idx.positionAt(errors[0].start).line, 2);
  assert.deepEqual(
    all(program, 'Func').map((f) => f.name?.name),
    ['broken', 'ok'],
  );
  assert.equal(all(program, 'Await').length, 2);

  const missingSemi = parseMotoko('let a = 1\nlet b = 2;\nfunc f() {}');
  assert.equal(missingSemi.errors.length, 1);
  assert.equal(missingSemi.program.decs.length, 3);

  const stray = parseMotoko('} ) let a = 1; func g() { let = }; let c = 3;');
  assert.ok(stray.errors.length >= 2);
  assert.deepEqual(
    stray.program.decs.map((d) => d.kind),
    ['LetDec', 'Func', 'LetDec'],
  );
});

test('an unclosed brace in a method ends at the next public field, and is reported at the brace', () => {
  for (const typed of ['if (x > 0 {', 'switch (x) { case', 'let o = { a = 1;']) {
    const text = `actor {
  public func broken() : async () {
    ${typed}
    await g();
  };
  public func ok() : async () { await h() };
  private func helper() : async () { await h() };
}`;
    const { program, errors } = parseMotoko(text);
    assert.deepEqual(
      all(program, 'Func').map((f) => f.name?.name),
      ['broken', 'ok', 'helper'],
      typed,
    );
    assert.ok(errors.length >= 1, typed);
    // Every error is one token wide, none in the methods after the broken one.
    const idx = new LineIndex(text);
    for (const e of errors) {
      assert.ok(e.end - e.start <= 8, `${typed}: ${JSON.stringify(e)}`);
      assert.ok(idx.positionAt(e.start).line <= 4, `${typed}: ${JSON.stringify(e)}`);
    }
  }
});

test('an unclosed text literal ends with its line instead of swallowing the file', () => {
  const text =
    'actor {\n  public func f() : async () { let t = "abc;\n  };\n  public func g() : async () { await h() };\n}';
  const { program, errors } = parseMotoko(text);
  const unclosed = errors.find((e) => e.message === 'unclosed text literal');
  assert.ok(unclosed);
  assert.equal(text.slice(unclosed.start, unclosed.end), '"abc;');
  assert.deepEqual(
    all(program, 'Func').map((f) => f.name?.name),
    ['f', 'g'],
  );
  // A dangling quote before other literals is reported on its own line, and the methods after it survive.
  const dangling =
    'actor {\n  public func f() : async () { let t = "abc;\n    g("x");\n  };\n  public func g() : async () { h("y") };\n}';
  const d = parseMotoko(dangling);
  const idx = new LineIndex(dangling);
  assert.deepEqual(
    d.errors.map((e) => [idx.positionAt(e.start).line, e.message]),
    [[1, 'unclosed text literal']],
  );
  assert.deepEqual(
    all(d.program, 'Func').map((f) => f.name?.name),
    ['f', 'g'],
  );
  // A text literal that is closed may still span lines.
  const multi = parseOk('let t = "a\nb";');
  assert.equal(one(multi, 'Lit').value.length, 3);
});

test('ranges nest and children come in source order (library and generated files)', () => {
  let checked = 0;
  for (const f of [...libraryFiles(repoRoot), ...GENERATED, ...SNIPPETS]) {
    const { program } = parseMotoko(f.text);
    walk(program, (n) => {
      let prevEnd = n.start;
      forEachChild(n, (c) => {
        assert.ok(
          c.start >= prevEnd,
          `${f.name}: ${c.kind} at ${c.start} starts before its sibling ends (${n.kind})`,
        );
        assert.ok(c.end <= n.end, `${f.name}: ${c.kind} at ${c.start} ends after its parent ${n.kind}`);
        assert.ok(c.start <= c.end);
        prevEnd = c.end;
        checked++;
      });
    });
  }
  assert.ok(checked > 100000);
});

test('every node of a kind has the same keys in the same order (forEachChild learns them from the first)', () => {
  const shapes = new Map<string, string>();
  let checked = 0;
  for (const f of [...libraryFiles(repoRoot), ...GENERATED, ...SNIPPETS]) {
    const { program } = parseMotoko(f.text);
    walk(program, (n) => {
      const keys = Object.keys(n).join(',');
      const first = shapes.get(n.kind);
      if (first === undefined) shapes.set(n.kind, keys);
      else
        assert.equal(keys, first, `${f.name}: a ${n.kind} at ${n.start} has other keys than the first one`);
      checked++;
    });
  }
  assert.ok(checked > 100000 && shapes.size > 60);
});

test('a file cut off while typing keeps everything before the cut', () => {
  const text = GENERATED[0].text;
  const cut = text.slice(0, text.indexOf('await* helper(x - 1)') + 'await* hel'.length);
  const { program, errors } = parseMotoko(cut);
  assert.ok(errors.length > 0);
  assert.deepEqual(
    all(program, 'Func').map((f) => f.name?.name),
    ['deposit', 'peek', 'cq', 'q', 'helper'],
  );
  assert.deepEqual(
    all(program, 'Await').map((a) => a.op),
    ['await', 'await*', 'await?', 'await', 'await', 'await*'],
  );
});

test('never throws and always terminates on truncated and mutated library files', () => {
  const files = libraryFiles(repoRoot);
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = [
    '{',
    '}',
    '(',
    ')',
    ';',
    'func',
    'await',
    'let',
    '=',
    '"',
    "'",
    '/*',
    '<',
    '>',
    '#',
    '.',
    'actor',
    '',
  ];
  const started = Date.now();
  let parsed = 0;
  for (let round = 0; round < 400; round++) {
    const f = files[rand(files.length)];
    let text = f.text;
    const kind = rand(3);
    if (kind === 0) text = text.slice(0, rand(text.length + 1));
    else if (kind === 1) {
      for (let k = 0; k < 5; k++) {
        const at = rand(text.length + 1);
        text = text.slice(0, at) + junk[rand(junk.length)] + text.slice(at + rand(4));
      }
    } else {
      const a = rand(text.length + 1);
      const b = rand(text.length + 1);
      text = text.slice(0, Math.min(a, b)) + text.slice(Math.max(a, b));
    }
    const r = parseMotoko(text);
    assert.equal(r.program.kind, 'Program');
    for (const e of r.errors) assert.ok(e.start >= 0 && e.end <= text.length && e.start <= e.end);
    parsed++;
  }
  assert.equal(parsed, 400);
  assert.ok(Date.now() - started < 20000, 'fuzz run took too long');
});

test('pathological inputs: deep nesting, lone tokens, empty text', () => {
  for (const text of [
    '',
    '(',
    '{'.repeat(5000),
    '('.repeat(5000),
    '-'.repeat(5000) + 'x',
    'func',
    '"',
    "'",
    '/*',
  ]) {
    const r = parseMotoko(text);
    assert.equal(r.program.kind, 'Program');
    if (text.length > 0) assert.ok(r.errors.length > 0, `no error for ${text.slice(0, 10)}`);
  }
  assert.deepEqual(parseMotoko('').errors, []);
  assert.deepEqual(parseMotoko('\uFEFFlet x = 1;').errors, []);
});
