/** Rust frontend: map parameters touched at one entry (param-entries.ts) and the calls an await reaches. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachNode, type AwaitNode, type EntryPointIR, type Node, type WriteNode } from '../src/model/ir';
import { analyzeRustCrate } from '../src/languages/rust';
import { MAX_REACHED, mergeCalls } from '../src/languages/rust/reached-calls';

const crate = `
use candid::{CandidType, Principal};
use ic_cdk::api::canister_self;
use ic_cdk::call::Call;
use ic_cdk::update;
use std::cell::RefCell;
use std::collections::HashMap;

#[derive(CandidType)]
struct DepositCyclesArgs { destination_id: Principal, cycles: u128 }
#[derive(CandidType)]
struct CanisterIdRecord { canister_id: Principal }

thread_local! {
    static SEGMENTS: RefCell<HashMap<Principal, String>> = RefCell::new(HashMap::new());
}

fn put_impl(id: &Principal, name: &String, map: &mut HashMap<Principal, String>) {
    map.insert(*id, name.clone());
}
fn drop_impl(id: &Principal, map: &mut HashMap<Principal, String>) {
    map.remove(id);
}
fn twice_impl(id: &Principal, map: &mut HashMap<Principal, String>) {
    map.remove(id);
    map.clear();
}

async fn pull(id: &Principal, cycles: u128) -> Result<(), String> {
    let args = DepositCyclesArgs { destination_id: canister_self(), cycles };
    Call::unbounded_wait(*id, "deposit_cycles").with_arg(args).await.map_err(|e| format!("{e}"))?;
    Ok(())
}
async fn push(id: &Principal) -> Result<(), String> {
    Call::unbounded_wait(Principal::management_canister(), "deposit_cycles")
        .with_arg(CanisterIdRecord { canister_id: *id })
        .await
        .map_err(|e| format!("{e}"))?;
    Ok(())
}

#[update]
fn put(id: Principal, name: String) {
    SEGMENTS.with(|s| put_impl(&id, &name, &mut s.borrow_mut()));
}
#[update]
fn drop_one(id: Principal) {
    SEGMENTS.with(|s| drop_impl(&id, &mut s.borrow_mut()));
}
#[update]
fn drop_all(id: Principal) {
    SEGMENTS.with(|s| twice_impl(&id, &mut s.borrow_mut()));
}
#[update]
async fn pull_then_push(id: Principal) -> Result<(), String> {
    pull(&id, 1).await?;
    push(&id).await
}
`;

async function entries(): Promise<EntryPointIR[]> {
  const [model] = await analyzeRustCrate('test', [{ path: 'src/lib.rs', text: crate }], {
    extraCallFunctions: [],
  });
  assert.ok(model);
  return model.entryPoints;
}

function nodes(e: EntryPointIR | undefined): Node[] {
  const out: Node[] = [];
  forEachNode(e?.body ?? [], (n) => void out.push(n));
  return out;
}

const writes = (e: EntryPointIR | undefined) => nodes(e).filter((n): n is WriteNode => n.kind === 'write');

test('a helper inserting into or removing from the map it is given writes the entry keyed by the argument', async () => {
  const eps = await entries();
  const put = writes(eps.find((e) => e.name === 'put'));
  assert.equal(put.length, 1);
  assert.equal(put[0].key, 'id');
  assert.equal(put[0].mark, undefined);
  assert.deepEqual(put[0].value.reads, [], 'the stored value reads no state');
  assert.deepEqual(put[0].value.locals, ['name']);
  const removed = writes(eps.find((e) => e.name === 'drop_one'));
  assert.equal(removed.length, 1);
  assert.equal(removed[0].key, 'id');
  assert.equal(removed[0].mark, 'clear');
  // The map used twice in the helper (a remove, then a clear): the whole map may change, no key.
  const all = writes(eps.find((e) => e.name === 'drop_all'));
  assert.ok(all.length > 0 && all.every((w) => w.key === undefined && w.mark === undefined));
});

test('an await lists the calls it reaches; one naming this canister as destination brings value here', async () => {
  const eps = await entries();
  const awaits = nodes(eps.find((e) => e.name === 'pull_then_push')).filter(
    (n): n is AwaitNode => n.kind === 'await',
  );
  assert.equal(awaits.length, 2);
  const [pulled, pushed] = awaits.map((a) => a.reaches ?? []);
  assert.ok(pulled[0].wrapper && pulled[0].toSelf, 'the wrapper of a call to self is one too');
  assert.ok(pulled.some((c) => !c.wrapper && c.toSelf && c.callee.includes('"deposit_cycles"')));
  assert.ok(
    pushed.length > 1 && pushed.every((c) => !c.toSelf),
    'a deposit to another canister moves value out',
  );
});

test('a reached-call list cut short keeps every call it names and ends with the left-out marker', () => {
  const calls = Array.from({ length: 20 }, (_, i) => ({ callee: `call_${i}` }));
  const merged = mergeCalls([{ callee: 'icrc1_transfer' }], calls);
  assert.deepEqual(
    merged.slice(0, -1).map((c) => c.callee),
    ['icrc1_transfer', ...calls.slice(0, MAX_REACHED - 1).map((c) => c.callee)],
  );
  assert.deepEqual(merged[merged.length - 1], { callee: '…', opaque: true });
  // Merging more into a cut list adds nothing after the marker.
  assert.equal(mergeCalls(merged, [{ callee: 'late' }]).length, merged.length);
});
