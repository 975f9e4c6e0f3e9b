/** Keys a message generates, tasks handed one, and state handles given to helpers (Rust frontend). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  forEachNode,
  type EntryPointIR,
  type FileModel,
  type ReadNode,
  type WriteNode,
} from '../src/model/ir';
import { analyzeRustCrate } from '../src/languages/rust';

async function model(text: string): Promise<FileModel> {
  const [m] = await analyzeRustCrate('test', [{ path: 'src/lib.rs', text }], { extraCallFunctions: [] });
  assert.ok(m);
  return m;
}

function entry(m: FileModel, name: string): EntryPointIR {
  const e = m.entryPoints.find((x) => x.name === name);
  assert.ok(e, `entry point ${name} in ${m.entryPoints.map((x) => x.name).join(', ')}`);
  return e;
}

function accesses<K extends 'read' | 'write'>(e: EntryPointIR, kind: K, field: string) {
  const out: (K extends 'read' ? ReadNode : WriteNode)[] = [];
  forEachNode(e.body, (n) => {
    if (n.kind === kind && n.state.field === field) out.push(n as never);
  });
  return out;
}

const STATE = `
use std::cell::RefCell;
use std::collections::BTreeMap;
type Items = BTreeMap<u64, String>;
#[derive(Default)]
struct State { next_id: u64, items: Items, rng: Option<Rng> }
thread_local! { static STATE: RefCell<State> = RefCell::new(State::default()); }
fn take_id() -> u64 { STATE.with_borrow_mut(|s| { let id = s.next_id; s.next_id += 1; id }) }
fn draw() -> u64 { STATE.with_borrow_mut(|s| match &mut s.rng { Some(r) => r.next(), None => 0 }) }
async fn work(id: u64) {
    let found = STATE.with_borrow(|s| s.items.get(&id).cloned());
    if found.is_none() { return; }
    ic_cdk::call::Call::bounded_wait(candid::Principal::anonymous(), "m").await.ok();
    STATE.with_borrow_mut(|s| s.items.insert(id, "done".to_string()));
}
`;

describe('generated keys', () => {
  it('a counter stepped in one part of a field generates no key read from another part of it', async () => {
    const m = await model(`
use std::cell::RefCell;
use std::collections::BTreeMap;
#[derive(Default)]
struct Heap { next_id: u64, items: BTreeMap<u64, String> }
#[derive(Default)]
struct State { heap: Heap }
thread_local! { static STATE: RefCell<State> = RefCell::new(State::default()); }
#[ic_cdk::update] fn by_len(v: String) {
    STATE.with_borrow_mut(|s| { let id = s.heap.items.len() as u64; s.heap.next_id += 1; s.heap.items.insert(id, v); });
}
#[ic_cdk::update] fn by_counter(v: String) {
    STATE.with_borrow_mut(|s| { let id = s.heap.next_id; s.heap.next_id += 1; s.heap.items.insert(id, v); });
}
`);
    const inserts = (name: string) =>
      accesses(entry(m, name), 'write', 'heap')
        .filter((w) => w.state.sub === 'items')
        .map((w) => w.generatedKey);
    assert.deepEqual(inserts('by_len'), [undefined]);
    assert.deepEqual(inserts('by_counter'), [true]);
  });

  it('marks an insert under a stepped counter or a random draw, not one under a parameter', async () => {
    const m = await model(`${STATE}
#[ic_cdk::update] fn by_counter(v: String) { let id = take_id(); STATE.with_borrow_mut(|s| s.items.insert(id, v)); }
#[ic_cdk::update] fn by_draw(v: String) { let id = draw(); STATE.with_borrow_mut(|s| s.items.insert(id, v)); }
#[ic_cdk::update] fn by_param(id: u64, v: String) { STATE.with_borrow_mut(|s| s.items.insert(id, v)); }
`);
    assert.deepEqual(
      accesses(entry(m, 'by_counter'), 'write', 'items').map((w) => w.generatedKey),
      [true],
    );
    assert.deepEqual(
      accesses(entry(m, 'by_draw'), 'write', 'items').map((w) => w.generatedKey),
      [true],
    );
    assert.deepEqual(
      accesses(entry(m, 'by_param'), 'write', 'items').map((w) => w.generatedKey),
      [undefined],
    );
  });

  it('gives a task the keys it captures when the code starting it generated them', async () => {
    const m = await model(`${STATE}
#[ic_cdk::update] fn start(v: String) {
    let id = take_id();
    STATE.with_borrow_mut(|s| s.items.insert(id, v));
    ic_cdk::futures::spawn(async move { work(id).await; });
}
#[ic_cdk::update] fn start_every(v: String) {
    let id = take_id();
    STATE.with_borrow_mut(|s| s.items.insert(id, v));
    ic_cdk_timers::set_timer_interval(std::time::Duration::from_secs(60), move || async move { work(id).await; });
}
#[ic_cdk::update] fn start_twice(v: String) {
    let id = take_id();
    STATE.with_borrow_mut(|s| s.items.insert(id, v));
    for _ in 0..2 { ic_cdk::futures::spawn(async move { work(id).await; }); }
}
#[ic_cdk::update] fn start_with(id: u64, v: String) {
    STATE.with_borrow_mut(|s| s.items.insert(id, v));
    ic_cdk::futures::spawn(async move { work(id).await; });
}
`);
    const spawned = (from: string) => {
      const e = m.entryPoints.find((x) => x.name.startsWith(`${from}::`));
      assert.ok(e, `a task started by ${from}`);
      return e;
    };
    assert.deepEqual(spawned('start').instanceKeys, ['id']);
    assert.equal(spawned('start_with').instanceKeys, undefined);
    // Runs more than once with the same key: an interval timer, a task started in a loop.
    assert.equal(spawned('start_every').instanceKeys, undefined);
    assert.equal(spawned('start_twice').instanceKeys, undefined);
  });
});

describe('state handles given to helpers', () => {
  it('a helper that reads one entry through the handle makes a keyed read, not a read of the whole', async () => {
    // Given a handle on a map of another type, the helper's accesses are unknown (and it reads two entries, so it is
    // no one-entry helper either): the read of the whole stays.
    const m = await model(`${STATE}
fn item_of(id: &u64, items: &Items) -> Option<String> { items.get(id).cloned() }
#[ic_cdk::query] fn get(id: u64) -> Option<String> { STATE.with_borrow(|s| item_of(&id, &s.items)) }
fn any_of(id: &u64, items: &BTreeMap<u64, String>) -> Option<String> { items.get(id).or(items.get(&0)).cloned() }
#[ic_cdk::query] fn get_other(id: u64) -> Option<String> { STATE.with_borrow(|s| any_of(&id, &s.items)) }
`);
    assert.deepEqual(
      accesses(entry(m, 'get'), 'read', 'items').map((r) => r.key),
      ['id'],
    );
    assert.deepEqual(
      accesses(entry(m, 'get_other'), 'read', 'items').map((r) => r.key),
      [undefined],
    );
  });
});
