/**
 * A closure handed to an `async` workspace function runs where that function calls it. When every call of the
 * parameter comes after a commit point of the callee (`record(&owner, &id)` after `create(…).await?`), what the
 * closure does happens after the `.await` on the callee in the caller too, not where the closure is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSources } from '../src/workspace/analyze';
import { forEachNode, stateName, type Node } from '../src/model/ir';

const crate = (workflow: string) => `use candid::Principal;
use ic_cdk::call::Call;
use std::cell::RefCell;
use std::collections::BTreeMap;

const MANAGEMENT: Principal = Principal::from_slice(&[0, 0, 0, 0, 0, 0, 0, 2, 1, 1]);

thread_local! {
    static CANISTERS: RefCell<BTreeMap<Principal, Principal>> = RefCell::new(BTreeMap::new());
}

async fn create_canister_for(owner: Principal) -> Result<Principal, String> {
    let reply = Call::bounded_wait(MANAGEMENT, "create_canister").with_arg(owner).await;
    reply.map_err(|e| format!("{e}"))?.candid::<Principal>().map_err(|e| format!("{e}"))
}

async fn workflow(owner: Principal, record: &dyn Fn(&Principal, &Principal)) -> Result<Principal, String> {
${workflow}
}

#[ic_cdk::update]
async fn create(owner: Principal) -> Result<Principal, String> {
    workflow(owner, &move |o, id| {
        CANISTERS.with_borrow_mut(|c| c.insert(*o, *id));
    })
    .await
}

#[ic_cdk::query]
fn list(owner: Principal) -> Option<Principal> {
    CANISTERS.with_borrow(|c| c.get(&owner).copied())
}
`;

/** `create`'s awaits and writes in order, and the infos given on it. */
async function orderIn(workflow: string): Promise<{ order: string[]; infos: string[] }> {
  const r = await analyzeSources([{ path: '/virtual/placement/src/lib.rs', text: crate(workflow) }]);
  const entry = r.files[0]?.entryPoints.find((e) => e.name === 'create');
  assert.ok(entry, 'entry point create');
  const order: string[] = [];
  forEachNode(entry.body, (n: Node) => {
    if (n.kind === 'await') order.push(`await:${n.commit}`);
    if (n.kind === 'write') order.push(`write:${stateName(n.state)}`);
  });
  const infos = r.findings.filter((f) => f.entryPoint === 'create').map((f) => f.rule);
  return { order, infos };
}

test('a closure the async callee calls only after its commit point runs after the await on the callee', async () => {
  const { order, infos } = await orderIn(`    let id = create_canister_for(owner).await?;
    record(&owner, &id);
    Ok(id)`);
  assert.deepEqual(order, ['await:commit', 'write:CANISTERS']);
  // Written after the commit point: nothing intermediate for `list` to see while `create` is suspended.
  assert.ok(!infos.includes('intermediate-state-visible'), infos.join());
});

test('a closure the callee may call before its commit point stays where it is written', async () => {
  for (const workflow of [
    `    record(&owner, &owner);
    let id = create_canister_for(owner).await?;
    Ok(id)`,
    // Called after the await on one path only: it may run before any commit point.
    `    if owner == Principal::anonymous() {
        record(&owner, &owner);
        return Err("anonymous".to_string());
    }
    let id = create_canister_for(owner).await?;
    record(&owner, &id);
    Ok(id)`,
  ]) {
    const { order, infos } = await orderIn(workflow);
    assert.equal(order.indexOf('write:CANISTERS') < order.indexOf('await:commit'), true, order.join());
    assert.ok(infos.includes('intermediate-state-visible'), infos.join());
  }
});
