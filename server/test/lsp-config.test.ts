/** The language server applies the same project file and inline suppressions as the command line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openInServer } from './helpers/lsp-session';

const bank = `persistent actor Bank {
  type Ledger = actor { transfer : shared (Nat) -> async () };
  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  public func pay(amount : Nat) : async () {
    if (balance >= amount) {
      // commit-points: allow(check-then-act) reason: the ledger deduplicates by memo
      await ledger.transfer(amount);
      balance -= amount;
    };
  };

  // commit-points: allow(stale-write-back) reason: left over
  public func refund(amount : Nat) : async () {
    await (with timeout = 30) ledger.transfer(amount);
    balance += amount;
  };
};
`;

async function diagnostics(files: Record<string, string>) {
  const session = await openInServer({ '.git/HEAD': '', ...files }, 'main.mo', 'motoko');
  try {
    return (await session.diagnostics).diagnostics.map((d) => ({
      at: `${String(d.code)}:${d.range.start.line + 1}:${d.severity}`,
      href: d.codeDescription?.href ?? '',
    }));
  } finally {
    await session.close();
  }
}

test('suppressions and [rules] reach the editor: suppressed, re-rated, and unused reported', async () => {
  const ds = await diagnostics({
    'main.mo': bank,
    'commit-points.toml': '[rules]\nunbounded-wait-call = "warning"\nunused-suppression = "warning"\n',
  });
  assert.deepEqual(
    ds.map((d) => d.at),
    ['unbounded-wait-call:9:2', 'unused-suppression:14:2'],
  );
  assert.match(ds[1].href, /docs\/configuration\.md#inline-suppressions$/);
});

test('an invalid project file leaves the defaults in force, and the suppressions still apply', async () => {
  const ds = await diagnostics({
    'main.mo': bank,
    'commit-points.toml': '[rules]\nunbounded-wait-call = 3\n',
  });
  assert.deepEqual(
    ds.map((d) => d.at),
    ['unbounded-wait-call:9:3', 'unused-suppression:14:3'],
  );
});
