/**
 * A crate module the incremental-analysis tests edit: an awaited transfer and a synchronous debit of the
 * crate root's `BALANCE`, so that editing one body changes a summary another file reads.
 */
export const LEDGER_RS = `use ic_cdk::call::Call;
use crate::BALANCE;

pub async fn transfer(amount: u64) -> Result<(), String> {
    let reply = Call::bounded_wait(candid::Principal::anonymous(), "transfer").with_arg(amount).await;
    reply.map(|_| ()).map_err(|e| format!("{e:?}"))
}

pub fn debit(amount: u64) {
    BALANCE.with(|b| *b.borrow_mut() -= amount);
}
`;
