// S6: S3, but the rollback restores a copy of the balance taken before the await. Deposits and withdrawals
// that ran while `withdraw` was suspended are silently undone (lost update).
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

  public func deposit(amount : Nat) : async () {
    balance += amount;
  };

  public shared ({ caller }) func withdraw(amount : Nat) : async Bool {
    if (balance >= amount) {
      let original = balance;
      balance -= amount;
      try {
        switch (await (with timeout = 30) ledger.transfer(caller, amount)) {
        //      ^^^^^ commit
        //      ^^^^^ warning: stale-write-back
        //      ^^^^^ info: intermediate-state-visible
          case (#ok _) { true };
          case (#err _) {
            balance := original;
            false;
          };
        };
      } catch (e) {
        switch (Error.code(e)) {
          case (#system_unknown) {};
          case _ { balance := original };
        };
        false;
      };
    } else {
      false;
    };
  };
};
