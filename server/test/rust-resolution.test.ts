/**
 * Resolution of what an `.await` waits for (issue 7): the call tables of ic-cdk and the client crates, and
 * method calls through the receiver's type (fields, parameters, locals, trait impls, `dyn` and generics).
 * Each case was `maybe` before the change it tests; none may ever become an unsound `none`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRustCrate } from '../src/languages/rust';
import type { FileModel } from '../src/model/ir';

async function crate(files: Record<string, string>, extraCallFunctions: string[] = []): Promise<FileModel[]> {
  return analyzeRustCrate(
    'test',
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { extraCallFunctions },
  );
}

/** The kinds of the awaits in function `fn`, in file order. */
function kinds(models: FileModel[], fn: string): string[] {
  return models.flatMap((m) => m.awaits.filter((a) => a.functionName === fn).map((a) => a.commit));
}

test('management-canister helpers are calls, also imported as `self as mgmt` or through a facade crate', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::api::management_canister::main::{self as mgmt, CanisterIdRecord};
use ic_exports::ic_cdk::api::management_canister::ecdsa::{ecdsa_public_key, EcdsaPublicKeyArgument};
use ic_cdk::management_canister::{install_chunked_code, clear_chunk_store, take_canister_snapshot};
#[ic_cdk::update]
async fn snapshots(id: Principal) { mgmt::list_canister_snapshots(CanisterIdRecord { canister_id: id }).await.unwrap(); }
#[ic_cdk::update]
async fn key() { ecdsa_public_key(EcdsaPublicKeyArgument::default()).await.unwrap(); }
#[ic_cdk::update]
async fn upgrade(a: A) {
    clear_chunk_store(&a.clear).await.unwrap();
    install_chunked_code(&a.install).await.unwrap();
    take_canister_snapshot(&a.snap).await.unwrap();
    ic_cdk::management_canister::load_canister_snapshot(&a.load).await.unwrap();
}
`,
  });
  assert.deepEqual(kinds(m, 'snapshots'), ['commit']);
  assert.deepEqual(kinds(m, 'key'), ['commit']);
  assert.deepEqual(kinds(m, 'upgrade'), ['commit', 'commit', 'commit', 'commit']);
});

test('ledger and system client crates: ic-ledger-types, ic-cdk-bitcoin-canister, dfn_core', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_ledger_types::{transfer, TransferArgs};
#[ic_cdk::update]
async fn pay(args: TransferArgs) {
    transfer(LEDGER, &args).await.unwrap().unwrap();
    ic_ledger_types::account_balance(LEDGER, &b).await.unwrap();
    ic_ledger_types::query_blocks(LEDGER, &q).await.unwrap();
}
#[ic_cdk::update]
async fn btc(r: GetBalanceRequest) { ic_cdk_bitcoin_canister::bitcoin_get_balance(&r).await.unwrap(); }
#[ic_cdk::update]
async fn nns() { dfn_core::call(GOV, "m", candid, ()).await.unwrap(); dfn_core::api::call_bytes(GOV, "m", &[]).await.unwrap(); }
#[ic_cdk::update]
async fn not_a_call() { ic_ledger_types::made_up_helper().await; }
`,
  });
  assert.deepEqual(kinds(m, 'pay'), ['commit', 'commit', 'commit']);
  assert.deepEqual(kinds(m, 'btc'), ['commit']);
  assert.deepEqual(kinds(m, 'nns'), ['commit', 'commit']);
  assert.deepEqual(kinds(m, 'not_a_call'), ['maybe']);
});

test('a workspace function that awaits a client-crate call is `commit` at its callers', async () => {
  const m = await crate({
    'src/lib.rs': `
mod ledger;
#[ic_cdk::update]
async fn pay(to: AccountIdentifier) { ledger::transfer_payment(to).await.unwrap(); }
`,
    'src/ledger.rs': `
use ic_ledger_types::{transfer, TransferArgs};
pub async fn transfer_payment(to: AccountIdentifier) -> Result<(), String> {
    transfer(LEDGER, &TransferArgs { to }).await.map_err(|e| e.1)?.map_err(|_| "failed".to_string())?;
    Ok(())
}
`,
  });
  assert.deepEqual(kinds(m, 'pay'), ['commit']);
});

test('`extraCallFunctions` accepts globs: each `*` is one path segment', async () => {
  const m = await crate(
    {
      'src/lib.rs': `
use my_clients::ledger;
#[ic_cdk::update]
async fn run() {
    ledger::transfer(1).await;
    my_clients::index::get_blocks(2).await;
    my_clients::top_level(3).await;
}
`,
    },
    ['my_clients::*::*'],
  );
  assert.deepEqual(kinds(m, 'run'), ['commit', 'commit', 'maybe']);
  assert.match(m[0].awaits[0].reason, /extraCallFunctions/);
});
