// S1 (forum): a counter incremented by a private async function of the same actor.
// Awaiting `foo()` is a self-call, so both awaits are commit points: `test` runs as three messages
// (segments), and other `test` and `foo` messages run in the gaps.
persistent actor {
  var i = 0;

  func foo() : async () {
    i += 1;
  };

  public func test() : async Text {
    let i0 = i;
    await foo();
 // ^^^^^ commit
    let i1 = i;
    await foo();
 // ^^^^^ commit
    let i2 = i;
    "update: i0 = " # debug_show (i0) # ", i1 = " # debug_show (i1) # ", i2 = " # debug_show (i2);
  };
};
