/**
 * Resolution of what an `.await` waits for (issue 7): the call tables of ic-cdk and the client crates, and
 * method calls through the receiver's type (fields, parameters, locals, trait impls, `dyn` and generics).
 * Each case was `maybe` before the change it tests; none may ever become an unsound `none`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePaths } from '../src/workspace/analyze';
import { rustCrateManifest } from '../src/workspace/canisters';
import { analyzeRustCrate } from '../src/languages/rust';
import { forEachNode, type FileModel, type Node } from '../src/model/ir';

async function crate(
  files: Record<string, string>,
  extraCallFunctions: string[] = [],
  closed = false,
): Promise<FileModel[]> {
  return analyzeRustCrate(
    'test',
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { extraCallFunctions, closed },
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

test('`self.field.m()` resolves through the field type declared on the struct, through `Arc`', async () => {
  const m = await crate({
    'src/lib.rs': `
use std::sync::Arc;
use ic_cdk::management_canister::list_canister_snapshots;
pub struct Service { repo: Vec<u64> }
impl Service {
    pub async fn list_users(&self) -> Vec<u64> { self.repo.clone() }
    pub async fn snapshots(&self, id: Principal) { list_canister_snapshots(&id).await.unwrap(); }
}
// Same method names on another type: the name alone no longer says which one is called.
pub struct Archive;
impl Archive {
    pub async fn list_users(&self) -> Vec<u64> { list_canister_snapshots(&P).await.unwrap(); vec![] }
    pub async fn snapshots(&self, id: Principal) { }
}
pub struct Controller { service: Arc<Service>, plain: Service }
impl Controller {
    async fn users(&self) -> Vec<u64> { self.service.list_users().await }
    async fn snaps(&self, id: Principal) { self.plain.snapshots(id).await }
}
async fn foreign(s: &remote_crate::Service) -> Vec<u64> { s.list_users().await }
`,
  });
  assert.deepEqual(kinds(m, 'Controller::users'), ['none']);
  assert.deepEqual(kinds(m, 'Controller::snaps'), ['commit']);
  assert.deepEqual(kinds(m, 'foreign'), ['maybe'], "another crate's `Service` is not this one");
});

test('parameters and locals: `&impl Trait`, `T: Trait` and `where` bounds take every workspace impl', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
pub trait Runtime { async fn fetch(&self) -> u64; }
pub struct Ic;
impl Runtime for Ic { async fn fetch(&self) -> u64 { Call::bounded_wait(P, "f").await.unwrap(); 1 } }
pub struct Other;
impl Runtime for Other { async fn fetch(&self) -> u64 { Call::unbounded_wait(Q, "g").await.unwrap(); 2 } }
#[cfg(test)]
mod tests {
    struct Mock;
    impl super::Runtime for Mock { async fn fetch(&self) -> u64 { 0 } }
}
async fn by_impl(r: &impl Runtime) -> u64 { r.fetch().await }
async fn by_generic<R: Runtime>(r: &R) -> u64 { r.fetch().await }
async fn by_where<R>(r: &R) -> u64 where R: Runtime + Send { r.fetch().await }
async fn by_local() -> u64 { let ic: Ic = Ic; let r = &ic; r.fetch().await }
`,
  });
  assert.deepEqual(kinds(m, 'by_impl'), ['commit']);
  assert.deepEqual(kinds(m, 'by_generic'), ['commit']);
  assert.deepEqual(kinds(m, 'by_where'), ['commit']);
  assert.deepEqual(kinds(m, 'by_local'), ['commit']);
  assert.match(
    m[0].awaits.find((a) => a.functionName === 'by_generic')!.reason,
    /impls of `Runtime` \(Ic, Other\)/,
  );
});

test('impls that differ make a `maybe`; `none` needs every impl call-free and no impl possible elsewhere', async () => {
  const src = `
use ic_cdk::call::Call;
pub trait Chain { async fn address(&self) -> u64; }
struct Local;
impl Chain for Local { async fn address(&self) -> u64 { 7 } }
struct Derived;
impl Chain for Derived { async fn address(&self) -> u64 { 8 } }
trait Signer { async fn sign(&self) -> u64; }
struct Remote;
impl Signer for Remote { async fn sign(&self) -> u64 { Call::bounded_wait(P, "s").await.unwrap(); 1 } }
struct Offline;
impl Signer for Offline { async fn sign(&self) -> u64 { 2 } }
struct Factory;
impl Factory {
    fn build(kind: u8) -> Result<Box<dyn Chain>, String> { Ok(Box::new(Local)) }
}
async fn address(kind: u8) -> Result<u64, String> {
    let chain = Factory::build(kind)?;
    Ok(chain.address().await)
}
async fn sign(s: &dyn Signer) -> u64 { s.sign().await }
async fn external<C: candid::CandidType + Sync>(c: &C) -> u64 { c.fetch().await }
`;
  const open = await crate({ 'src/lib.rs': src });
  assert.deepEqual(kinds(open, 'address'), ['maybe'], 'a `pub` trait of a library may have other impls');
  assert.match(open[0].awaits.find((a) => a.functionName === 'address')!.reason, /outside this crate/);
  assert.deepEqual(kinds(open, 'sign'), ['maybe']);
  assert.deepEqual(kinds(open, 'external'), ['maybe']);
  const closed = await crate({ 'src/lib.rs': src }, [], true);
  assert.deepEqual(kinds(closed, 'address'), ['none']);
  assert.deepEqual(kinds(closed, 'sign'), ['maybe']);
  assert.deepEqual(kinds(closed, 'external'), ['maybe']);
});

test('a trait default method is what an impl without its own method runs', async () => {
  const m = await crate(
    {
      'src/lib.rs': `
use ic_cdk::call::Call;
trait Notifier {
    async fn notify(&self) { Call::bounded_wait(P, "n").await.unwrap(); }
}
struct Email;
impl Notifier for Email {}
async fn send(e: Email) { e.notify().await }
async fn send_any<N: Notifier>(n: &N) { n.notify().await }
`,
    },
    [],
    true,
  );
  assert.deepEqual(kinds(m, 'send'), ['commit']);
  assert.deepEqual(kinds(m, 'send_any'), ['commit']);
});

test('methods of icrc-ledger-client `ICRC1Client` are ledger calls, also through a local re-export', async () => {
  const m = await crate({
    'src/lib.rs': `
mod conversion;
use icrc_ledger_client_cdk::{CdkRuntime, ICRC1Client};
async fn balance(ledger: Principal, a: Account) {
    let client = ICRC1Client { runtime: CdkRuntime, ledger_canister_id: ledger };
    client.balance_of(a).await.unwrap();
}
`,
    'src/conversion.rs': `
use crate::ICRC1Client;
async fn pull(client: &ICRC1Client<CdkRuntime>, args: TransferFromArgs) { client.transfer_from(args).await.unwrap(); }
`,
  });
  assert.deepEqual(kinds(m, 'balance'), ['commit']);
  assert.deepEqual(kinds(m, 'pull'), ['commit']);
});

test('a crate is closed (its traits have no impls elsewhere) only when nothing can depend on it', (t) => {
  const made: string[] = [];
  t.after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const make = (toml: string, lib: boolean): string => {
    const dir = mkdtempSync(join(tmpdir(), 'closed-'));
    made.push(dir);
    writeFileSync(join(dir, 'Cargo.toml'), toml);
    mkdirSync(join(dir, 'src'));
    if (lib) writeFileSync(join(dir, 'src', 'lib.rs'), '');
    return dir;
  };
  assert.equal(
    rustCrateManifest(make('[package]\nname = "c"\n[lib]\ncrate-type = ["cdylib"]\n', true)).closed,
    true,
  );
  assert.equal(
    rustCrateManifest(make('[package]\nname = "c"\n[lib]\ncrate-type = ["cdylib", "rlib"]\n', true)).closed,
    false,
  );
  assert.equal(rustCrateManifest(make('[package]\nname = "c"\n', true)).closed, false);
  assert.equal(rustCrateManifest(make('[package]\nname = "c"\n', false)).closed, true);
  // The name other crates use: `[lib] name` first, else the package name with `-` → `_`.
  assert.equal(rustCrateManifest(make("[package]\nname = 'my-canister'\n", true)).name, 'my_canister');
  assert.equal(
    rustCrateManifest(make('[package]\nname = "pkg"\n[lib]\nname = "core_lib"\n', true)).name,
    'core_lib',
  );
});

test('tuple-struct values and enum-variant bindings have the type the declaration gives them', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::management_canister::sign_with_ecdsa;
pub struct Stage(u8);
impl Stage { async fn progress(self) -> u8 { self.0 } }
pub struct Other;
impl Other { async fn progress(self) -> u8 { sign_with_ecdsa(&A).await.unwrap(); 1 } }
pub struct IcSigner;
impl IcSigner { async fn sign(&self) -> u8 { sign_with_ecdsa(&A).await.unwrap(); 1 } }
pub struct LocalSigner;
impl LocalSigner { async fn sign(&self) -> u8 { 2 } }
pub enum Signer { Local(LocalSigner), Ic(IcSigner) }
impl Signer {
    async fn sign(&self) -> u8 {
        match self {
            Signer::Local(v) => v.sign().await,
            Self::Ic(v) => v.sign().await,
        }
    }
}
async fn step(raw: u8) -> u8 { let stage = Stage(raw); stage.progress().await }
`,
  });
  assert.deepEqual(kinds(m, 'step'), ['none']);
  assert.deepEqual(kinds(m, 'Signer::sign'), ['none', 'commit']);
});

test('a higher-order wrapper takes the kind of the future its argument gives it (closure, async block, fn)', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
async fn run<F, Fut>(f: F) -> u64 where F: FnOnce() -> Fut, Fut: std::future::Future<Output = u64> {
    let r = f().await;
    r
}
async fn guarded<Fut: std::future::Future<Output = u64>>(fut: Fut) -> u64 { fut.await }
async fn transfer_impl(to: u64) -> u64 { Call::bounded_wait(P, "t").with_arg(to).await.unwrap(); 1 }
async fn local_only() -> u64 { 2 }
#[ic_cdk::update]
async fn pay(to: u64) -> u64 { run(|| transfer_impl(to)).await }
#[ic_cdk::update]
async fn quiet() -> u64 { run(local_only).await }
#[ic_cdk::update]
async fn block(to: u64) -> u64 { run(move || async move { transfer_impl(to).await }).await }
#[ic_cdk::update]
async fn direct(to: u64) -> u64 { guarded(transfer_impl(to)).await + guarded(local_only()).await }
#[ic_cdk::update]
async fn opaque(f: Box<dyn Fn() -> u64>) -> u64 { run(|| somewhere::else_()).await }
`,
  });
  assert.deepEqual(kinds(m, 'run'), ['maybe']);
  assert.match(m[0].awaits.find((a) => a.functionName === 'run')!.reason, /parameter `f`/);
  assert.deepEqual(kinds(m, 'pay'), ['commit']);
  assert.deepEqual(kinds(m, 'quiet'), ['none']);
  assert.deepEqual(kinds(m, 'block'), ['commit', 'commit']);
  assert.deepEqual(kinds(m, 'direct'), ['commit', 'none']);
  assert.deepEqual(kinds(m, 'opaque'), ['maybe']);
});

test('a workspace crate that re-exports all of ic-cdk is a facade: calls through it are ic-cdk calls', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'facade-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): string => {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  write('essentials/Cargo.toml', '[package]\nname = "my-essentials"\n[dependencies]\nic-cdk = "0.18"\n');
  write('essentials/src/lib.rs', 'pub mod cdk;\n');
  write('essentials/src/cdk.rs', 'pub use ic_cdk::*;\n');
  write(
    'upgrader/Cargo.toml',
    '[package]\nname = "upgrader"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\nic-cdk = "0.18"\n',
  );
  const lib = write(
    'upgrader/src/lib.rs',
    `use my_essentials::cdk::api::management_canister::main::clear_chunk_store;
#[ic_cdk::update]
async fn prune(id: Principal) { clear_chunk_store(CanisterIdRecord { canister_id: id }).await.unwrap(); }
`,
  );
  const result = await analyzePaths([
    join(root, 'essentials/src/lib.rs'),
    join(root, 'essentials/src/cdk.rs'),
    lib,
  ]);
  const prune = result.files.flatMap((f) => f.awaits).find((a) => a.functionName === 'prune');
  assert.equal(prune?.commit, 'commit');
  assert.match(prune?.reason ?? '', /ic_cdk::api::management_canister::main::clear_chunk_store/);
});

test('a trait that a macro or a derive may implement does not have all its impls known', async () => {
  const src = (extra: string): Record<string, string> => ({
    'src/lib.rs': `
trait Chain { async fn address(&self) -> u64; }
struct Local;
impl Chain for Local { async fn address(&self) -> u64 { 7 } }
${extra}
async fn address(c: &dyn Chain) -> u64 { c.address().await }
`,
  });
  assert.deepEqual(kinds(await crate(src(''), [], true), 'address'), ['none']);
  const byMacro = `macro_rules! chain { ($t:ident) => { impl Chain for $t { async fn address(&self) -> u64 { remote().await } } } }
struct Remote;
chain!(Remote);`;
  assert.deepEqual(kinds(await crate(src(byMacro), [], true), 'address'), ['maybe']);
  const byDerive = `#[derive(Chain)]\nstruct Derived;`;
  assert.deepEqual(kinds(await crate(src(byDerive), [], true), 'address'), ['maybe']);
});

test('a helper given one field of the state (`&mut Accounts`) writes that field of the root', async () => {
  const [model] = await analyzeRustCrate(
    'test',
    [
      {
        path: 'src/lib.rs',
        text: `
use std::cell::RefCell;
use std::collections::BTreeMap;
struct Accounts { by_owner: BTreeMap<u64, u64> }
struct State { accounts: Accounts, fees: u64 }
thread_local! { static STATE: RefCell<State> = RefCell::new(State { accounts: Accounts { by_owner: BTreeMap::new() }, fees: 0 }); }
fn credit(accounts: &mut Accounts, owner: u64, amount: u64) { accounts.by_owner.insert(owner, amount); }
#[ic_cdk::update]
fn deposit(owner: u64, amount: u64) {
    STATE.with(|s| credit(&mut s.borrow_mut().accounts, owner, amount));
}
`,
      },
    ],
    { extraCallFunctions: [] },
  );
  assert.ok(model);
  const deposit = model.entryPoints.find((e) => e.name === 'deposit');
  assert.ok(deposit);
  const writes: { root: string; field?: string }[] = [];
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.kind === 'write') writes.push(n.state);
      if (n.kind === 'branch') n.arms.forEach(walk);
      if (n.kind === 'loop' || n.kind === 'block') walk(n.body);
      if (n.kind === 'try') [n.body, n.catchBody ?? [], n.finallyBody ?? []].forEach(walk);
    }
  };
  walk(deposit.body);
  // `accounts.by_owner.insert(…)`: that part of the field (state is tracked two fields deep).
  assert.deepEqual(writes, [{ root: 'STATE', field: 'accounts', sub: 'by_owner' }]);
});

test('a helper given a field held in a container alias (`&mut AccountsStable`) writes that field', async () => {
  const [model] = await analyzeRustCrate(
    'test',
    [
      {
        path: 'src/lib.rs',
        text: `
use std::cell::RefCell;
use std::collections::BTreeMap;
type AccountsStable = BTreeMap<u64, u64>;
struct StableState { accounts: AccountsStable }
struct State { stable: StableState, fees: u64 }
thread_local! { static STATE: RefCell<State> = RefCell::new(State { stable: StableState { accounts: BTreeMap::new() }, fees: 0 }); }
fn credit(accounts: &mut AccountsStable, owner: u64, amount: u64) { accounts.insert(owner, amount); }
#[ic_cdk::update]
fn deposit(owner: u64, amount: u64) {
    STATE.with(|s| credit(&mut s.borrow_mut().stable.accounts, owner, amount));
}
`,
      },
    ],
    { extraCallFunctions: [] },
  );
  assert.ok(model);
  const deposit = model.entryPoints.find((e) => e.name === 'deposit');
  assert.ok(deposit);
  const writes: { root: string; field?: string }[] = [];
  forEachNode(deposit.body, (n) => {
    if (n.kind === 'write') writes.push(n.state);
  });
  assert.deepEqual(writes, [{ root: 'STATE', field: 'stable' }]);
});

test('a `read_state` helper over `RefCell<Option<State>>` (`s.borrow().as_ref()`) lets its closure read fields', async () => {
  const [model] = await analyzeRustCrate(
    'test',
    [
      {
        path: 'src/lib.rs',
        text: `
use std::cell::RefCell;
use std::collections::BTreeMap;
pub struct State { pub to_split: BTreeMap<u64, u64>, pub fees: u64 }
thread_local! { static __STATE: RefCell<Option<State>> = RefCell::default(); }
pub fn read_state<F, R>(f: F) -> R where F: FnOnce(&State) -> R {
    __STATE.with(|s| f(s.borrow().as_ref().expect("State not initialized!")))
}
#[ic_cdk::query]
fn pending() -> bool {
    read_state(|s| s.to_split.is_empty())
}
`,
      },
    ],
    { extraCallFunctions: [] },
  );
  assert.ok(model);
  const pending = model.entryPoints.find((e) => e.name === 'pending');
  assert.ok(pending);
  const reads: { root: string; field?: string }[] = [];
  forEachNode(pending.body, (n) => {
    if (n.kind === 'read') reads.push(n.state);
  });
  assert.deepEqual(reads, [{ root: '__STATE', field: 'to_split' }]);
});

test('a helper that assigns through a `&mut` parameter writes the state handle it is given', async () => {
  const [model] = await analyzeRustCrate(
    'test',
    [
      {
        path: 'src/lib.rs',
        text: `
use std::cell::RefCell;
struct State { salt: Option<u64>, fees: u64 }
thread_local! { static STATE: RefCell<State> = RefCell::new(State { salt: None, fees: 0 }); }
fn set_salt(state: &mut Option<u64>, salt: u64) {
    *state = Some(salt);
}
#[ic_cdk::update]
fn init_salt(salt: u64) {
    STATE.with_borrow_mut(|s| set_salt(&mut s.salt, salt));
}
`,
      },
    ],
    { extraCallFunctions: [] },
  );
  assert.ok(model);
  const init = model.entryPoints.find((e) => e.name === 'init_salt');
  assert.ok(init);
  const writes: { root: string; field?: string }[] = [];
  forEachNode(init.body, (n) => {
    if (n.kind === 'write') writes.push(n.state);
  });
  assert.deepEqual(writes, [{ root: 'STATE', field: 'salt' }]);
});

test('`Ok(x)` / `Some(x)` bind the success type of the matched value, so methods on `x` resolve', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_cdk::call::Call;
type RpcResult<T> = Result<T, String>;
pub struct Client;
impl Client {
    pub fn new(n: u8) -> RpcResult<Self> { Ok(Self) }
    pub fn find(n: u8) -> Option<Client> { None }
    pub async fn eth_call(self) -> u8 { Call::bounded_wait(P, "c").await.unwrap(); 1 }
    pub async fn eth_call_cost(self) -> u8 { 2 }
}
pub struct Other;
impl Other {
    pub async fn eth_call(self) -> u8 { 3 }
    pub async fn eth_call_cost(self) -> u8 { Call::bounded_wait(P, "c").await.unwrap(); 4 }
}
#[ic_cdk::update]
async fn call(n: u8) -> u8 {
    match Client::new(n) {
        Ok(source) => source.eth_call().await,
        Err(_) => 0,
    }
}
#[ic_cdk::query]
async fn cost(n: u8) -> u8 {
    if let Some(c) = Client::find(n) { c.eth_call_cost().await } else { 0 }
}
`,
  });
  assert.deepEqual(kinds(m, 'call'), ['commit']);
  assert.deepEqual(kinds(m, 'cost'), ['none']);
});

test('tower service stacks: canhttp::Client makes the outcall; a local `service_fn` behind known layers makes none', async () => {
  const m = await crate({
    'src/http.rs': `
use canhttp::{convert::ConvertRequestLayer, ConvertServiceBuilder};
use tower::{retry::RetryLayer, Service, ServiceBuilder};
pub fn http_client(retry: bool) -> impl Service<Req, Response = Resp, Error = E> {
    let maybe_retry = if retry { Some(RetryLayer::new(canhttp::retry::DoubleMaxResponseBytes)) } else { None };
    ServiceBuilder::new()
        .map_err(|e: E| e)
        .option_layer(maybe_retry)
        .layer(request_builder())
        .layer(canhttp::observability::ObservabilityLayer::new().on_request(observe))
        .convert_response(Conv)
        .service(canhttp::Client::new_with_error::<E>())
}
pub fn request_builder() -> ServiceBuilder<L> {
    ServiceBuilder::new().insert_request_header_if_not_present(A, B).convert_request(Conv)
}
`,
    'src/lib.rs': `
use crate::http::{http_client, request_builder};
use tower::ServiceBuilder;
pub struct Req;
impl Req {
    pub async fn send(&self) -> u8 {
        let client = http_client(true).map_result(extract);
        let (_c, results) = canhttp::multi::parallel_call(client, self.requests()).await;
        results
    }
    pub async fn cost(&self) -> u8 {
        async fn extract_request(r: Req) -> Result<Req, E> { Ok(r) }
        let client = request_builder().service_fn(extract_request).map_response(into_body);
        let (_c, results) = canhttp::multi::parallel_call(client, self.requests()).await;
        results
    }
    pub async fn unknown_layer(&self) -> u8 {
        async fn extract_request(r: Req) -> Result<Req, E> { Ok(r) }
        let client = ServiceBuilder::new().layer(MyLayer).service_fn(extract_request);
        let (_c, results) = canhttp::multi::parallel_call(client, self.requests()).await;
        results
    }
    pub async fn async_step(&self) -> u8 {
        let client = request_builder().service_fn(|r: Req| async move { Ok::<_, E>(r) }).and_then(|r| other(r));
        client.call(self.one()).await.unwrap()
    }
}
#[ic_cdk::update]
async fn fetch(r: Req) -> u8 { r.send().await }
#[ic_cdk::query]
async fn fetch_cost(r: Req) -> u8 { r.cost().await }
`,
  });
  assert.deepEqual(kinds(m, 'Req::send'), ['commit']);
  assert.deepEqual(kinds(m, 'Req::cost'), ['none']);
  assert.deepEqual(kinds(m, 'Req::unknown_layer'), ['maybe']);
  assert.deepEqual(kinds(m, 'Req::async_step'), ['maybe']);
  assert.deepEqual(kinds(m, 'fetch'), ['commit']);
  assert.deepEqual(kinds(m, 'fetch_cost'), ['none']);
});

test('bitfinity client crates: `virtual_canister_call!`, `IcrcCanisterClient` and `IcCanisterClient` are calls', async () => {
  const m = await crate({
    'src/lib.rs': `
use ic_canister::virtual_canister_call;
use evm_canister_client::{CanisterClient, IcCanisterClient};
use icrc_client::IcrcCanisterClient;
pub struct Minter(Principal);
impl Minter {
    pub async fn update_balance(&self, args: Args) -> Result<u8, (RejectionCode, String)> {
        virtual_canister_call!(self.0, "update_balance", (args,), Result<u8, String>).await
    }
}
#[ic_cdk::update]
async fn mint(args: Args) -> u8 { Minter(P).update_balance(args).await.unwrap() }
#[ic_cdk::update]
async fn fee(token: Principal) -> u8 {
    let icrc_client = IcrcCanisterClient::new(IcCanisterClient::new(token));
    let fee = icrc_client.icrc1_fee().await.unwrap();
    let raw = IcCanisterClient::new(token);
    raw.update::<_, u8>("m", (1,)).await.unwrap();
    icrc_client.not_an_icrc_method().await;
    other_macro!(token).await;
    fee
}
`,
  });
  assert.deepEqual(kinds(m, 'Minter::update_balance'), ['commit']);
  assert.deepEqual(kinds(m, 'mint'), ['commit']);
  assert.deepEqual(kinds(m, 'fee'), ['commit', 'commit', 'maybe', 'maybe']);
});

test('bitfinity `EthJsonRpcClient` requests are calls; its batch methods are not known to be', async () => {
  const m = await crate({
    'src/lib.rs': `
use ethereum_json_rpc_client::{Client, EthJsonRpcClient};
pub async fn batch_query(client: &EthJsonRpcClient<impl Client>, request: RpcRequest) -> Result<u8, String> {
    let RpcResponse::Batch(responses) = client.request(request).await? else {
        return Err("unexpected".to_string());
    };
    let nonce = client.get_transaction_count(ADDR, BlockNumber::Pending).await?;
    let blocks = client.get_full_blocks_by_number(vec![], 10).await?;
    Ok(1)
}
#[ic_cdk::update]
async fn refresh(link: EvmLink) -> u8 { batch_query(&link.get_json_rpc_client(), req()).await.unwrap() }
`,
  });
  // An empty batch sends nothing: `get_full_blocks_by_number` stays an unknown future.
  assert.deepEqual(kinds(m, 'batch_query'), ['commit', 'commit', 'maybe']);
  assert.deepEqual(kinds(m, 'refresh'), ['commit']);
});

test('ord-rs `LocalSigner` signs locally: its awaits are `none`, and an enum of it and a local signer too', async () => {
  const m = await crate({
    'src/lib.rs': `
use ord_rs::wallet::LocalSigner;
use ord_rs::BtcTxSigner;
pub struct IcSigner { key: Vec<u8> }
impl IcSigner {
    async fn ecdsa_public_key(&self, path: &DerivationPath) -> OrdResult<PublicKey> { derive(&self.key, path) }
    async fn sign_with_ecdsa(&self, m: Message, path: &DerivationPath) -> Result<Signature, Error> {
        let reply = ic_cdk::management_canister::sign_with_ecdsa(&args(m, path)).await.expect("sign_with_ecdsa failed");
        Signature::from_compact(&reply.signature)
    }
}
pub enum SignerType { Local(LocalSigner), Ic(IcSigner) }
impl SignerType {
    async fn public_key(&self, path: &DerivationPath) -> OrdResult<PublicKey> {
        match self {
            SignerType::Local(v) => v.ecdsa_public_key(path).await,
            SignerType::Ic(v) => v.ecdsa_public_key(path).await,
        }
    }
    async fn sign(&self, m: Message, path: &DerivationPath) -> Result<Signature, Error> {
        match self {
            SignerType::Local(v) => v.sign_with_ecdsa(m, path).await,
            SignerType::Ic(v) => v.sign_with_ecdsa(m, path).await,
        }
    }
}
#[ic_cdk::update]
async fn address(s: SignerType) -> PublicKey { s.public_key(&DerivationPath::master()).await.unwrap() }
#[ic_cdk::update]
async fn sign(s: SignerType, m: Message) -> Signature { s.sign(m, &DerivationPath::master()).await.unwrap() }
#[ic_cdk::update]
async fn other(s: LocalSigner) { s.derive_child(1).await; }
`,
  });
  assert.deepEqual(kinds(m, 'SignerType::public_key'), ['none', 'none']);
  assert.match(
    m[0].awaits.find((a) => a.functionName === 'SignerType::public_key')!.reason,
    /known to make no/,
  );
  assert.deepEqual(kinds(m, 'address'), ['none']);
  // The IC signer calls the management canister: the enum may.
  assert.deepEqual(kinds(m, 'SignerType::sign'), ['none', 'commit']);
  assert.deepEqual(kinds(m, 'sign'), ['maybe']);
  // A method of the type that is not in the table stays unknown.
  assert.deepEqual(kinds(m, 'other'), ['maybe']);
});

/** Two modules that declare `set_config`: the one in `auth` calls another canister, the one in `automation` does not. */
const twoSetConfigs = {
  'src/auth/mod.rs': `pub mod store;`,
  'src/auth/store.rs': `
pub async fn set_config(c: &Config) -> Result<(), String> {
    ic_cdk::call::Call::bounded_wait(P, "raw_rand").await.map_err(|_| String::new())?;
    Ok(())
}
`,
  'src/automation/mod.rs': `
pub mod store;
pub async fn through_child(c: &Config) { store::set_config(c).await.unwrap(); }
`,
  'src/automation/store.rs': `
pub async fn set_config(c: &Config) -> Result<(), String> { Ok(()) }
`,
};

test('a call is resolved through the module tree and the `use` in scope, not by its last name', async () => {
  const m = await crate({
    ...twoSetConfigs,
    'src/lib.rs': `
mod api;
mod auth;
mod automation;
`,
    'src/api/mod.rs': `pub mod config;`,
    'src/api/config.rs': `
use crate::auth::store::{get_config as get_auth, set_config as set_auth_store};
use crate::automation::store::{set_config as set_automation_store};
#[ic_cdk::update]
async fn set_automation_config(c: Config) { set_automation_store(&c).await.unwrap(); }
#[ic_cdk::update]
async fn set_auth_config(c: Config) { set_auth_store(&c).await.unwrap(); }
#[ic_cdk::update]
async fn by_path(c: Config) {
    crate::automation::store::set_config(&c).await.unwrap();
    super::super::auth::store::set_config(&c).await.unwrap();
}
#[ic_cdk::update]
async fn scoped(c: Config) {
    use crate::automation::store::*;
    set_config(&c).await.unwrap();
}
#[cfg(test)]
mod tests {
    use crate::auth::store::set_config as set_automation_store;
}
`,
  });
  assert.deepEqual(kinds(m, 'set_automation_config'), ['none']);
  assert.deepEqual(kinds(m, 'set_auth_config'), ['commit']);
  assert.deepEqual(kinds(m, 'by_path'), ['none', 'commit']);
  assert.deepEqual(kinds(m, 'scoped'), ['none']);
  assert.deepEqual(kinds(m, 'through_child'), ['none']);
});

test('a name the module tree cannot place is not guessed among same-named functions: `maybe`', async () => {
  const m = await crate({
    ...twoSetConfigs,
    'src/lib.rs': `
mod auth;
mod automation;
use other_crate::*;
#[ic_cdk::update]
async fn from_glob(c: Config) { set_config(&c).await.unwrap(); }
`,
  });
  // `set_config` comes from `other_crate`: neither of this crate's functions of that name is it.
  assert.deepEqual(kinds(m, 'from_glob'), ['maybe']);
});

test('private imports of the crate root, `#[cfg(test)]` twins and `main.rs` importing its own library', async () => {
  const files = {
    'src/lib.rs': `
pub mod management;
pub mod proposal;
pub mod exchange;
use crate::management::register_vote;
`,
    'src/main.rs': `
use voting::management::register_vote;
#[ic_cdk::update]
async fn vote() { register_vote(1).await; }
`,
    'src/management.rs': `
pub async fn register_vote(id: u64) { ic_cdk::call::Call::unbounded_wait(G, "manage_neuron").await.unwrap(); }
`,
    'src/proposal.rs': `
use crate::{register_vote, exchange};
#[ic_cdk::update]
async fn vote_on_proposal() { register_vote(2).await; }
#[ic_cdk::update]
async fn rate() { exchange::get_rate().await; }
`,
    'src/exchange.rs': `
#[cfg(not(test))]
pub use prod::get_rate;
#[cfg(test)]
pub use testing::get_rate;
#[cfg(not(test))]
mod prod {
    pub async fn get_rate() -> u64 { ic_cdk::call::Call::unbounded_wait(XRC, "get_exchange_rate").await.unwrap(); 1 }
}
#[cfg(test)]
pub mod testing {
    pub async fn get_rate() -> u64 { 1 }
}
`,
  };
  const m = await analyzeRustCrate(
    'voting',
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { extraCallFunctions: [], closed: true, crateName: 'voting' },
  );
  assert.deepEqual(kinds(m, 'vote'), ['commit']);
  assert.deepEqual(kinds(m, 'vote_on_proposal'), ['commit']);
  assert.deepEqual(kinds(m, 'rate'), ['commit']);
});
