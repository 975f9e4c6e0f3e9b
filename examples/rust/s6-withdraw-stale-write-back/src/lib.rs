// S6: S3, but the rollback restores a copy of the balance taken before the await. Deposits and withdrawals
// that ran while `withdraw` was suspended are silently undone (lost update).
use candid::{CandidType, Principal};
use ic_cdk::api::msg_caller;
use ic_cdk::call::{Call, CallErrorExt, CallFailed};
use ic_cdk::{query, update};
use std::cell::RefCell;

/// The ledger this canister pays out from (the ICP ledger's canister id).
const LEDGER: Principal = Principal::from_slice(&[0, 0, 0, 0, 0, 0, 0, 2, 1, 1]);

#[derive(CandidType)]
struct TransferArgs {
    to: Principal,
    amount: u64,
}

thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(1_000);
}

/// Asks the ledger to pay `amount` to `to`. The ledger replies `()` when it paid and rejects when it did not.
/// A bounded-wait call: if no answer arrives in time the outcome is unknown (`CallFailed`, not a clean reject).
async fn transfer(to: Principal, amount: u64) -> Result<(), CallFailed> {
    Call::bounded_wait(LEDGER, "transfer")
        .with_arg(TransferArgs { to, amount })
        .await
      // ^^^^^ commit
        .map(|_reply| ())
}

/// Another entry point that reads the balance: it can run while `withdraw` is suspended at its await.
#[query]
fn balance() -> u64 {
    BALANCE.with_borrow(|b| *b)
}

#[update]
fn deposit(amount: u64) {
    BALANCE.with_borrow_mut(|b| *b += amount);
}

#[update]
async fn withdraw(amount: u64) -> Result<(), String> {
    let caller = msg_caller();
    let original = BALANCE.with_borrow(|b| *b);
    if original >= amount {
        BALANCE.with_borrow_mut(|b| *b -= amount);
        match transfer(caller, amount).await {
        //                             ^^^^^ commit
        //                             ^^^^^ warning: stale-write-back
        //                             ^^^^^ info: intermediate-state-visible
            Ok(()) => Ok(()),
            Err(e) if e.is_clean_reject() => {
                BALANCE.with_borrow_mut(|b| *b = original);
                Err(format!("transfer failed: {e}"))
            }
            Err(e) => Err(format!("transfer outcome unknown: {e}")),
        }
    } else {
        Err("insufficient balance".to_string())
    }
}
