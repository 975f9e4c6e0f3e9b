// S4: S3 with the rollback removed. A `#err` reply or a reject leaves the balance debited although nothing
// was paid.
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
      switch (await (with timeout = 30) ledger.transfer(caller, amount)) {
      //      ^^^^^ commit
      //      ^^^^^ warning: no-rollback-on-failure
      //      ^^^^^ info: intermediate-state-visible
        case (#ok _) { true };
        case (#err _) { false };
      };
    } else {
      false;
    };
  };
};
