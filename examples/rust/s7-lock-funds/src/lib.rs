// S7 (forum), scenarios 1, 2 and 4: `lock_funds` writes `STATE.funds`, so it is an interleaver of the commit
// point in `withdraw_funds` (and sees its in-flight debit); `append_text` shares no state and is harmless.
use candid::{CandidType, Principal};
use ic_cdk::api::msg_caller;
use ic_cdk::call::{Call, CallErrorExt, CallFailed};
use ic_cdk::update;
use std::cell::RefCell;

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

#[derive(Default)]
struct Wallet {
    funds: u64,
    locked: u64,
    text: String,
}

thread_local! {
    static STATE: RefCell<Wallet> = RefCell::new(Wallet {
        funds: 1_000,
        ..Wallet::default()
    });
}

/// Scenario 1: debit first, await the ledger (a commit point), give the money back only when the ledger
/// surely did not pay.
#[update]
async fn withdraw_funds(withdraw_amount: u64) -> Result<u64, String> {
    let caller = msg_caller();
    if STATE.with_borrow(|s| s.funds) < withdraw_amount {
        return Err("insufficient funds".to_string());
    }
    STATE.with_borrow_mut(|s| s.funds -= withdraw_amount);
    match transfer(caller, withdraw_amount).await {
    //                                      ^^^^^ commit
    //                                      ^^^^^ info: intermediate-state-visible
        Ok(()) => {}
        Err(e) if e.is_clean_reject() => STATE.with_borrow_mut(|s| s.funds += withdraw_amount),
        Err(_unknown) => {} // the ledger may have paid: keep the debit, reconcile later
    }
    Ok(STATE.with_borrow(|s| s.funds))
}

/// Scenario 2: `lock_funds` mutates `STATE.funds`.
#[update]
fn lock_funds(amount: u64) {
    STATE.with_borrow_mut(|s| {
        if s.funds >= amount {
            s.funds -= amount;
            s.locked += amount;
        }
    });
}

/// Scenario 4: `append_text` touches only `STATE.text`; it may run while `withdraw_funds` is suspended, and
/// that is harmless.
#[update]
fn append_text(t: String) {
    STATE.with_borrow_mut(|s| s.text.push_str(&t));
}
