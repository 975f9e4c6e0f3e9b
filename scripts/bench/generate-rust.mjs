// Generated Rust canister code for the benchmark: state in `thread_local!` roots shared by several entry points,
// helpers that read and write it, and entry points that check, await an inter-canister call, then update.

/** State roots for a file of `units` units: a few per file, so that entry points share them as in real canisters. */
const rootCount = (units) => Math.max(3, Math.ceil(units / 8));

function header(units) {
  const roots = [];
  for (let r = 0; r < rootCount(units); r++)
    roots.push(
      `    static BALANCES_${r}: RefCell<BTreeMap<Principal, u64>> = RefCell::new(BTreeMap::new());`,
      `    static ORDERS_${r}: RefCell<BTreeMap<u64, Order>> = RefCell::new(BTreeMap::new());`,
    );
  return `use std::cell::RefCell;
use std::collections::BTreeMap;
use candid::{CandidType, Deserialize, Principal};
use ic_cdk::call::Call;

#[derive(CandidType, Deserialize, Clone, Debug)]
pub struct Order {
    pub id: u64,
    pub owner: Principal,
    pub amount: u64,
    pub filled: bool,
}

thread_local! {
${roots.join('\n')}
    static NEXT_ID: RefCell<u64> = RefCell::new(0);
}

const LEDGER: &str = "ryjl3-tyaaa-aaaaa-aaaba-cai";

fn ledger() -> Principal {
    Principal::from_text(LEDGER).expect("ledger id")
}

fn next_id() -> u64 {
    NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    })
}
`;
}

/** One unit: about 75 lines with two helpers, an async helper, two updates that await and a query. */
function unit(i, roots) {
  const r = i % roots;
  return `
fn fee_${i}(amount: u64) -> u64 {
    if amount > 1_000 {
        amount / 100
    } else {
        1
    }
}

fn balance_of_${i}(who: &Principal) -> u64 {
    BALANCES_${r}.with(|b| b.borrow().get(who).copied().unwrap_or(0))
}

async fn transfer_${i}(to: Principal, amount: u64) -> Result<u64, String> {
    let response = Call::bounded_wait(ledger(), "transfer")
        .with_args(&(to, amount))
        .await
        .map_err(|e| format!("transfer failed: {e:?}"))?;
    response.candid::<u64>().map_err(|e| format!("bad reply: {e:?}"))
}

#[ic_cdk::update]
async fn withdraw_${i}(amount: u64) -> Result<u64, String> {
    let caller = ic_cdk::api::msg_caller();
    let balance = balance_of_${i}(&caller);
    if balance < amount + fee_${i}(amount) {
        return Err("insufficient funds".to_string());
    }
    let outcome = transfer_${i}(caller, amount).await;
    match outcome {
        Ok(block) => {
            BALANCES_${r}.with(|b| b.borrow_mut().insert(caller, balance - amount - fee_${i}(amount)));
            Ok(block)
        }
        Err(e) => Err(e),
    }
}

#[ic_cdk::update]
async fn place_order_${i}(amount: u64) -> Result<u64, String> {
    let caller = ic_cdk::api::msg_caller();
    let id = next_id();
    ORDERS_${r}.with(|o| {
        o.borrow_mut().insert(id, Order { id, owner: caller, amount, filled: false })
    });
    let reply = Call::unbounded_wait(ledger(), "lock").with_arg(amount).await;
    match reply {
        Ok(_) => {
            ORDERS_${r}.with(|o| {
                if let Some(order) = o.borrow_mut().get_mut(&id) {
                    order.filled = true;
                }
            });
            Ok(id)
        }
        Err(e) => {
            ORDERS_${r}.with(|o| o.borrow_mut().remove(&id));
            Err(format!("lock failed: {e:?}"))
        }
    }
}

#[ic_cdk::query]
fn order_${i}(id: u64) -> Option<Order> {
    ORDERS_${r}.with(|o| o.borrow().get(&id).cloned())
}
`;
}

/** A single-file crate (`src/lib.rs`) of about `lines` lines. */
export function rustFile(lines) {
  const perUnit = unit(0, 1).split('\n').length - 1;
  const units = Math.max(1, Math.round((lines - 40) / perUnit));
  const roots = rootCount(units);
  const parts = [header(units)];
  for (let i = 0; i < units; i++) parts.push(unit(i, roots));
  return parts.join('');
}

/**
 * A crate of `count` module files under `dir` plus `lib.rs`, each with its own state, a helper and an entry point
 * that checks a balance, awaits a transfer and debits it (a check-then-act in every file).
 */
export function rustCrate(dir, count) {
  const files = [{ path: `${dir}/src/lib.rs`, text: '' }];
  for (let i = 0; i < count; i++) {
    files[0].text += `mod m${i};\n`;
    files.push({
      path: `${dir}/src/m${i}.rs`,
      text: `use std::cell::RefCell;
use ic_cdk::call::Call;
use candid::Principal;

thread_local! {
    static BALANCE_${i}: RefCell<u64> = RefCell::new(0);
}

fn fee_${i}(amount: u64) -> u64 {
    let mut fee = 0;
    for step in 0..amount.min(10) {
        fee += step * ${i % 7};
    }
    fee
}

#[ic_cdk::update]
async fn withdraw_${i}(amount: u64) -> Result<(), String> {
    let balance = BALANCE_${i}.with(|b| *b.borrow());
    if balance < amount + fee_${i}(amount) {
        return Err("insufficient funds".to_string());
    }
    let outcome = Call::bounded_wait(Principal::anonymous(), "transfer").with_arg(amount).await;
    BALANCE_${i}.with(|b| *b.borrow_mut() -= amount);
    outcome.map(|_| ()).map_err(|e| format!("{e:?}"))
}
`,
    });
  }
  return files;
}

export const lineCount = (text) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
