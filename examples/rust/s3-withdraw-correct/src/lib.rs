// S3: withdraw, correct. Check, debit first, await the transfer, give the money back when the ledger surely did
// not pay. No warning: the debit happens before the commit point, so a second `withdraw` that runs meanwhile sees
// the reduced balance. (`balance` still sees the in-flight debit: that is the info finding.)
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
async fn withdraw(amount: u64) -> Result<(), String> {
    let caller = msg_caller();
    if BALANCE.with_borrow(|b| *b) >= amount {
        BALANCE.with_borrow_mut(|b| *b -= amount);
        match transfer(caller, amount).await {
        //                             ^^^^^ commit
        //                             ^^^^^ info: intermediate-state-visible
            Ok(()) => Ok(()),
            Err(e) if e.is_clean_reject() => {
                // The ledger surely did not pay: undo the debit.
                BALANCE.with_borrow_mut(|b| *b += amount);
                Err(format!("transfer failed: {e}"))
            }
            Err(e) => {
                // Timed out or otherwise unknown: the ledger may have paid. Keep the debit and let an
                // operator reconcile it against the ledger.
                Err(format!("transfer outcome unknown: {e}"))
            }
        }
    } else {
        Err("insufficient balance".to_string())
    }
}
