/**
 * `none` needs proof (SPEC §2): the Rust frontend's answers where it used to vouch for code it did not
 * understand. Each case was `none` (or wrongly `commit`) before summaries carried four values and paths headed
 * by other crates stopped resolving to local functions of the same name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRustCrate } from '../src/languages/rust';
import type { FileModel } from '../src/model/ir';

async function crate(files: Record<string, string>, crateName?: string): Promise<FileModel[]> {
  return analyzeRustCrate(
    'test',
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { extraCallFunctions: [], crateName },
  );
}

/** `function: kind` for every await of the models, in file order. */
function kinds(models: FileModel[], fn: string): string[] {
  return models.flatMap((m) => m.awaits.filter((a) => a.functionName === fn).map((a) => a.commit));
}

test('a workspace function whose await may commit is `maybe` at its callers, not `none`', async () => {
  const m = await crate({
    'src/lib.rs': `
async fn fetch(client: &SomeClient) -> u64 { client.get_value().await }
#[ic_cdk::update]
async fn read() -> u64 { fetch(&CLIENT).await }
`,
  });
  assert.deepEqual(kinds(m, 'fetch'), ['maybe']);
  assert.deepEqual(kinds(m, 'read'), ['maybe']);
  assert.match(m[0].awaits[1].reason, /cannot trace/);
});

test('a callee that returns a cached value before it calls is `maybe`; one that only fails early is `commit`', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
async fn price(cached: Option<u64>) -> Result<u64, String> {
    if let Some(p) = cached { return Ok(p); }
    Call::bounded_wait(ORACLE, "price").await.map_err(|e| e.to_string())?;
    Ok(1)
}
async fn pay(amount: u64) -> Result<(), String> {
    if amount == 0 { return Err("zero".to_string()); }
    Call::bounded_wait(LEDGER, "transfer").with_arg(amount).await.map_err(|e| e.to_string())?;
    Ok(())
}
#[ic_cdk::update]
async fn quote() -> Result<u64, String> { price(None).await }
#[ic_cdk::update]
async fn withdraw(amount: u64) -> Result<(), String> { pay(amount).await }
`,
  });
  assert.deepEqual(kinds(m, 'quote'), ['maybe']);
  assert.match(m[0].awaits.find((a) => a.functionName === 'quote')!.reason, /on some paths only/);
  assert.deepEqual(kinds(m, 'withdraw'), ['commit']);
});

test('a path headed by another crate never resolves to a local function, itself included', async () => {
  const m = await crate(
    {
      'src/lib.rs': `
mod ledger;
use sns_ledger_client;
#[ic_cdk::update]
async fn transfer(to: Principal) { sns_ledger_client::transfer(to).await; }
#[ic_cdk::update]
async fn local_path(to: Principal) { crate::ledger::transfer(to).await; }
#[ic_cdk::update]
async fn own_name(to: Principal) { my_canister::ledger::transfer(to).await; }
`,
      'src/ledger.rs': `pub async fn transfer(_to: Principal) { }`,
    },
    'my_canister',
  );
  const [other, local, own] = ['transfer', 'local_path', 'own_name'].map((f) =>
    m.flatMap((x) => x.awaits).find((a) => a.functionName === f),
  );
  assert.equal(other?.commit, 'maybe');
  assert.match(other?.reason ?? '', /sns_ledger_client::transfer/);
  assert.equal(local?.commit, 'none');
  assert.match(local?.reason ?? '', /ledger\.rs/);
  assert.equal(own?.commit, 'none');
});

test('of two functions with the same name, the one whose arity matches is called', async () => {
  const m = await crate({
    'src/lib.rs': `
mod a;
mod b;
use a::*;
use b::*;
#[ic_cdk::update]
async fn run() { notify(1, 2).await; }
`,
    'src/a.rs': `pub async fn notify(x: u64) { }`,
    'src/b.rs': `pub async fn notify(x: u64, y: u64) { ic_cdk::call::Call::bounded_wait(P, "n").await; }`,
  });
  assert.deepEqual(kinds(m, 'run'), ['commit']);
});

test('an await in the receiver of a turbofish method call is seen (`.await.candid::<T>()`)', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
async fn balance() -> u64 {
    Call::bounded_wait(LEDGER, "balance").await.unwrap().candid::<u64>().unwrap()
}
#[ic_cdk::update]
async fn check() -> u64 { balance().await }
`,
  });
  assert.deepEqual(kinds(m, 'balance'), ['commit']);
  assert.deepEqual(kinds(m, 'check'), ['commit']);
});

test('an async block that calls on some paths only is `maybe`', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
#[ic_cdk::update]
async fn maybe_call(flag: bool) {
    async move {
        if flag { Call::bounded_wait(P, "m").await.unwrap(); }
    }.await;
}
`,
  });
  assert.deepEqual(kinds(m, 'maybe_call'), ['commit', 'maybe']);
});

test('an early `return` of an `Err` wrapped in a result variant is an error path, not a path without a call', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
pub enum MultiResult<T> { Consistent(Result<T, String>), Inconsistent(Vec<T>) }
async fn request(payload: String) -> MultiResult<u64> {
    let parsed = match parse(payload) {
        Ok(p) => p,
        Err(err) => return MultiResult::Consistent(Err(err)),
    };
    Call::bounded_wait(P, "m").with_arg(parsed).await.unwrap();
    MultiResult::Consistent(Ok(1))
}
async fn cached(payload: String) -> MultiResult<u64> {
    if payload.is_empty() { return MultiResult::Consistent(Ok(0)); }
    Call::bounded_wait(P, "m").await.unwrap();
    MultiResult::Consistent(Ok(1))
}
#[ic_cdk::update]
async fn multi(payload: String) -> MultiResult<u64> { request(payload).await }
#[ic_cdk::update]
async fn maybe_cached(payload: String) -> MultiResult<u64> { cached(payload).await }
`,
  });
  assert.deepEqual(kinds(m, 'multi'), ['commit']);
  assert.deepEqual(kinds(m, 'maybe_cached'), ['maybe']);
});

test('`join_all(iter.map(f))` awaits every future `f` gives: it takes their kind; other arguments stay unknown', async () => {
  const m = await crate({
    'src/lib.rs': `
use futures::future::join_all;
use ic_cdk::call::Call;
async fn pay(to: Principal) -> u8 { Call::bounded_wait(to, "pay").await.unwrap(); 1 }
async fn local(to: Principal) -> u8 { 2 }
#[ic_cdk::update]
async fn pay_all(to: Vec<Principal>) {
    join_all(to.iter().map(|p| pay(*p))).await;
    futures::future::try_join_all(to.into_iter().map(pay)).await;
}
#[ic_cdk::update]
async fn local_all(to: Vec<Principal>) { join_all(to.into_iter().map(|p| local(p))).await; }
#[ic_cdk::update]
async fn opaque(futs: Vec<F>) { join_all(futs).await; join_all(to.iter().map(|p| other::thing(p))).await; }
`,
  });
  assert.deepEqual(kinds(m, 'pay_all'), ['commit', 'commit']);
  assert.deepEqual(kinds(m, 'local_all'), ['none']);
  assert.deepEqual(kinds(m, 'opaque'), ['maybe', 'maybe']);
});

test('`join!` / `try_join!` await each future they are given, so a function that only joins calls commits', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
use futures::join;
async fn pay(to: Principal) -> Result<u8, String> { Call::bounded_wait(to, "pay").await.map_err(|e| e.to_string())?; Ok(1) }
async fn local(to: Principal) -> Result<u8, String> { Ok(2) }
async fn both(a: Principal, b: Principal) -> u8 {
    let (x, y) = join!(pay(a), local(b));
    x.unwrap() + y.unwrap()
}
async fn quiet(a: Principal, b: Principal) -> u8 {
    let (x, y) = futures::join!(local(a), local(b));
    x.unwrap() + y.unwrap()
}
async fn tried(a: Principal) -> Result<u8, String> {
    let (x,) = tokio::try_join!(pay(a))?;
    Ok(x)
}
#[ic_cdk::update]
async fn pay_both(a: Principal, b: Principal) -> u8 { both(a, b).await }
#[ic_cdk::update]
async fn local_both(a: Principal, b: Principal) -> u8 { quiet(a, b).await }
#[ic_cdk::update]
async fn pay_tried(a: Principal) -> u8 { tried(a).await.unwrap() }
`,
  });
  assert.deepEqual(kinds(m, 'both'), ['commit', 'none']);
  assert.equal(m[0].awaits.find((a) => a.functionName === 'both')!.range.start.line, 6);
  assert.deepEqual(kinds(m, 'pay_both'), ['commit']);
  assert.deepEqual(kinds(m, 'quiet'), ['none', 'none']);
  assert.deepEqual(kinds(m, 'local_both'), ['none']);
  assert.deepEqual(kinds(m, 'tried'), ['commit']);
  assert.deepEqual(kinds(m, 'pay_tried'), ['commit']);
});
