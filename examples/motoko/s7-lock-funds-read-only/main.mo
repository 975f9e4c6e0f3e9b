// S7 (forum), scenario 3: `lockFunds` only reads `funds`. It still observes the debit `withdrawFunds` made
// before its commit point while the transfer is in flight: `intermediate-state-visible`.
import Error "mo:base/Error";

persistent actor Wallet {
  type Ledger = actor {
    transfer : shared (to : Principal, amount : Nat) -> async { #ok : Nat; #err : Text };
  };

  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";

  var funds : Nat = 1_000;
  var locked : Nat = 0;
  var text : Text = "";

  // Scenario 1: `withdrawFunds` debits first, then awaits the ledger (a commit point), and gives the money
  // back only when the ledger surely did not pay.
  public shared ({ caller }) func withdrawFunds(withdrawAmount : Nat) : async Nat {
    if (funds < withdrawAmount) {
      throw Error.reject("insufficient funds");
    };
    funds -= withdrawAmount;
    try {
      switch (await (with timeout = 30) ledger.transfer(caller, withdrawAmount)) {
      //      ^^^^^ commit
      //      ^^^^^ info: intermediate-state-visible
        case (#ok _) {};
        case (#err _) { funds += withdrawAmount };
      };
    } catch (e) {
      switch (Error.code(e)) {
        case (#system_unknown) {};
        case _ { funds += withdrawAmount };
      };
    };
    funds;
  };

  // Scenario 3: `lockFunds` reads `funds` but writes only `locked`.
  public func lockFunds(amount : Nat) : async Bool {
    if (funds >= locked + amount) {
      locked += amount;
      true;
    } else {
      false;
    };
  };

  // Scenario 4: `appendText` touches only `text`. It may run while `withdrawFunds` is suspended, and that
  // is harmless: it shares no state with it.
  public func appendText(t : Text) : async () {
    text #= t;
  };
};
