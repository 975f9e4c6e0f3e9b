/**
 * The small Motoko actor the editor tests share: two withdrawals that check the balance before a transfer and
 * debit after it (a check-then-act each), followed by the given extra methods.
 */
export function bankActorMo(extraMethods = ''): string {
  return `persistent actor Bank {
  type Ledger = actor { transfer : shared (Principal, Nat) -> async Bool };
  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  public func withdraw(amount : Nat) : async () {
    if (balance >= amount) {
      ignore await ledger.transfer(Principal.fromText("aaaaa-aa"), amount);
      balance -= amount;
    };
  };

  public func withdrawAgain(amount : Nat) : async () {
    if (balance >= amount) {
      ignore await ledger.transfer(Principal.fromText("aaaaa-aa"), amount);
      balance -= amount;
    };
  };
${extraMethods}};
`;
}
