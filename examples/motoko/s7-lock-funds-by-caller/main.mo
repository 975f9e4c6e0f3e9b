// S7 (forum), question 2: `funds` is a `Map<Principal, Nat>` and every access is keyed by the caller.
// `lockFunds` still interleaves with `withdrawFunds`, but only calls by the same caller touch the same entry:
// the explanation says so.
import Error "mo:core/Error";
import Map "mo:core/Map";
import Principal "mo:core/Principal";

persistent actor Wallet {
  type Ledger = actor {
    transfer : shared (to : Principal, amount : Nat) -> async { #ok : Nat; #err : Text };
  };

  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";

  let funds = Map.empty<Principal, Nat>();
  let locked = Map.empty<Principal, Nat>();
  var text : Text = "";

  public shared ({ caller }) func withdrawFunds(withdrawAmount : Nat) : async Nat {
    let available = switch (Map.get(funds, Principal.compare, caller)) {
      case (?n) { n };
      case null { 0 };
    };
    if (available < withdrawAmount) {
      throw Error.reject("insufficient funds");
    };
    Map.add(funds, Principal.compare, caller, available - withdrawAmount);
    try {
      switch (await (with timeout = 30) ledger.transfer(caller, withdrawAmount)) {
      //      ^^^^^ commit
      //      ^^^^^ info: intermediate-state-visible
        case (#ok _) {};
        case (#err _) {
          // The ledger refused: credit the amount back onto the entry as it is now.
          let now = switch (Map.get(funds, Principal.compare, caller)) {
            case (?n) { n };
            case null { 0 };
          };
          Map.add(funds, Principal.compare, caller, now + withdrawAmount);
        };
      };
    } catch (e) {
      switch (Error.code(e)) {
        // Timed out: the ledger may have paid. Keep the debit and reconcile later.
        case (#system_unknown) {};
        case _ {
          let now = switch (Map.get(funds, Principal.compare, caller)) {
            case (?n) { n };
            case null { 0 };
          };
          Map.add(funds, Principal.compare, caller, now + withdrawAmount);
        };
      };
    };
    switch (Map.get(funds, Principal.compare, caller)) {
      case (?n) { n };
      case null { 0 };
    };
  };

  public shared ({ caller }) func lockFunds(amount : Nat) : async () {
    let available = switch (Map.get(funds, Principal.compare, caller)) {
      case (?n) { n };
      case null { 0 };
    };
    if (available >= amount) {
      Map.add(funds, Principal.compare, caller, available - amount);
      let already = switch (Map.get(locked, Principal.compare, caller)) {
        case (?n) { n };
        case null { 0 };
      };
      Map.add(locked, Principal.compare, caller, already + amount);
    };
  };

  public func appendText(t : Text) : async () {
    text #= t;
  };
};
