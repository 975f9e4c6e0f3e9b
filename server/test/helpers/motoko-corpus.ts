/**
 * Motoko sources for parser tests and the benchmark: the core library shipped in `motoko`
 * (`packages/latest/core.json`), the base library in `motoko@3.20.0` (installed as `motoko-base`), and
 * generated files dense with async code and syntax the libraries do not use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SourceFile {
  /** e.g. `core/Map.mo`, `base/Buffer.mo`, `generated/actor-awaits.mo`. */
  name: string;
  text: string;
}

function readPackage(root: string, pkgFile: string, prefix: string): SourceFile[] {
  const json: unknown = JSON.parse(readFileSync(join(root, 'node_modules', pkgFile), 'utf8'));
  const files = (json as { files?: unknown }).files;
  if (typeof files !== 'object' || files === null) throw new Error(`${pkgFile}: no files`);
  const out: SourceFile[] = [];
  for (const [name, entry] of Object.entries(files as Record<string, unknown>)) {
    const content = (entry as { content?: unknown }).content;
    if (name.endsWith('.mo') && typeof content === 'string')
      out.push({ name: `${prefix}/${name}`, text: content });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function libraryFiles(root: string): SourceFile[] {
  return [
    ...readPackage(root, 'motoko/packages/latest/core.json', 'core'),
    ...readPackage(root, 'motoko-base/packages/latest/base.json', 'base'),
  ];
}

/** Hand-written files covering async and rarely used syntax (each accepted by the official parser). */
export const GENERATED: SourceFile[] = [
  {
    name: 'generated/actor-awaits.mo',
    text: `/* a /* nested */ block comment */
/// A doc comment
import Map "mo:core/Map";
import Principal "mo:core/Principal";
import { abs } "mo:core/Int";

persistent actor Bank {
  stable var total : Nat = 0;
  transient var pending = 0;
  var balances = Map.empty<Principal, Nat>();
  let ledger = actor "aaaaa-aa" : actor { transfer : shared Nat -> async Nat };

  public shared (msg) func deposit(amount : Nat) : async Nat {
    let caller = msg.caller;
    let before = total;
    total += amount;
    let r = await ledger.transfer(amount);
    await* helper(r);
    ignore await? (with cycles = 1_000) ledger.transfer(0);
    let f = (with timeout = 5) ledger.transfer(1);
    ignore await f;
    before + r
  };

  public shared query ({ caller }) func peek() : async Nat { total };
  public composite query func cq() : async Nat { await peek() };
  public query func q() : async Text { "héllo \\u{1F600} \\n \\"q\\" ü 😀" };

  func helper(x : Nat) : async* () {
    if (x > 0) { await* helper(x - 1) } else { pending -= 1 };
  };

  private func self() : async () {
    try {
      await self2();
    } catch (e) {
      throw e;
    } finally {
      pending := 0;
    };
  };

  func self2() : async () {
    try { await self() } finally { total := 0 };
    try await self() catch _ {};
  };

  system func preupgrade() {};
  system func postupgrade() {};
  system func heartbeat() : async () { await self() };
  system func timer(set : Nat64 -> ()) : async () { set(1_000_000_000) };
  system func inspect({ caller : Principal; msg : { #deposit : () -> Nat } }) : Bool { true };

  public func oneway() { ignore self() };

  public func loops(xs : [Nat]) : async Nat {
    var s = 0;
    for (x in xs.vals()) { s += await compute(x) };
    label outer while (s < 10) { s += 1; if (s == 5) break outer; continue outer };
    loop { s -= 1; if (s == 0) return s } while (s > 0);
    s
  };

  func compute(x : Nat) : async Nat { x * 2 ** 3 };

  public func opt(o : ?Nat) : async ?Nat {
    do ? {
      let v = o!;
      let ?w = o else { return null };
      ?(v + w + (await compute(v)))
    }
  };
};
`,
  },
  {
    name: 'generated/actor-class.mo',
    text: `import Timer "mo:core/Timer";
import Debug "mo:core/Debug";

shared (install) persistent actor class Counter<system>(init : Nat) = self {
  var count = init;
  let owner = install.caller;

  transient let t = Timer.recurringTimer<system>(#seconds 5, func() : async () { await tick() });
  ignore Timer.setTimer<system>(#nanoseconds 1, tick);

  func tick() : async () { count += 1; ignore await (actor "aaaaa-aa" : actor { f : () -> async () }).f() };

  public shared ({ caller }) func inc() : async Nat {
    assert caller == owner;
    let v = count;
    await tick();
    count := v + 1;
    debug { Debug.print(debug_show (count, 'x', '\\u{41}', 0xFF, 1.5e3, -3)) };
    count
  };

  public shared func set(n : Nat) : async () { count := n };
  public func get() : async Nat { count };
};
`,
  },
  {
    name: 'generated/expressions.mo',
    text: `module {
  public type Shape = { #circle : Float; #rect : { w : Float; h : Float }; #empty };
  public type Obj<T <: Any> = { a : T; var b : [var Nat]; f : shared () -> async (); g : <X>(X) -> async* X };
  type Sel = object { x : Nat } and { y : Nat } or { x : Nat };
  type A = actor { m : shared query () -> async Nat; n : composite query () -> async () };

  public func area(s : Shape) : Float {
    switch s {
      case (#circle r) 3.14 * r * r;
      case (#rect { w; h }) w * h;
      case (#empty) 0.0;
    }
  };

  public func ops(a : Int, b : Int, t : Text, w : Nat8) : Bool {
    let x = a + b * a - b / 2 % 3;
    let y = (a : Int) << 2;
    let z = a ** 2 +% 1;
    let u = w <<> 1 ^ w <>> 2 & 0x0F | 1;
    let s = t # "!" # debug_show x;
    let r = { a = 1; var b = 2; c = "c" };
    let r2 = { r with a = 3 };
    let tup = (1, "two", [3, 4], [var 5]);
    let p = tup.0 + tup.2[1];
    not (x < y) and (z >= 1 or u != 0) and s.size() > 0 and p == 5 and r2.a >= r.b;
  };

  public func pats(o : ?(Nat, Text)) : Nat {
    switch o {
      case (?(0, _) or null) 0;
      case (?(n, "x")) n + 1;
      case (?(n : Nat, _)) { let (a, b) = (n, n); a + b };
    }
  };

  public func lambdas() : [Nat] {
    let f = func(x : Nat) : Nat = x + 1;
    let g = func<T>(x : T) : T { x };
    let xs = [1, 2, 3];
    let ys = Array_map<Nat, Nat>(xs, func x = x * 2);
    ignore g<Nat>(f(1));
    ys
  };

  func Array_map<A, B>(xs : [A], f : A -> B) : [B] { [] };

  public class Stack<T>(init : [T]) {
    var items = init;
    public func size() : Nat { items.size() };
    public func push(x : T) { ignore x };
  };

  public object counter {
    var n = 0;
    public func next() : Nat { n += 1; n };
  };

  public func asyncs() : async* Nat {
    let a = async { 1 };
    let b = async* { 2 };
    (await a) + (await* b)
  };
};
`,
  },
];

/** A large synthetic actor (`lines` lines or a little more) made of many async methods. */
export function generateLargeFile(lines: number): string {
  const parts: string[] = [
    'import Map "mo:core/Map";',
    'import Debug "mo:core/Debug";',
    '',
    'persistent actor Big {',
  ];
  let i = 0;
  while (parts.length < lines - 1) {
    parts.push(
      `  stable var state${i} : Nat = ${i};`,
      `  public shared ({ caller }) func method${i}(x : Nat, label_${i} : Text) : async Nat {`,
      `    let before = state${i};`,
      `    state${i} += x;`,
      `    let r = await other${i}(x + ${i} * 2);`,
      `    if (r > before and x != 0) { state${i} := r } else { state${i} -= 1 };`,
      `    switch (r % 3) { case 0 { ignore await? other${i}(1) }; case 1 { await* helper${i}(r) }; case _ {} };`,
      `    for (k in [1, 2, 3].vals()) { Debug.print(debug_show (k, label_${i}, "t\\u{e9}xt")) };`,
      `    try { ignore await other${i}(0) } catch (e) { throw e } finally { state${i} := 0 };`,
      `    r`,
      `  };`,
      `  func other${i}(y : Nat) : async Nat { y + state${i} };`,
      `  func helper${i}(z : Nat) : async* () { state${i} := z };`,
      '',
    );
    i++;
  }
  parts.push('};');
  return parts.join('\n');
}

/** Small programs with syntax the libraries rarely or never use (each accepted by the official parser). */
export const SNIPPETS: SourceFile[] = Object.entries({
  'object-and': 'let a = {x = 1}; let b = {y = 2}; let c = { a and b }; let d = { a and b with z = 3 };',
  pipe: 'let x = 1 |> _ + 1;',
  'null-coalesce': 'let x = null ?? 5;',
  weak: 'type W = weak Nat;',
  candid: 'func f() { let b = to_candid(1, "a"); let ?n : ?Nat = from_candid b else { return } };',
  'system-inst': 'func f<system>() {}; f<system>();',
  label: 'let x = label l : Nat { break l 5 };',
  'do-opt': 'let x = do ? { let y = ?1; y! + 1 };',
  'parenthetical-async':
    'actor { func f() : async () { let x = (with cycles = 5) async { 1 }; ignore await x } }',
  'parenthetical-class':
    'import C "x"; actor { func f() : async () { let c = await (with cycles = 1_000_000) C.Counter(1) } }',
  mixin: 'mixin(x : Nat) { public func f() {} }',
  'shift-and-compare': 'let x = 8 >> 1; let y = 1 < 2; let z = [1] ; let w = z[0] >= 1',
  'unary-assign': 'var x = 1; -= x;',
  'num-dot-id': 'let x = 1.foo;',
  'system-dot': 'actor A { public func f() : async () { ignore (system A.f) } }',
  'named-tuple-types': 'type T = (a : Nat, b : Text); type U = (x : Nat);',
  'lt-newline': 'let a = 1; let b = a <\n 2;',
  'method-type-sugar': 'type O = { m(x : Nat) : Nat; n<T>(t : T) : async () };',
  'float-forms': 'let f = 0x1.8p3; let g = 1e10; let h = 1.; let i = 0xFF_FF;',
  'module-type': 'type T = module { type X = Nat; x : X };',
  'var-without-init': 'persistent actor { var x : Nat };',
  'await-forms': `actor {
  func f() : async Nat { 1 };
  func g() : async* Nat { 2 };
  func h() : async Nat {
    let a = await f() + 1;
    let b = 1 + (await f());
    switch (await f()) { case 0 { ignore await? async 1 }; case _ {} };
    if (await f() == 1) { return await f() };
    assert (await f()) > 0;
    let c = (await f(), await* g());
    let d = await* async* { await f() };
    label l { if (a > 0) break l; ignore (await f() |> _ + 1) };
    await (with cycles = 10) f()
  };
}`,
  'unicode-text': `actor { public func text() : async Text { let s = "日本語 😀 \\u{1F600}"; ignore await async s; s # "ü" } }`,
  'nested-comments-awaits': `/* outer /* inner */ await f() */ actor { func f() : async () { /* await */ await /* x */ f() } }`,
}).map(([name, text]) => ({ name: `snippet/${name}.mo`, text }));
