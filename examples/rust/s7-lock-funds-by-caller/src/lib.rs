// S7 (forum), question 2: funds are a map keyed by the caller. `lock_funds` still interleaves with
// `withdraw_funds`, but only calls by the same caller touch the same entry: the explanation says so.
use candid::{CandidType, Principal};
use ic_cdk::api::msg_caller;
use ic_cdk::call::{Call, CallErrorExt, CallFailed};
use ic_cdk::update;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The ledger this canister pays out from (the ICP ledger's canister id).
const LEDGER: Principal = Principal::from_slice(&[0, 0, 0, 0, 0, 0, 0, 2, 1, 1]);

#[derive(CandidType)]
struct TransferArgs {
    to: Principal,
    amount: u64,
}

/// Asks the ledger to pay `amount` to `to`; it replies `()` when it paid and rejects when it did not.
async fn transfer(to: Principal, amount: u64) -> Result<(), CallFailed> {
    Call::bounded_wait(LEDGER, "transfer")
        .with_arg(TransferArgs { to, amount })
        .await
      // ^^^^^ commit
        .map(|_reply| ())
}

thread_local! {
    static FUNDS: RefCell<BTreeMap<Principal, u64>> = RefCell::new(BTreeMap::new());
    static LOCKED: RefCell<BTreeMap<Principal, u64>> = RefCell::new(BTreeMap::new());
    static TEXT: RefCell<String> = RefCell::new(String::new());
}

#[update]
async fn withdraw_funds(withdraw_amount: u64) -> Result<u64, String> {
    let caller = msg_caller();
    let available = FUNDS.with_borrow(|f| f.get(&caller).copied().unwrap_or(0));
    if available < withdraw_amount {
        return Err("insufficient funds".to_string());
    }
    FUNDS.with_borrow_mut(|f| f.insert(caller, available - withdraw_amount));
    match transfer(caller, withdraw_amount).await {
    //                                      ^^^^^ commit
    //                                      ^^^^^ info: intermediate-state-visible
        Ok(()) => {}
        Err(e) if e.is_clean_reject() => {
            FUNDS.with_borrow_mut(|f| *f.entry(caller).or_insert(0) += withdraw_amount);
        }
        Err(_unknown) => {} // the ledger may have paid: keep the debit, reconcile later
    }
    Ok(FUNDS.with_borrow(|f| f.get(&caller).copied().unwrap_or(0)))
}

#[update]
fn lock_funds(amount: u64) -> bool {
    let caller = msg_caller();
    let available = FUNDS.with_borrow(|f| f.get(&caller).copied().unwrap_or(0));
    if available < amount {
        return false;
    }
    FUNDS.with_borrow_mut(|f| f.insert(caller, available - amount));
    LOCKED.with_borrow_mut(|l| *l.entry(caller).or_insert(0) += amount);
    true
}

#[update]
fn append_text(t: String) {
    TEXT.with_borrow_mut(|text| text.push_str(&t));
}
