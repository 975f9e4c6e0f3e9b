// S5: S3 with the debit moved after the await. Two concurrent calls both pass the check before either debits:
// both transfers go out (double spend), and the second debit may even trap on `Nat` underflow.
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
      switch (await (with timeout = 30) ledger.transfer(caller, amount)) {
      //      ^^^^^ commit
      //      ^^^^^ warning: check-then-act
        case (#ok _) {
          balance -= amount;
          true;
        };
        case (#err _) { false };
      };
    } else {
      false;
    };
  };
};
