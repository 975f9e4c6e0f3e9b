// SYNTAX TEST "source.motoko" "line, block, nested and doc comments"
/// Doc line for the next item
// <--- comment.line.documentation.motoko punctuation.definition.comment.motoko
//  ^^^ comment.line.documentation.motoko - comment.line.double-slash.motoko
// A plain line comment mentioning await and "quotes"
// <-- comment.line.double-slash.motoko punctuation.definition.comment.motoko
//                                 ^^^^^ comment.line.double-slash.motoko - keyword.control.await.motoko
//                                           ^^^^^^^^ comment.line.double-slash.motoko - string.quoted.double.motoko
/* outer /* inner */ still outer */ let x = 1;
// <-- comment.block.motoko punctuation.definition.comment.begin.motoko
//       ^^ comment.block.motoko comment.block.motoko punctuation.definition.comment.begin.motoko
//          ^^^^^ comment.block.motoko comment.block.motoko
//                ^^ comment.block.motoko comment.block.motoko punctuation.definition.comment.end.motoko
//                   ^^^^^^^^^^^ comment.block.motoko
//                               ^^ comment.block.motoko punctuation.definition.comment.end.motoko
//                                  ^^^ storage.type.let.motoko - comment.block.motoko
//                                          ^ constant.numeric.decimal.motoko - comment.block.motoko
/* one /* two /* three */ two */ one */ await x;
//               ^^^^^ comment.block.motoko comment.block.motoko comment.block.motoko
//                               ^^^ comment.block.motoko
//                                      ^^^^^ keyword.control.await.motoko - comment.block.motoko
/** Doc block
// <--- comment.block.documentation.motoko punctuation.definition.comment.begin.motoko
    spanning lines /* nested */ end */
//  ^^^^^^^^ comment.block.documentation.motoko
//                    ^^^^^^ comment.block.documentation.motoko comment.block.motoko
//                              ^^^ comment.block.documentation.motoko
//                                  ^^ comment.block.documentation.motoko punctuation.definition.comment.end.motoko
/* multi
   line with await */ func after() {};
// ^^^^ comment.block.motoko
//           ^^^^^ comment.block.motoko - keyword.control.await.motoko
//                    ^^^^ storage.type.function.motoko - comment.block.motoko
//                         ^^^^^ entity.name.function.motoko
/**/ let empty = 0;
// <---- comment.block.motoko - comment.block.documentation.motoko
//   ^^^ storage.type.let.motoko - comment.block.motoko
let y = 2; // trailing await
//      ^ constant.numeric.decimal.motoko
//         ^^ comment.line.double-slash.motoko
//                     ^^^^^ comment.line.double-slash.motoko
let u = "not /* a comment */ here";
//           ^^ string.quoted.double.motoko - comment.block.motoko
let url = "https://example.org"; // real comment
//               ^^^^^^^^^^^^^ string.quoted.double.motoko - comment.line.double-slash.motoko
//                                  ^^^^ comment.line.double-slash.motoko
// #region state
var s = 0;
// <--- storage.type.var.motoko - comment.line.double-slash.motoko
// #endregion
