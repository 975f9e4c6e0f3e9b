// S2 (forum): the Rust experiment. `foo` is a local `async fn` that makes no inter-canister call, so
// `foo().await` completes synchronously: it is not a commit point, `greet` is a single message and
// concurrent calls cannot interleave (the forum printed consecutive pairs `120 121`, `121 122`, ...).
use std::cell::RefCell;

thread_local! {
    static I: RefCell<u32> = RefCell::default();
}

#[ic_cdk::update]
async fn greet(name: String) -> String {
    let mut i0: u32 = 0;
    I.with(|i| {
        i0 = *i.borrow();
    });

    foo().await;
    //    ^^^^^ none: foo

    I.with(|i| {
        let x = &mut *i.borrow_mut();
        *x = *x + 1;
    });

    let mut i1: u32 = 0;
    I.with(|i| {
        i1 = *i.borrow();
    });

    format!("Hello, {}   {}   {}!", name, i0, i1)
}

async fn foo() {}
