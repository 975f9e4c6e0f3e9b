// SYNTAX TEST "source.motoko" "numbers, characters, text with escapes, variants and operators"
let a = 1_000;
//      ^^^^^ constant.numeric.decimal.motoko
let b = 0xFF;
//      ^^^^ constant.numeric.hex.motoko
let c = 0xdead_beef;
//      ^^^^^^^^^^^ constant.numeric.hex.motoko
let d = 3.14;
//      ^^^^ constant.numeric.float.motoko
let e = 1e10;
//      ^^^^ constant.numeric.float.motoko
let f = 2.5e-3 + 1_0.0_1E+1_0;
//      ^^^^^^ constant.numeric.float.motoko
//               ^^^^^^^^^^^^ constant.numeric.float.motoko
let x1 = 0x1.8p3;
//  ^^ variable.other.definition.motoko - constant.numeric.hex.motoko constant.numeric.float.hex.motoko
//       ^^^^^^^ constant.numeric.float.hex.motoko
let g = 'a';
//      ^^^ string.quoted.single.char.motoko
let h = '\n';
//      ^^^^ string.quoted.single.char.motoko
//       ^^ constant.character.escape.motoko
let i = '\u{1F600}';
//       ^^^^^^^^^ string.quoted.single.char.motoko constant.character.escape.unicode.motoko
let j = "tab\there \"quoted\" \\ \u{1F600} \7F";
//      ^ string.quoted.double.motoko punctuation.definition.string.begin.motoko
//       ^^^ string.quoted.double.motoko - constant.character.escape.motoko
//          ^^ string.quoted.double.motoko constant.character.escape.motoko
//                 ^^ string.quoted.double.motoko constant.character.escape.motoko
//                   ^^^^^^ string.quoted.double.motoko - constant.character.escape.motoko
//                            ^^ constant.character.escape.motoko
//                               ^^^^^^^^^ string.quoted.double.motoko constant.character.escape.unicode.motoko
//                                         ^^^ constant.character.escape.motoko
//                                            ^ punctuation.definition.string.end.motoko - constant.character.escape.motoko
let k = "bad \q escape";
//           ^^ string.quoted.double.motoko invalid.illegal.escape.motoko
let l = true and not false or null == null;
//      ^^^^ constant.language.boolean.motoko
//           ^^^ keyword.operator.logical.motoko
//               ^^^ keyword.operator.logical.motoko
//                   ^^^^^ constant.language.boolean.motoko
//                         ^^ keyword.operator.logical.motoko
//                            ^^^^ constant.language.null.motoko
//                                 ^^ keyword.operator.comparison.motoko
let m = #ok(5);
//      ^^^ entity.name.tag.variant.motoko
//      ^ punctuation.definition.tag.motoko
let n = switch (m) { case (#ok v) v; case (#err _) 0 };
//      ^^^^^^ keyword.control.motoko
//                   ^^^^ keyword.control.motoko
//                                         ^^^^ entity.name.tag.variant.motoko
//                                              ^ variable.language.wildcard.motoko
var o = 5; o += 1; o #= "x"; o := o +% 1 -% 2 *% 3 **% 4;
//           ^^ keyword.operator.assignment.compound.motoko
//                   ^^ keyword.operator.assignment.compound.motoko - entity.name.tag.variant.motoko
//                             ^^ keyword.operator.assignment.motoko
//                                  ^^ keyword.operator.arithmetic.wrapping.motoko
//                                       ^^ keyword.operator.arithmetic.wrapping.motoko
//                                            ^^ keyword.operator.arithmetic.wrapping.motoko
//                                                 ^^^ keyword.operator.arithmetic.wrapping.motoko
o +%= 1; o **= 2; o <<>= 3;
//^^^ keyword.operator.assignment.compound.motoko
//         ^^^ keyword.operator.assignment.compound.motoko
//                  ^^^^ keyword.operator.assignment.compound.motoko
let p = 2 ** 8 % 3 != 4;
//        ^^ keyword.operator.arithmetic.motoko
//             ^ keyword.operator.arithmetic.motoko
//                 ^^ keyword.operator.comparison.motoko
let q = xs |> Array.map(_, f);
//         ^^ keyword.operator.pipe.motoko
//            ^^^^^ entity.name.type.motoko
//                      ^ variable.language.wildcard.motoko
type T<A <: Any> = A -> ?A;
// <---- storage.type.type.motoko
//   ^ entity.name.type.motoko
//       ^^ keyword.operator.subtype.motoko
//          ^^^ support.type.primitive.motoko
//                   ^^ keyword.operator.arrow.motoko
//                      ^ keyword.operator.option.motoko
let r = a << 2 >> 1 <<> 3 <>> 4 & 5 | 6 ^ 7;
//        ^^ keyword.operator.bitwise.shift.motoko
//                  ^^^ keyword.operator.bitwise.rotate.motoko
//                        ^^^ keyword.operator.bitwise.rotate.motoko
//                              ^ keyword.operator.bitwise.motoko
let s = debug_show(x) # "s";
//      ^^^^^^^^^^ support.function.builtin.motoko
//                    ^ keyword.operator.concat.motoko - entity.name.tag.variant.motoko
label outer loop { break outer };
// <----- keyword.control.label.motoko
//    ^^^^^ entity.name.label.motoko
//          ^^^^ keyword.control.motoko
//                 ^^^^^ keyword.control.break.motoko
//                       ^^^^^ entity.name.label.motoko
for (x in xs.vals()) { continue outer };
// <--- keyword.control.motoko
//     ^^ keyword.other.in.motoko
//                     ^^^^^^^^ keyword.control.continue.motoko
while (true) { assert (x > 0) };
// <----- keyword.control.motoko
//             ^^^^^^ keyword.control.motoko
let t = do ? { v! };
//      ^^ keyword.control.motoko
//              ^ keyword.operator.null-break.motoko
debug { Debug.print("dbg") };
// <----- keyword.control.motoko
let awaited = awaitable + asyncish;
//  ^^^^^^^ - keyword.control.await.motoko
//            ^^^^^^^^^ - keyword.control.await.motoko
//                        ^^^^^^^^ - keyword.control.async.motoko
