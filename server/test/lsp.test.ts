/** The bundled language server over real LSP stdio: diagnostics with related locations, hovers, inlay hints,
 * code lenses, quick fixes and the simulate request. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulateResult } from '../src/protocol';
import { openInServer } from './helpers/lsp-session';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { docsBaseUrl } from '../src/rules/types';
import { repoRoot } from './helpers/paths';
import { withdrawLibRs } from './helpers/rust-sources';

const source = withdrawLibRs([]);

/** The crate above, opened in a fresh server. */
const openWithdrawCrate = () =>
  openInServer({ 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': source }, 'src/lib.rs', 'rust');

test('diagnostics, hover and inlay hints over stdio', async () => {
  const session = await openWithdrawCrate();
  const { conn, uri } = session;
  try {
    const published = await session.diagnostics;
    const cta = published.diagnostics.find((d) => d.code === 'check-then-act');
    assert.ok(cta, JSON.stringify(published.diagnostics));
    assert.equal(cta.range.start.line, 10);
    assert.equal(cta.severity, 2);
    // A generic client gets the published page.
    assert.equal(cta.codeDescription!.href, `${docsBaseUrl}docs/rules/check-then-act.md`);
    assert.ok(
      (cta.relatedInformation ?? []).some((r) => r.location.uri === uri && r.location.range.start.line === 9),
    );
    assert.ok(published.diagnostics.some((d) => d.code === 'no-rollback-on-failure') === false);

    const awaitCol = source.split('\n')[10].indexOf('await');
    const hover = await conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 10, character: awaitCol + 1 },
    });
    assert.ok(hover);
    assert.match(hover.contents.value, /\*\*Commit point\*\*/);
    assert.match(hover.contents.value, /Relies on across it:\*\* `BALANCE`/);
    assert.match(hover.contents.value, /`withdraw`/);

    const hints = await conn.sendRequest<{ label: string; position: { line: number } }[]>(
      'textDocument/inlayHint',
      {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
      },
    );
    assert.ok(hints.some((h) => h.position.line === 10 && /commit point · 1 interleaver/.test(h.label)));
  } finally {
    await session.close();
  }
});

test('a client that ships the rule pages gets links that open them with its command', async () => {
  const session = await openInServer(
    { 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': source },
    'src/lib.rs',
    'rust',
    { ruleDocCommand: true },
  );
  try {
    const published = await session.diagnostics;
    const cta = published.diagnostics.find((d) => d.code === 'check-then-act');
    const link = /^command:commitPoints\.openRuleDoc\?(.*)$/.exec(cta?.codeDescription?.href ?? '');
    assert.ok(link, JSON.stringify(cta));
    const args = JSON.parse(decodeURIComponent(link[1])) as string[];
    assert.deepEqual(args, ['docs/rules/check-then-act.md']);
    assert.ok(existsSync(join(repoRoot, args[0])));
  } finally {
    await session.close();
  }
});

test('a hover, inlay hints and the timeline summary asked right after opening wait for the first analysis', async () => {
  const session = await openWithdrawCrate();
  const { conn, uri } = session;
  try {
    // Sent at once, before any diagnostics: the answers must come from the analysis, not be empty.
    const awaitCol = source.split('\n')[10].indexOf('await');
    const [hover, hints, summary] = await Promise.all([
      conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 10, character: awaitCol + 1 },
      }),
      conn.sendRequest<{ label: string }[]>('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
      }),
      conn.sendRequest<{ entryPoints: { name: string }[] } | null>('commitPoints/summary', { uri }),
    ]);
    assert.match(hover?.contents.value ?? '', /\*\*Commit point\*\*/);
    assert.ok(
      hints.some((h) => /commit point/.test(h.label)),
      JSON.stringify(hints),
    );
    assert.deepEqual(
      summary?.entryPoints.map((e) => e.name),
      ['withdraw'],
    );
  } finally {
    await session.close();
  }
});

const motokoLib =
  'module {\n  public func audit() : async* () { };\n  public func pay(n : Nat) : async* () { await (with timeout = 5) ledger.pay(n) };\n};\n';
const motokoMain = `import Lib "lib";
persistent actor {
  var balance : Nat = 0;
  public func withdraw(amount : Nat) : async () {
    if (balance >= amount) {
      await* Lib.audit();
      await (with timeout = 30) other.pay(amount);
      balance -= amount;
    };
  };
};
`;

test('a Motoko file gets diagnostics and hovers over stdio, with its relative import resolved from disk', async () => {
  const session = await openInServer({ 'lib.mo': motokoLib, 'main.mo': motokoMain }, 'main.mo', 'motoko');
  const { conn, uri } = session;
  try {
    const published = await session.diagnostics;
    const cta = published.diagnostics.filter((d) => d.code === 'check-then-act');
    assert.deepEqual(
      cta.map((d) => d.range.start.line),
      [6],
    );
    const hover = await conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 5, character: 7 },
    });
    assert.ok(hover);
    assert.match(hover.contents.value, /Not a commit point/);
    assert.match(hover.contents.value, /never awaits/);
    const sim = await conn.sendRequest<SimulateResult>('commitPoints/simulate', {
      uri,
      line: 4,
      policy: 'adversarial',
    });
    assert.ok('simulation' in sim, JSON.stringify(sim));
    assert.equal(sim.scenario, 'withdraw:2');
    assert.equal(sim.simulation.witness?.rule, 'check-then-act');
    assert.deepEqual(
      sim.simulation.messages.map((m) => m.id),
      ['withdraw#1', 'withdraw#2'],
    );
  } finally {
    await session.close();
  }
});

const guarded = `use std::cell::RefCell;
use std::collections::BTreeSet;
use candid::Principal;
use ic_cdk::call::Call;

thread_local! {
    static PENDING: RefCell<BTreeSet<Principal>> = RefCell::new(BTreeSet::new());
    static BALANCE: RefCell<u64> = RefCell::new(0);
}

struct CallerGuard {
    principal: Principal,
}

impl CallerGuard {
    fn new(principal: Principal) -> Result<Self, String> {
        PENDING.with(|p| {
            if !p.borrow_mut().insert(principal) {
                return Err("busy".to_string());
            }
            Ok(Self { principal })
        })
    }
}

impl Drop for CallerGuard {
    fn drop(&mut self) {
        PENDING.with(|p| p.borrow_mut().remove(&self.principal));
    }
}

#[ic_cdk::update]
async fn withdraw(amount: u64) -> Result<(), String> {
    let caller = ic_cdk::api::msg_caller();
    let _ = CallerGuard::new(caller)?;
    BALANCE.with(|b| *b.borrow_mut() -= amount);
    let _ = Call::unbounded_wait(Principal::anonymous(), "transfer").with_arg(amount).await;
    Ok(())
}
`;

interface Lens {
  range: { start: { line: number } };
  command: { title: string; command: string; arguments?: unknown[] };
}

test('a client that runs our commands gets lenses that open the timeline', async () => {
  const session = await openInServer(
    { 'Cargo.toml': '[package]\nname = "g"\n', 'src/lib.rs': guarded },
    'src/lib.rs',
    'rust',
    { commandLenses: true },
  );
  const { conn, uri } = session;
  try {
    await session.diagnostics;
    const lenses = await conn.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((l) => l.command),
      [
        {
          title: '1 commit point · 2 segments · interleaved by withdraw (itself)',
          command: 'commitPoints.showTimeline',
          arguments: [uri, 32],
        },
      ],
    );
  } finally {
    await session.close();
  }
});

test('code lenses above entry points and quick fixes for mechanical findings', async () => {
  const session = await openInServer(
    { 'Cargo.toml': '[package]\nname = "g"\n', 'src/lib.rs': guarded },
    'src/lib.rs',
    'rust',
  );
  const { conn, uri } = session;
  try {
    const published = await session.diagnostics;
    // A generic client (no `commandLenses` in initializationOptions) gets title-only lenses.
    const lenses = await conn.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command]),
      [[32, { title: '1 commit point · 2 segments · interleaved by withdraw (itself)', command: '' }]],
    );

    const actions = await conn.sendRequest<
      {
        title: string;
        edit: {
          changes: Record<
            string,
            { range: { start: { line: number; character: number } }; newText: string }[]
          >;
        };
      }[]
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } },
      context: { diagnostics: published.diagnostics },
    });
    const guard = actions.find((a) => a.title.includes('_guard'));
    assert.ok(guard, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(guard.edit.changes[uri], [
      { range: { start: { line: 34, character: 8 }, end: { line: 34, character: 9 } }, newText: '_guard' },
    ]);
    const bounded = actions.find((a) => a.title.includes('bounded-wait'));
    assert.ok(bounded);
    const edit = bounded.edit.changes[uri][0];
    assert.equal(edit.newText, 'bounded_wait');
    assert.equal(edit.range.start.line, 36);
    assert.equal(edit.range.start.character, guarded.split('\n')[36].indexOf('unbounded_wait'));
  } finally {
    await session.close();
  }
});

test('in a Cargo workspace the server resolves calls into a path dependency and reports only the edited crate', async () => {
  const lib = `use ledger::transfer;
#[ic_cdk::update]
async fn pay(to: u64) {
    transfer(to).await;
}
`;
  const session = await openInServer(
    {
      'Cargo.toml': '[workspace]\nmembers = ["client", "wallet"]\n',
      'client/Cargo.toml': '[package]\nname = "ledger-client"\n',
      'client/src/lib.rs':
        'pub async fn transfer(to: u64) { ic_cdk::call::<_, ()>(L, "transfer", (to,)).await.unwrap(); }\n',
      'wallet/Cargo.toml':
        '[package]\nname = "wallet"\n[dependencies]\nledger = { path = "../client", package = "ledger-client" }\n',
      'wallet/src/lib.rs': lib,
    },
    'wallet/src/lib.rs',
    'rust',
  );
  const { conn, uri } = session;
  // Replaces the session's own handler (one per method): every file diagnostics are published for.
  const published: string[] = [];
  const mine = new Promise<void>((resolve) =>
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
      published.push(p.uri);
      if (p.uri === uri) resolve();
    }),
  );
  try {
    await mine;
    const hover = await conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 3, character: lib.split('\n')[3].indexOf('await') + 1 },
    });
    assert.ok(hover);
    assert.match(hover.contents.value, /\*\*Commit point\*\*/);
    assert.match(hover.contents.value, /crate `ledger_client`/);
    // The client crate was read for the analysis, not reported on.
    assert.ok(published.every((u) => u === uri));
  } finally {
    await session.close();
  }
});
