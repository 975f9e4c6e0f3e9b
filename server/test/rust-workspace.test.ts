/**
 * The Cargo workspace as the unit of Rust analysis (SPEC §2, issue 7 item 3): a call into another crate of
 * the workspace resolves through its `Cargo.toml` (members, `path =` dependencies, `package =` renames,
 * `workspace = true`, `[patch]`) and its module tree (`mod`, `pub use … as …`, globs, `super`, `crate`).
 * Before, files were grouped by the nearest `Cargo.toml` and every such call was `maybe`.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzePaths, analyzeSources } from '../src/workspace/analyze';
import { collectSources } from '../src/workspace/collect';
import type { FileModel } from '../src/model/ir';

/** Writes `files` (relative path → text) under a fresh folder, removed after the test. */
function tree(t: TestContext, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cargo-ws-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** `fn`'s await kinds, in file order, across the models. */
function kinds(models: FileModel[], fn: string): string[] {
  return models.flatMap((m) => m.awaits.filter((a) => a.functionName === fn).map((a) => a.commit));
}

/** A ledger client crate whose `transfer` calls another canister, and a `balance` that makes no call. */
const CLIENT = {
  'libs/ledger-client/Cargo.toml':
    '[package]\nname = "ledger-client"\nversion = "0.1.0"\n[dependencies]\nic-cdk = "0.18"\n',
  'libs/ledger-client/src/lib.rs': `
pub mod api;
mod local;
pub use api::transfer as send_tokens;
pub use local::*;
`,
  'libs/ledger-client/src/api.rs': `
use ic_cdk::call::Call;
pub async fn transfer(to: u64, amount: u64) -> u64 {
    Call::bounded_wait(LEDGER, "transfer").with_args(&(to, amount)).await.unwrap();
    amount
}
pub async fn transfer_legacy(to: u64) {
    let _: () = ic_cdk::call(LEDGER, "transfer", (to,)).await.unwrap();
}
`,
  'libs/ledger-client/src/local.rs': `
pub async fn balance(of: u64) -> u64 { of }
pub async fn transfer(to: u64) -> u64 { to }
`,
};

const CANISTER_TOML = `[package]
name = "wallet"
version = "0.1.0"
[lib]
crate-type = ["cdylib"]
[dependencies]
ic-cdk = "0.18"
ledger = { path = "../../libs/ledger-client", package = "ledger-client" }
outside = "1.0"
`;

const CANISTER_LIB = `
use ledger::api::transfer;
use ledger::send_tokens;
#[ic_cdk::update]
async fn pay(to: u64) { transfer(to, 1).await; }
#[ic_cdk::update]
async fn pay_reexported(to: u64) { send_tokens(to, 1).await; }
#[ic_cdk::update]
async fn pay_by_path(to: u64) { ledger::api::transfer_legacy(to).await; }
#[ic_cdk::update]
async fn look(of: u64) -> u64 { ledger::balance(of).await }
#[ic_cdk::update]
async fn elsewhere(to: u64) { outside::transfer(to).await; }
`;

test('a call into another crate of the workspace resolves through `path =`, `package =` and `pub use … as …`', async (t) => {
  const root = tree(t, {
    'Cargo.toml': '[workspace]\nmembers = ["libs/*", "canisters/wallet"]\n',
    ...CLIENT,
    'canisters/wallet/Cargo.toml': CANISTER_TOML,
    'canisters/wallet/src/lib.rs': CANISTER_LIB,
    // A crate of the same name outside the workspace: `outside` is a registry dependency, not this code.
    'elsewhere/outside/Cargo.toml': '[package]\nname = "outside"\n',
    'elsewhere/outside/src/lib.rs': 'pub async fn transfer(to: u64) -> u64 { to }\n',
  });
  const result = await analyzePaths(collectSources([join(root, 'canisters')]).files);
  const models = result.files;
  // Only the files asked for are reported: the client crate is read, not reported on.
  assert.deepEqual(
    models.map((m) => m.file),
    [join(root, 'canisters/wallet/src/lib.rs')],
  );
  assert.deepEqual(kinds(models, 'pay'), ['commit']);
  assert.deepEqual(kinds(models, 'pay_reexported'), ['commit']);
  assert.deepEqual(kinds(models, 'pay_by_path'), ['commit']);
  // A workspace function that provably makes no call (through a glob re-export).
  assert.deepEqual(kinds(models, 'look'), ['none']);
  // A crate that is not a path dependency stays unknown, even though code of that name is on disk.
  assert.deepEqual(kinds(models, 'elsewhere'), ['maybe']);
});

test('`workspace = true` dependencies and `[patch]` paths lead to the workspace crate', async (t) => {
  const root = tree(t, {
    'Cargo.toml': `[workspace]
members = ["libs/ledger-client", "canisters/*"]
[workspace.dependencies]
ledger-client = { path = "libs/ledger-client" }
[patch.crates-io]
ledger-client = { path = "./libs/ledger-client" }
`,
    ...CLIENT,
    'canisters/a/Cargo.toml':
      '[package]\nname = "a"\n[dependencies]\nledger-client.workspace = true\nic-cdk = "0.18"\n',
    'canisters/a/src/lib.rs': `
#[ic_cdk::update]
async fn pay(to: u64) { ledger_client::send_tokens(to, 1).await; }
`,
    'canisters/b/Cargo.toml':
      '[package]\nname = "b"\n[dependencies]\nledger-client = "0.1"\nic-cdk = "0.18"\n',
    'canisters/b/src/lib.rs': `
use ledger_client::*;
#[ic_cdk::update]
async fn pay(to: u64) { api::transfer(to, 1).await; }
#[ic_cdk::update]
async fn look(of: u64) -> u64 { balance(of).await }
`,
  });
  const models = (await analyzePaths(collectSources([join(root, 'canisters')]).files)).files;
  const of = (crate: string) => models.filter((m) => m.file.includes(`${crate}/src`));
  assert.deepEqual(kinds(of('canisters/a'), 'pay'), ['commit']);
  assert.deepEqual(kinds(of('canisters/b'), 'pay'), ['commit']);
  assert.deepEqual(kinds(of('canisters/b'), 'look'), ['none']);
});

test('a same-named local function never answers for another crate, and a crate outside the workspace is `maybe`', async (t) => {
  const root = tree(t, {
    // Not a workspace member and not a path dependency: the canister's `ledger_client` is the registry's.
    'Cargo.toml': '[workspace]\nmembers = ["canister"]\nexclude = ["libs/ledger-client"]\n',
    ...CLIENT,
    'canister/Cargo.toml': '[package]\nname = "c"\n[dependencies]\nledger-client = "0.1"\nic-cdk = "0.18"\n',
    'canister/src/lib.rs': `
mod local { pub async fn transfer(to: u64, amount: u64) -> u64 { to + amount } }
#[ic_cdk::update]
async fn pay(to: u64) { ledger_client::api::transfer(to, 1).await; }
`,
  });
  const models = (await analyzePaths(collectSources([join(root, 'canister')]).files)).files;
  assert.deepEqual(kinds(models, 'pay'), ['maybe']);
});

test('the editor analyses one crate: its files are reported, the dependency is read from open documents', async (t) => {
  const root = tree(t, {
    'Cargo.toml': '[workspace]\nmembers = ["libs/*", "canisters/wallet"]\n',
    ...CLIENT,
    'canisters/wallet/Cargo.toml': CANISTER_TOML,
    'canisters/wallet/src/lib.rs': CANISTER_LIB,
  });
  const lib = join(root, 'canisters/wallet/src/lib.rs');
  const local = join(root, 'libs/ledger-client/src/local.rs');
  // An unsaved edit of the client crate makes `balance` call another canister.
  const edited = 'pub async fn balance(of: u64) -> u64 { ic_cdk::call(L, "b", (of,)).await.unwrap() }\n';
  const result = await analyzeSources([{ path: lib, text: CANISTER_LIB }], {
    readFile: (p) => (p === local ? edited : undefined),
  });
  assert.deepEqual(
    result.files.map((m) => m.file),
    [lib],
  );
  assert.deepEqual(kinds(result.files, 'look'), ['commit']);
});

test('re-exports through `crate`, `super` and inline modules, methods of a dependency type, and `#[cfg]` twins', async (t) => {
  const root = tree(t, {
    'Cargo.toml': '[workspace]\nmembers = ["client", "canister"]\n',
    'client/Cargo.toml':
      '[package]\nname = "client"\n[lib]\nname = "ic_client"\n[dependencies]\nic-cdk = "0.18"\n',
    'client/src/lib.rs': `
pub mod outer {
    pub mod inner {
        pub use super::super::calls::pay as settle;
        pub use crate::calls::Ledger;
    }
}
pub mod calls;
#[cfg(feature = "mock")]
pub async fn fetch() -> u64 { 1 }
#[cfg(not(feature = "mock"))]
pub async fn fetch() -> u64 { ic_cdk::call::<_, (u64,)>(L, "f", ()).await.unwrap().0 }
`,
    'client/src/calls.rs': `
pub async fn pay(to: u64) { ic_cdk::call::<_, ()>(L, "pay", (to,)).await.unwrap(); }
pub struct Ledger;
impl Ledger {
    pub fn new() -> Self { Ledger }
    pub async fn balance(&self) -> u64 { 0 }
    pub async fn transfer(&self, to: u64) { pay(to).await }
}
`,
    'canister/Cargo.toml':
      '[package]\nname = "canister"\n[dependencies]\nic-client = { path = "../client" }\n',
    'canister/src/lib.rs': `
use ic_client::outer::inner::{settle, Ledger};
#[ic_cdk::update]
async fn a(to: u64) { settle(to).await; }
#[ic_cdk::update]
async fn b(to: u64) { let l: Ledger = Ledger::new(); l.transfer(to).await; l.balance().await; }
#[ic_cdk::update]
async fn c(to: u64) { let l = ic_client::outer::inner::Ledger::new(); l.balance().await; l.transfer(to).await; }
#[ic_cdk::update]
async fn d() { ic_client::fetch().await; }
`,
  });
  const models = (await analyzePaths(collectSources([join(root, 'canister')]).files)).files;
  assert.deepEqual(kinds(models, 'a'), ['commit']);
  assert.deepEqual(kinds(models, 'b'), ['commit', 'none']);
  // A value a dependency's constructor returns has that crate's type.
  assert.deepEqual(kinds(models, 'c'), ['none', 'commit']);
  // Two declarations under different `#[cfg]`: which one is built is not known here.
  assert.deepEqual(kinds(models, 'd'), ['maybe']);
});

test('a facade crate calls ic-cdk through `crate::cdk`, and its `#[cfg(test)]` mocks never answer for it', async (t) => {
  const root = tree(t, {
    'Cargo.toml': '[workspace]\nmembers = ["essentials", "canister"]\n',
    'essentials/Cargo.toml': '[package]\nname = "essentials"\n[dependencies]\nic-cdk = "0.18"\n',
    'essentials/src/lib.rs': 'pub mod cdk;\npub mod random;\n',
    'essentials/src/cdk.rs': `
#[cfg(not(test))]
pub use ic_cdk::*;
#[cfg(test)]
pub use mocks::*;
#[cfg(test)]
mod mocks {
    pub mod management_canister { pub mod main { pub async fn raw_rand() -> (Vec<u8>,) { (vec![0; 32],) } } }
}
`,
    'essentials/src/random.rs': `
use crate::cdk::api::management_canister;
pub async fn initialize_rng() { management_canister::main::raw_rand().await.unwrap(); }
`,
    'canister/Cargo.toml':
      '[package]\nname = "canister"\n[dependencies]\nessentials = { path = "../essentials" }\n',
    'canister/src/lib.rs': `
#[ic_cdk::init]
async fn init() { essentials::random::initialize_rng().await; }
`,
  });
  const models = (await analyzePaths(collectSources([root]).files)).files;
  assert.deepEqual(kinds(models, 'initialize_rng'), ['commit']);
  assert.deepEqual(kinds(models, 'init'), ['commit']);
});

test('a `crate::` path reaches a dependency function the crate re-exports, past a `#[cfg(test)]` stand-in', async (t) => {
  const root = tree(t, {
    'Cargo.toml': '[workspace]\nmembers = ["essentials", "station"]\n',
    'essentials/Cargo.toml': '[package]\nname = "essentials"\n[dependencies]\nic-cdk = "0.18"\n',
    'essentials/src/lib.rs': 'pub mod utils;\n',
    'essentials/src/utils/mod.rs': 'mod random;\npub use random::*;\n',
    'essentials/src/utils/random.rs': `
pub async fn new_id() -> u64 { ic_cdk::call::<_, (u64,)>(L, "rand", ()).await.unwrap().0 }
`,
    'station/Cargo.toml':
      '[package]\nname = "station"\n[dependencies]\nessentials = { path = "../essentials" }\n',
    'station/src/lib.rs': 'mod core;\nmod accounts;\n',
    'station/src/core.rs': `
#[cfg(not(test))]
pub use essentials::utils::new_id;
#[cfg(test)]
pub async fn new_id() -> u64 { 7 }
`,
    'station/src/accounts.rs': `
use crate::core::new_id;
#[ic_cdk::update]
async fn create() -> u64 { new_id().await }
`,
  });
  const models = (await analyzePaths(collectSources([join(root, 'station')]).files)).files;
  assert.deepEqual(kinds(models, 'create'), ['commit']);
});

test('findings in a test-double crate (fake-…, mock-…, …-test) are infos; the same code in a real crate warns', async (t) => {
  const code = `
use ic_cdk::call::Call;
use std::cell::RefCell;
thread_local! { static LAST_ARGS: RefCell<Vec<u64>> = RefCell::new(Vec::new()); }
#[ic_cdk::update]
async fn create(n: u64) {
    LAST_ARGS.with_borrow_mut(|a| a.push(n));
    let _ = Call::bounded_wait(CMC, "create").with_arg(n).await;
}
`;
  const root = tree(t, {
    'Cargo.toml': '[workspace]\nmembers = ["fake-cmc", "wallet"]\n',
    'fake-cmc/Cargo.toml':
      '[package]\nname = "fake-cmc"\nversion = "0.1.0"\n[dependencies]\nic-cdk = "0.18"\n',
    'fake-cmc/src/main.rs': code,
    'wallet/Cargo.toml': '[package]\nname = "wallet"\nversion = "0.1.0"\n[dependencies]\nic-cdk = "0.18"\n',
    'wallet/src/lib.rs': code,
  });
  const { findings } = await analyzePaths(collectSources([root]).files);
  const rollback = findings.filter((f) => f.rule === 'no-rollback-on-failure');
  const inFake = rollback.filter((f) => f.file.includes('fake-cmc'));
  const inWallet = rollback.filter((f) => f.file.includes('wallet'));
  assert.equal(inWallet.length, 1);
  assert.equal(inWallet[0].severity, 'warning');
  assert.equal(inFake.length, 1);
  assert.equal(inFake[0].severity, 'info');
  assert.match(inFake[0].message, /test double/);
});

test('crates that are not canister code (host tools, scripts, integration tests) get no annotations', async (t) => {
  const root = tree(t, {
    'Cargo.toml': `[workspace]
members = ["canister", "types", "tools/admin", "scripts/load"]
[workspace.dependencies]
tokio = { version = "1", features = ["full"] }
`,
    // Uses no ic-cdk itself, but the canister calls it: read for its summaries, never reported.
    'types/Cargo.toml': '[package]\nname = "types"\n[dependencies]\ncandid = "0.10"\n',
    'types/src/lib.rs': 'pub async fn normalise(x: u64) -> u64 { x }\n',
    'canister/Cargo.toml':
      '[package]\nname = "canister"\n[dependencies]\nic-cdk = "0.18"\ntypes = { path = "../types" }\n[dev-dependencies]\npocket-ic = "9"\n',
    'canister/src/lib.rs': `
#[ic_cdk::update]
async fn pay(to: u64) { let n = types::normalise(to).await; ic_cdk::call::<_, ()>(L, "pay", (n,)).await.unwrap(); }
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn pays_twice() { super::pay(1).await; super::pay(2).await; }
}
`,
    'canister/tests/it.rs': `
#[tokio::test]
async fn pays() { let pic = pocket_ic::PocketIc::new().await; pic.update_call(C, "pay", ()).await.unwrap(); }
`,
    // An admin tool reaches ic-cdk through the canister crate, but runs on an agent.
    'tools/admin/Cargo.toml':
      '[package]\nname = "admin"\n[dependencies]\nic-agent = "0.39"\ncanister = { path = "../../canister" }\ntokio.workspace = true\n',
    'tools/admin/src/main.rs': `
#[tokio::main]
async fn main() { let agent = ic_agent::Agent::builder().build().unwrap(); agent.update(&C, "pay").call_and_wait().await.unwrap(); }
`,
    'scripts/load/Cargo.toml': '[package]\nname = "load"\n[dependencies]\nfutures = "0.3"\ncandid = "0.10"\n',
    'scripts/load/src/main.rs': 'async fn run() { futures::future::ready(1).await; }\n',
  });
  const models = (await analyzePaths(collectSources([root]).files)).files;
  const at = (rel: string) => models.find((m) => m.file === join(root, rel))!;
  assert.deepEqual(kinds(models, 'pay'), ['none', 'commit']);
  // Test code in a canister crate is not compiled into the canister either.
  assert.deepEqual(kinds(models, 'pays_twice'), []);
  for (const rel of [
    'canister/tests/it.rs',
    'tools/admin/src/main.rs',
    'scripts/load/src/main.rs',
    'types/src/lib.rs',
  ]) {
    assert.ok(at(rel).notCanisterCode, `${rel} is not canister code`);
    assert.equal(at(rel).skipped, undefined);
    assert.deepEqual(at(rel).awaits, []);
    assert.deepEqual(at(rel).entryPoints, []);
  }
  assert.match(at('tools/admin/src/main.rs').notCanisterCode!, /`ic-agent`/);
  assert.match(at('scripts/load/src/main.rs').notCanisterCode!, /does not depend on ic-cdk/);
  assert.equal(at('canister/src/lib.rs').notCanisterCode, undefined);
  // The types crate is read for the canister's summaries, and still has one model only.
  assert.equal(models.filter((m) => m.file === join(root, 'types/src/lib.rs')).length, 1);
});

/** A client crate that generates its functions with `macro_rules!` (issue 7 item 4). */
const MACRO_CLIENT = {
  'client/Cargo.toml': '[package]\nname = "ledger-client"\n[dependencies]\nic-cdk = "0.18"\n',
  'client/src/lib.rs': `
#[macro_export]
macro_rules! generate_call {
    ($name:ident, $arg:ty, $ret:ty) => {
        pub async fn $name(canister: Principal, arg: $arg) -> Result<$ret, String> {
            let (r,): ($ret,) = $crate::raw::call(canister, stringify!($name), (arg,)).await?;
            Ok(r)
        }
    };
}
macro_rules! getters {
    ($($field:ident : $t:ty),* $(,)?) => { $( pub async fn $field() -> $t { Default::default() } )* };
}
macro_rules! method_call {
    ($($name:ident),+) => {
        $( pub async fn $name(&self, x: u64) { let _: () = ic_cdk::call(self.id, stringify!($name), (x,)).await.unwrap(); } )+
    };
}
pub mod raw;
pub mod client {
    generate_call!(transfer, TransferArg, Vec<u64>);
    getters!(fee: u64, decimals: u8,);
}
pub struct Ledger { id: Principal }
impl Ledger {
    method_call!(approve, revoke);
}
`,
  'client/src/raw.rs': `
pub async fn call<A, R>(id: Principal, m: &str, a: A) -> Result<R, String> {
    ic_cdk::call(id, m, a).await.map_err(|e| format!("{e:?}"))
}
`,
  'canister/Cargo.toml':
    '[package]\nname = "canister"\n[dependencies]\nic-cdk = "0.18"\nledger-client = { path = "../client" }\n',
};

test('functions generated by an item-making `macro_rules!` of the workspace are resolved by their callers', async (t) => {
  const root = tree(t, {
    'Cargo.toml': '[workspace]\nmembers = ["client", "canister"]\n',
    ...MACRO_CLIENT,
    'canister/src/lib.rs': `
use ledger_client::{client, Ledger};
mod own {
    ledger_client::generate_call!(mint, u64, u64);
}
#[ic_cdk::update]
async fn pay(to: Principal) { client::transfer(to, TransferArg {}).await.unwrap(); }
#[ic_cdk::update]
async fn fee() -> u64 { client::fee().await + u64::from(ledger_client::client::decimals().await) }
#[ic_cdk::update]
async fn approve(l: Ledger) { l.approve(1).await; l.revoke(2).await; }
#[ic_cdk::update]
async fn mint(to: Principal) { own::mint(to, 5).await.unwrap(); }
#[ic_cdk::update]
async fn unknown(to: Principal) { client::burn(to).await; }
`,
  });
  const models = (await analyzePaths(collectSources([join(root, 'canister')]).files)).files;
  assert.deepEqual(kinds(models, 'pay'), ['commit']);
  assert.deepEqual(kinds(models, 'fee'), ['none', 'none']);
  assert.deepEqual(kinds(models, 'approve'), ['commit', 'commit']);
  // `$crate` of an exported macro names the crate that defines it.
  assert.deepEqual(kinds(models, 'mint'), ['commit']);
  assert.deepEqual(kinds(models, 'unknown'), ['maybe']);
  // The generated function is shown where the macro is invoked.
  const pay = models.flatMap((m) => m.awaits).find((a) => a.functionName === 'pay')!;
  assert.match(pay.reason, /crate `ledger_client`, src\/lib\.rs:21\)/);
  // Nothing is reported inside the expansion: the canister's file has its own awaits only.
  assert.equal(models.flatMap((m) => m.awaits).length, 7);
});
