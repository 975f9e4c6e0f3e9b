// S4: S3 with the rollback removed. When the transfer fails, `?` leaves the method and the debit stays:
// the money is gone from the account although nothing was paid.
use candid::{CandidType, Principal};
use ic_cdk::api::msg_caller;
use ic_cdk::call::{Call, CallFailed};
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
async fn withdraw(amount: u64) -> Result<(), String> {
    let caller = msg_caller();
    if BALANCE.with_borrow(|b| *b) >= amount {
        BALANCE.with_borrow_mut(|b| *b -= amount);
        transfer(caller, amount).await.map_err(|e| format!("transfer failed: {e}"))?;
        //                       ^^^^^ commit
        //                       ^^^^^ warning: no-rollback-on-failure
        //                       ^^^^^ info: intermediate-state-visible
        Ok(())
    } else {
        Err("insufficient balance".to_string())
    }
}
