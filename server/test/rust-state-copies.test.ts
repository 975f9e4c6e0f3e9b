/**
 * Whole copies of Rust state (`get_state()` / `set_state(state)`): a field of a copy reads only that field, and a
 * copy stored back writes the fields the code touched plus a `restore` of the rest (no change the code made).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSources } from '../src/workspace/analyze';
import { forEachNode, stateName, type Node } from '../src/model/ir';

const HEADER = `use std::cell::RefCell;
#[derive(Clone, Default)]
struct State { owner: u64, snapshots: Vec<u64>, recovery: u64 }
thread_local! {
    static STATE: RefCell<StableValue<State>> = RefCell::new(StableValue::default());
}
fn get_state() -> State {
    STATE.with(|storage| storage.borrow().get(&()).unwrap_or_default())
}
fn set_state(state: State) {
    STATE.with(|storage| storage.borrow_mut().insert((), state));
}
`;

/** The reads and writes of entry point `name`, as `r:STATE.owner` / `w:STATE.recovery` / `w:STATE (restore)`. */
async function accessesOf(body: string, name: string): Promise<string[]> {
  const r = await analyzeSources([{ path: '/virtual/copies/lib.rs', text: HEADER + body }]);
  const entry = r.files[0]?.entryPoints.find((e) => e.name === name);
  assert.ok(entry, `entry point ${name}`);
  const out: string[] = [];
  forEachNode(entry.body, (n: Node) => {
    if (n.kind === 'read') out.push(`r:${stateName(n.state)}`);
    if (n.kind === 'write') out.push(`w:${stateName(n.state)}${n.restore ? ' (restore)' : ''}`);
  });
  return out;
}

test('a field of a copy returned by a helper reads only that field', async () => {
  const body = `#[ic_cdk::query]\nfn owner() -> u64 { get_state().owner }\n`;
  assert.deepEqual(await accessesOf(body, 'owner'), ['r:STATE.owner']);
});

test('a copy stored back writes the touched field and restores the rest', async () => {
  const body = `#[ic_cdk::update]\nfn set_recovery(v: u64) { let mut state = get_state(); state.recovery = v; set_state(state); }\n`;
  assert.deepEqual(await accessesOf(body, 'set_recovery'), [
    'r:STATE',
    'w:STATE.recovery',
    'w:STATE (restore)',
  ]);
});

test('a method called on the whole copy may change any field: the store stays a whole write', async () => {
  const body = `impl State { fn reset(&mut self) { self.owner = 0; } }
#[ic_cdk::update]\nfn reset() { let mut state = get_state(); state.reset(); set_state(state); }\n`;
  assert.deepEqual(await accessesOf(body, 'reset'), ['r:STATE', 'w:STATE']);
});

test('a copy stored to another entry than it was read from is a whole write', async () => {
  const body = `#[ic_cdk::update]
fn move_it() {
    let mut state = STATE.with(|s| s.borrow().get(&1).unwrap());
    state.recovery = 1;
    STATE.with(|s| s.borrow_mut().insert(2, state));
}
`;
  assert.deepEqual(await accessesOf(body, 'move_it'), ['r:STATE', 'w:STATE']);
});

test('a copy held across an await and stored back is one stale-write-back, not one per field', async () => {
  const r = await analyzeSources([
    {
      path: '/virtual/copies/lib.rs',
      text:
        HEADER +
        `#[ic_cdk::update]
fn set_recovery(v: u64) { let mut state = get_state(); state.recovery = v; set_state(state); }
#[ic_cdk::update]
async fn prune(id: u64) {
    let mut state = get_state();
    let _ = ic_cdk::call::Call::bounded_wait(candid::Principal::anonymous(), "delete").with_arg(id).await;
    state.snapshots.retain(|s| *s != id);
    set_state(state);
}
`,
    },
  ]);
  const stale = r.findings.filter((f) => f.rule === 'stale-write-back' && f.entryPoint === 'prune');
  assert.deepEqual(
    stale.map((f) => f.state),
    [['STATE']],
  );
});

test('a `return` inside an async block of the getter does not stop it returning a copy', async () => {
  const header = HEADER.replace(
    'fn get_state() -> State {\n',
    'fn get_state() -> State {\n    let _later = async { return 1u8; };\n',
  );
  assert.notEqual(header, HEADER);
  const r = await analyzeSources([
    {
      path: '/virtual/copies/lib.rs',
      text: `${header}#[ic_cdk::query]\nfn owner() -> u64 { get_state().owner }\n`,
    },
  ]);
  const entry = r.files[0]?.entryPoints.find((e) => e.name === 'owner');
  assert.ok(entry);
  const reads: string[] = [];
  forEachNode(entry.body, (n: Node) => {
    if (n.kind === 'read') reads.push(stateName(n.state));
  });
  assert.deepEqual(reads, ['STATE.owner']);
});
