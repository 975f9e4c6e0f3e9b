/**
 * Findings whose cause is in a called function (a summarised Rust workspace function, a Motoko helper) stay on
 * the await, name that function, and point their related locations at its own line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzePaths } from '../src/workspace/analyze';
import type { Finding } from '../src/rules/types';
import { analyzeCase } from './helpers/annotations';
import { fixturesDir } from './helpers/paths';

async function findingsOf(files: Record<string, string>, main: string): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-causes-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return (await analyzePaths([join(dir, main)])).findings;
}

/** 0-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

const rustLib = `use candid::Principal;
use ic_cdk::call::Call;
use std::cell::RefCell;
use std::collections::BTreeMap;

thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(1_000);
    static RECEIPTS: RefCell<Vec<u64>> = RefCell::new(Vec::new());
    static IN_FLIGHT: RefCell<BTreeMap<u64, u64>> = RefCell::new(BTreeMap::new());
}

async fn transfer(amount: u64) -> Result<(), String> {
    Call::bounded_wait(Principal::anonymous(), "transfer")
        .with_arg(amount)
        .await
        .map(|_reply| ())
        .map_err(|e| format!("transfer failed: {e}"))
}

fn last_receipt() -> u64 {
    RECEIPTS.with_borrow(|r| r.last().copied()).expect("a receipt was recorded")
}

fn debit(amount: u64) {
    BALANCE.with_borrow_mut(|b| *b -= amount);
}

#[ic_cdk::update]
async fn withdraw(id: u64, amount: u64) -> Result<u64, String> {
    BALANCE.with_borrow_mut(|b| *b -= amount);
    IN_FLIGHT.with_borrow_mut(|m| m.insert(id, amount));
    if let Err(e) = transfer(amount).await {
        BALANCE.with_borrow_mut(|b| *b += amount);
        IN_FLIGHT.with_borrow_mut(|m| m.remove(&id));
        return Err(e);
    }
    let receipt = last_receipt();
    IN_FLIGHT.with_borrow_mut(|m| m.remove(&id));
    Ok(receipt)
}

#[ic_cdk::update]
async fn withdraw_late(amount: u64) {
    if BALANCE.with_borrow(|b| *b) >= amount {
        let _ = transfer(amount).await;
        debit(amount);
    }
}
`;

test('Rust: a trap and a write in a called function are shown on their own lines, named', async () => {
  const findings = await findingsOf(
    { 'Cargo.toml': '[package]\nname = "w"\n', 'src/lib.rs': rustLib },
    'src/lib.rs',
  );
  const trap = findings.find((f) => f.rule === 'trap-after-commit' && f.entryPoint === 'withdraw');
  assert.ok(trap, JSON.stringify(findings.map((f) => [f.rule, f.entryPoint])));
  assert.equal(trap.range.start.line, lineOf(rustLib, 'transfer(amount).await {'));
  assert.match(trap.message, /in `last_receipt`/);
  const at = trap.related.find((r) => r.range.start.line === lineOf(rustLib, '.expect("a receipt'));
  assert.ok(at, JSON.stringify(trap.related));
  assert.match(at.message, /in `last_receipt` \(called at line \d+\)/);
  assert.ok(at.file.endsWith('lib.rs'));

  const cta = findings.find((f) => f.rule === 'check-then-act' && f.entryPoint === 'withdraw_late');
  assert.ok(cta, JSON.stringify(findings.map((f) => [f.rule, f.entryPoint])));
  assert.equal(cta.range.start.line, lineOf(rustLib, 'let _ = transfer(amount).await'));
  assert.match(cta.message, /in `debit`/);
  // The first `*b -= amount` is `debit`'s body, above the entry points.
  const write = cta.related.find((r) => r.range.start.line === lineOf(rustLib, '*b -= amount);'));
  assert.ok(write, JSON.stringify(cta.related));
  assert.match(write.message, /writes `BALANCE` here, in `debit`/);
});

const motokoActor = `persistent actor Bank {
  type Ledger = actor { transfer : shared (Principal, Nat) -> async Bool };
  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  func debit(amount : Nat) {
    balance -= amount;
  };

  public func withdraw(amount : Nat) : async () {
    if (balance >= amount) {
      ignore await ledger.transfer(Principal.fromText("aaaaa-aa"), amount);
      debit(amount);
    };
  };
};
`;

test('Motoko: a write in a helper is shown on its own line, named', async () => {
  const findings = await findingsOf({ 'main.mo': motokoActor }, 'main.mo');
  const cta = findings.find((f) => f.rule === 'check-then-act');
  assert.ok(cta, JSON.stringify(findings.map((f) => [f.rule, f.entryPoint])));
  assert.equal(cta.range.start.line, lineOf(motokoActor, 'ignore await'));
  assert.match(cta.message, /in `debit`/);
  const write = cta.related.find((r) => r.range.start.line === lineOf(motokoActor, 'balance -= amount'));
  assert.ok(write, JSON.stringify(cta.related));
  assert.match(write.message, /writes `balance` here, in `debit` \(called at line \d+\)/);
});

test('Rust: a check made in a function passed by name points at the await of that function it goes stale across', async () => {
  const path = join(fixturesDir, 'rules', 'check-then-act', 'invalid-check-in-fn-passed-by-name.rs');
  const text = readFileSync(path, 'utf8');
  const cta = (await analyzePaths([path])).findings.find((f) => f.rule === 'check-then-act');
  assert.ok(cta);
  // The ledger await inside `pay_with_block`, not the wrapper's: the line after the check.
  const ledgerAwait = lineOf(text, 'Call::bounded_wait(LEDGER') + 2;
  const note = cta.related.find((r) => r.file === path && r.range.start.line === ledgerAwait);
  assert.ok(note, JSON.stringify(cta.related));
  assert.match(note.message, /after this check the call suspends here/);
});

test('Rust: state reached through a `&impl Trait` parameter of a library crate is the state of its impls in the canister crate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-trait-state-'));
  const write = (rel: string, text: string): string => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
    return join(dir, rel);
  };
  write('auth/Cargo.toml', '[package]\nname = "auth-lib"\n[dependencies]\nic-cdk = "0.18"\n');
  const lib = write(
    'auth/src/lib.rs',
    `pub trait SaltStore {
    fn with_salt<R>(&self, f: impl FnOnce(&Option<u64>) -> R) -> R;
    fn with_salt_mut<R>(&self, f: impl FnOnce(&mut Option<u64>) -> R) -> R;
}

pub fn get_salt(store: &impl SaltStore) -> Option<u64> {
    store.with_salt(|s| *s)
}

pub fn insert_salt(store: &impl SaltStore, salt: u64) {
    store.with_salt_mut(|s| *s = Some(salt))
}

/// Stores the salt it is given back: a write, made by a call of its own before \`init_salt\` checks.
pub fn keep_salt(store: &impl SaltStore) {
    store.with_salt_mut(|s| *s = *s)
}

pub async fn init_salt(store: &impl SaltStore) -> Result<(), String> {
    if get_salt(store).is_some() {
        return Ok(());
    }
    let bytes = ic_cdk::management_canister::raw_rand().await.map_err(|e| format!("{e:?}"))?;
    insert_salt(store, bytes[0] as u64);
    Ok(())
}

pub async fn configure(store: &impl SaltStore) -> Result<(), String> {
    keep_salt(store);
    init_salt(store).await
}
`,
  );
  write(
    'canister/Cargo.toml',
    '[package]\nname = "canister"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\nic-cdk = "0.18"\nauth-lib = { path = "../auth" }\n',
  );
  const main = write(
    'canister/src/lib.rs',
    `use auth_lib::SaltStore;
use std::cell::RefCell;

thread_local! {
    static SALT: RefCell<Option<u64>> = RefCell::new(None);
}

struct Heap;

impl SaltStore for Heap {
    fn with_salt<R>(&self, f: impl FnOnce(&Option<u64>) -> R) -> R {
        SALT.with(|s| f(&s.borrow()))
    }
    fn with_salt_mut<R>(&self, f: impl FnOnce(&mut Option<u64>) -> R) -> R {
        SALT.with(|s| f(&mut s.borrow_mut()))
    }
}

#[ic_cdk::update]
async fn set_config() {
    auth_lib::init_salt(&Heap).await.unwrap_or_default();
}

#[ic_cdk::update]
async fn set_config_after_keep() {
    auth_lib::configure(&Heap).await.unwrap_or_default();
}
`,
  );
  const findings = (await analyzePaths([lib, main])).findings;
  const cta = findings.find((f) => f.rule === 'check-then-act' && f.entryPoint === 'set_config');
  assert.ok(cta, JSON.stringify(findings.map((f) => [f.rule, f.entryPoint, f.message])));
  assert.match(cta.message, /`SALT` is checked/);
  // The related locations lead to the await in the library where the check goes stale.
  const libText = readFileSync(lib, 'utf8');
  assert.ok(cta.related.some((r) => r.file === lib && r.range.start.line === lineOf(libText, 'raw_rand')));
  // A write an earlier call made (in `configure`) is no mark taken for the later call's check.
  assert.ok(
    findings.some((f) => f.rule === 'check-then-act' && f.entryPoint === 'set_config_after_keep'),
    JSON.stringify(findings.map((f) => [f.rule, f.entryPoint])),
  );
});

const rustStaleThroughExecutor = `use candid::Principal;
use ic_cdk::call::Call;
use std::cell::RefCell;

#[derive(Clone, Default)]
struct Info {
    max: u64,
    committee: Vec<Principal>,
}

thread_local! {
    static INFO: RefCell<Info> = RefCell::new(Info::default());
}

fn read_info() -> Info {
    INFO.with_borrow(|i| i.clone())
}

fn write_info(info: Info) {
    INFO.with_borrow_mut(|i| *i = info);
}

async fn set_max(info: &mut Info, max: u64) -> Result<(), String> {
    Call::bounded_wait(Principal::anonymous(), "set_max")
        .with_arg(max)
        .await
        .map_err(|e| format!("{e}"))?;
    info.max = max;
    Ok(())
}

async fn update_info(max: u64) -> Result<(), String> {
    let mut info = read_info();
    let res = set_max(&mut info, max).await;
    write_info(info);
    res
}

trait Execute {
    async fn execute(&self) -> Result<(), String>;
}

struct ManageInfo {
    max: u64,
}

struct Noop;

impl Execute for ManageInfo {
    async fn execute(&self) -> Result<(), String> {
        update_info(self.max).await
    }
}

impl Execute for Noop {
    async fn execute(&self) -> Result<(), String> {
        Ok(())
    }
}

fn executor(kind: u8) -> Box<dyn Execute> {
    if kind == 0 { Box::new(ManageInfo { max: 3 }) } else { Box::new(Noop) }
}

#[ic_cdk::update]
async fn run(kind: u8) -> Result<(), String> {
    let executor = executor(kind);
    executor.execute().await
}

#[ic_cdk::update]
fn set_committee(committee: Vec<Principal>) {
    INFO.with_borrow_mut(|i| i.committee = committee);
}
`;

test('Rust: a copy written back by the impl behind a trait object is shown where the copy is made', async () => {
  const findings = await findingsOf(
    {
      'Cargo.toml': '[package]\nname = "x"\n\n[lib]\ncrate-type = ["cdylib"]\n',
      'src/lib.rs': rustStaleThroughExecutor,
    },
    'src/lib.rs',
  );
  const swb = findings.find((f) => f.rule === 'stale-write-back' && f.entryPoint === 'run');
  assert.ok(swb, JSON.stringify(findings.map((f) => [f.rule, f.entryPoint])));
  assert.equal(swb.range.start.line, lineOf(rustStaleThroughExecutor, 'executor.execute().await'));
  // Written back at the call in `update_info`, not inside `write_info`, which only stores what it is given.
  const write = swb.related.find(
    (r) => r.range.start.line === lineOf(rustStaleThroughExecutor, 'write_info(info);'),
  );
  assert.ok(write, JSON.stringify(swb.related));
  assert.match(write.message, /in `update_info`/);
  // The await the copy is held across, which the commit-point chain through the trait object does not reach.
  const across = swb.related.find(
    (r) => r.range.start.line === lineOf(rustStaleThroughExecutor, 'set_max(&mut info, max).await'),
  );
  assert.ok(across, JSON.stringify(swb.related));
  assert.match(across.message, /copy is held across/);
});

test('Rust: a check made behind a trait object points at the await of the impl that checks and suspends', async () => {
  const dir = join(fixturesDir, 'rules', 'check-then-act', 'invalid-through-trait-object');
  const { result, texts } = await analyzeCase(dir);
  const text = [...texts.values()][0];
  const cta = result.findings.find((f) => f.rule === 'check-then-act');
  assert.ok(cta, JSON.stringify(result.findings.map((f) => [f.rule, f.entryPoint])));
  // The dispatch has no single commit site of its own: the note names where `CreateCanister` suspends.
  const at = cta.related.find(
    (r) => r.range.start.line === lineOf(text, '.await') && /after (its|this) check/.test(r.message),
  );
  assert.ok(at, JSON.stringify(cta.related));
});
