// S3: withdraw, correct. Check, debit first, await the transfer, give the money back when the ledger surely did
// not pay: it replied `#err`, or the call was rejected with anything but an unknown outcome. No warning.
import Error "mo:base/Error";

persistent actor Bank {
  type Ledger = actor {
    transfer : shared (to : Principal, amount : Nat) -> async { #ok : Nat; #err : Text };
  };

  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";

  var balance : Nat = 1_000;

  // Another entry point that reads the balance: it can run while `withdraw` is suspended at its await.
  public query func getBalance() : async Nat {
    balance;
  };

  public shared ({ caller }) func withdraw(amount : Nat) : async Bool {
    if (balance >= amount) {
      balance -= amount;
      try {
        switch (await (with timeout = 30) ledger.transfer(caller, amount)) {
        //      ^^^^^ commit
        //      ^^^^^ info: intermediate-state-visible
          case (#ok _) { true };
          case (#err _) {
            // The ledger refused: nothing was paid.
            balance += amount;
            false;
          };
        };
      } catch (e) {
        switch (Error.code(e)) {
          // Timed out: the ledger may have paid. Keep the debit and reconcile later.
          case (#system_unknown) {};
          // Rejected: nothing was paid.
          case _ { balance += amount };
        };
        false;
      };
    } else {
      false;
    };
  };
};
