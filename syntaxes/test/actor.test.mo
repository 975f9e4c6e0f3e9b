// SYNTAX TEST "source.motoko" "actor with stable state, shared and query functions, and every commit-point form"
import Debug "mo:base/Debug";
// <------ keyword.control.import.motoko
//           ^^^^^^^^^^^^^^^ string.quoted.double.motoko

persistent actor Bank {
// <---------- storage.modifier.motoko
//         ^^^^^ storage.type.actor.motoko
//               ^^^^ entity.name.type.actor.motoko
//                    ^ punctuation.section.block.begin.motoko
  stable var balance : Nat = 0;
//^^^^^^ storage.modifier.motoko
//       ^^^ storage.type.var.motoko
//           ^^^^^^^ variable.other.definition.motoko
//                     ^^^ support.type.primitive.motoko
//                           ^ constant.numeric.decimal.motoko
  transient var pending = 0;
//^^^^^^^^^ storage.modifier.motoko
  let ledger = actor "aaaaa-aa" : actor { transfer : shared Nat -> async () };
//^^^ storage.type.let.motoko
//             ^^^^^ storage.type.actor.motoko
//                   ^^^^^^^^^^ string.quoted.double.motoko
//                                                   ^^^^^^ storage.modifier.motoko
//                                                              ^^ keyword.operator.arrow.motoko
//                                                                 ^^^^^ keyword.control.async.motoko - keyword.control.await.motoko

  public shared(msg) func deposit(amount : Nat) : async () {
//^^^^^^ storage.modifier.motoko
//       ^^^^^^ meta.shared-pattern.motoko storage.modifier.shared.motoko
//              ^^^ meta.shared-pattern.motoko variable.parameter.motoko
//                   ^^^^ storage.type.function.motoko
//                        ^^^^^^^ entity.name.function.motoko
//                                ^^^^^^ - meta.shared-pattern.motoko
    let before = balance;
    await ledger.transfer(amount);
//  ^^^^^ keyword.control.await.motoko
//               ^^^^^^^^ entity.name.function.call.motoko
    balance := before + amount;
//          ^^ keyword.operator.assignment.motoko
//                    ^ keyword.operator.arithmetic.motoko
  };

  public shared ({ caller }) func withdraw(amount : Nat) : async Bool {
//                 ^^^^^^ meta.shared-pattern.motoko variable.parameter.motoko
//                                ^^^^^^^^ entity.name.function.motoko
//                                                               ^^^^ support.type.primitive.motoko
    if (balance < amount) { return false };
//  ^^ keyword.control.motoko
//              ^ keyword.operator.comparison.motoko
//                          ^^^^^^ keyword.control.motoko
//                                 ^^^^^ constant.language.boolean.motoko
    try {
//  ^^^ keyword.control.motoko
      await* helper(amount);
//    ^^^^^^ keyword.control.await.motoko
//           ^^^^^^ entity.name.function.call.motoko - keyword.control.await.motoko
      let r = await? maybeCall();
//            ^^^^^^ keyword.control.await.motoko
//                   ^^^^^^^^^ - keyword.control.await.motoko
      balance -= amount;
//            ^^ keyword.operator.assignment.compound.motoko
    } catch (e) {
//    ^^^^^ keyword.control.motoko
      Debug.print("failed: " # Error.message(e));
//    ^^^^^ entity.name.type.motoko
//                           ^ keyword.operator.concat.motoko
      throw e;
//    ^^^^^ keyword.control.motoko
    } finally {
//    ^^^^^^^ keyword.control.motoko
      pending += 1;
//            ^^ keyword.operator.assignment.compound.motoko
    };
    true
//  ^^^^ constant.language.boolean.motoko
  };

  public query func getBalance() : async Nat { balance };
//       ^^^^^ storage.modifier.motoko
//                  ^^^^^^^^^^ entity.name.function.motoko

  public composite query func peek() : async Nat {
//       ^^^^^^^^^ storage.modifier.motoko
//                 ^^^^^ storage.modifier.motoko
//                            ^^^^ entity.name.function.motoko
    await (with timeout = 5) other.read()
//  ^^^^^ keyword.control.await.motoko - meta.parenthetical.motoko
//        ^ meta.parenthetical.motoko punctuation.section.parens.begin.motoko
//         ^^^^ meta.parenthetical.motoko keyword.other.with.motoko
//              ^^^^^^^ meta.parenthetical.motoko variable.other.property.motoko
//                        ^ meta.parenthetical.motoko constant.numeric.decimal.motoko
//                         ^ meta.parenthetical.motoko punctuation.section.parens.end.motoko
//                           ^^^^^ - meta.parenthetical.motoko
  };

  public func tip() : async () {
    ignore (with cycles = 1_000_000) ledger.transfer(1);
//  ^^^^^^ keyword.control.motoko
//          ^^^^ meta.parenthetical.motoko keyword.other.with.motoko
//                        ^^^^^^^^^ meta.parenthetical.motoko constant.numeric.decimal.motoko
  };

  system func preupgrade() {};
//^^^^^^ storage.modifier.motoko
//            ^^^^^^^^^^ entity.name.function.motoko
};
// <- punctuation.section.block.end.motoko
