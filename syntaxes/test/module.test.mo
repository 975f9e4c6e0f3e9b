// SYNTAX TEST "source.motoko" "module with async* functions and an actor class"
module Helpers {
// <------ storage.type.module.motoko
//     ^^^^^^^ entity.name.type.module.motoko
  public func pay(ledger : Ledger, n : Nat) : async* () {
//            ^^^ entity.name.function.motoko
//                         ^^^^^^ entity.name.type.motoko
//                                            ^^^^^^ keyword.control.async.motoko - keyword.control.await.motoko
    await ledger.transfer(n);
//  ^^^^^ keyword.control.await.motoko
  };

  public type Result = { #ok : Nat; #err : Text };
//            ^^^^^^ entity.name.type.motoko
//                       ^^^ entity.name.tag.variant.motoko
//                                         ^^^^ support.type.primitive.motoko
};

shared(init) actor class Token(owner : Principal) = this {
// <------ meta.shared-pattern.motoko storage.modifier.shared.motoko
//     ^^^^ variable.parameter.motoko
//           ^^^^^ storage.type.actor.motoko - entity.name.type.actor.motoko
//                 ^^^^^ storage.type.class.motoko
//                       ^^^^^ entity.name.type.class.motoko
//                                     ^^^^^^^^^ support.type.primitive.motoko
  flexible var count : Nat = 0;
//^^^^^^^^ storage.modifier.motoko
  public shared func mint() : async () {
//       ^^^^^^ storage.modifier.motoko - meta.shared-pattern.motoko
    await* Helpers.pay(ledger, 1);
//  ^^^^^^ keyword.control.await.motoko
  };
};

let obj = object counter { public func inc() {} };
//        ^^^^^^ storage.type.object.motoko
//               ^^^^^^^ entity.name.type.module.motoko
