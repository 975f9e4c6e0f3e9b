/**
 * The small Rust crate the server and robustness tests share: a withdraw that checks the balance before a
 * transfer and debits after it (one check-then-act), with the given `mod` lines after the imports.
 */
export function withdrawLibRs(mods: string[] = []): string {
  return `use std::cell::RefCell;
use ic_cdk::call::Call;
${mods.map((m) => `mod ${m};\n`).join('')}
thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
}

#[ic_cdk::update]
async fn withdraw(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let _ = Call::bounded_wait(candid::Principal::anonymous(), "transfer").with_arg(amount).await;
        BALANCE.with(|b| *b.borrow_mut() -= amount);
    }
}
`;
}
