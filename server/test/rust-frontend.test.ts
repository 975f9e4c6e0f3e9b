import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type {
  AwaitNode,
  BranchNode,
  EntryPointIR,
  FileModel,
  Node,
  ReadNode,
  WriteNode,
} from '../src/model/ir';
import { analyzeRustCrate } from '../src/languages/rust';
import { fixturesDir } from './helpers/paths';

const crateDir = join(fixturesDir, 'rust-frontend');

function fixture(crate: string, ...files: string[]): { path: string; text: string }[] {
  return files.map((f) => ({
    path: `${crate}/src/${f}`,
    text: readFileSync(join(crateDir, crate, 'src', f), 'utf8'),
  }));
}

async function one(text: string, extra: string[] = []): Promise<FileModel> {
  const [model] = await analyzeRustCrate('test', [{ path: 'src/lib.rs', text }], {
    extraCallFunctions: extra,
  });
  assert.ok(model);
  return model;
}

/** All nodes in evaluation order, arms and loop bodies included. */
function flat(nodes: Node[]): Node[] {
  return nodes.flatMap((n) => [
    n,
    ...(n.kind === 'branch' ? n.arms.flatMap(flat) : []),
    ...(n.kind === 'loop' || n.kind === 'block' ? flat(n.body) : []),
  ]);
}

function entry(model: FileModel, name: string): EntryPointIR {
  const e = model.entryPoints.find((x) => x.name === name);
  assert.ok(e, `entry point ${name} in ${model.entryPoints.map((x) => x.name).join(', ')}`);
  return e;
}

function nodesOf<K extends Node['kind']>(e: EntryPointIR, kind: K): Extract<Node, { kind: K }>[] {
  return flat(e.body).filter((n): n is Extract<Node, { kind: K }> => n.kind === kind);
}

function theAwait(model: FileModel, name: string): AwaitNode {
  const awaits = nodesOf(entry(model, name), 'await');
  assert.equal(awaits.length, 1, `one await in ${name}`);
  return awaits[0];
}

/** The IR's invariants: ids unique per file; every Val refers to reads and awaits emitted before it. */
function checkInvariants(model: FileModel): void {
  const ids = new Set<number>();
  for (const e of model.entryPoints) {
    const seenReads = new Set<number>();
    const seenAwaits = new Set<number>();
    const check = (v: { reads: number[]; awaits: number[] } | undefined, where: string): void => {
      for (const r of v?.reads ?? [])
        assert.ok(seenReads.has(r), `${e.name}: read ${r} used before it happens (${where})`);
      for (const a of v?.awaits ?? [])
        assert.ok(seenAwaits.has(a), `${e.name}: await ${a} used before it (${where})`);
    };
    for (const n of flat(e.body)) {
      if (n.kind === 'read' || n.kind === 'await') {
        assert.ok(!ids.has(n.id), `id ${n.id} unique in ${model.file}`);
        ids.add(n.id);
      }
      if (n.kind === 'await') check(n.args, 'await args');
      if (n.kind === 'write' || n.kind === 'local') check(n.value, n.kind);
      if (n.kind === 'branch' || n.kind === 'loop') check(n.cond, n.kind);
      if (n.kind === 'exit') {
        check(n.value, 'exit');
        check(n.cond, 'exit');
      }
      if (n.kind === 'trap') {
        check(n.value, 'trap');
        check(n.cond, 'trap');
      }
      if (n.kind === 'read') seenReads.add(n.id);
      if (n.kind === 'await') seenAwaits.add(n.id);
    }
  }
}

describe('Rust frontend: seed S2 (greet)', () => {
  it('an await on a local async fn without a call is `none`, naming the function', async () => {
    const [model] = await analyzeRustCrate('s2', fixture('s2-greet', 'lib.rs'), { extraCallFunctions: [] });
    assert.ok(model);
    checkInvariants(model);
    assert.equal(model.language, 'rust');
    assert.equal(model.canister, 's2');
    assert.deepEqual(
      model.stateDecls.map((d) => d.root),
      ['COUNTER'],
    );
    const greet = entry(model, 'greet');
    assert.equal(greet.kind, 'update');
    assert.deepEqual(greet.params, ['name']);
    const aw = theAwait(model, 'greet');
    assert.equal(aw.commit, 'none');
    assert.equal(aw.handling, 'ignored');
    assert.match(
      aw.reason,
      /local `async fn foo` \(s2-greet\/src\/lib\.rs:8\) which makes no inter-canister call/,
    );
    assert.deepEqual(aw.range, { start: { line: 12, character: 10 }, end: { line: 12, character: 15 } });
    // Read before the await, read + write after it, all on the counter.
    const kinds = greet.body.map((n) =>
      n.kind === 'read' || n.kind === 'write' ? `${n.kind}:${n.state.root}` : n.kind,
    );
    assert.deepEqual(kinds, [
      'read:COUNTER',
      'local',
      'await',
      'read:COUNTER',
      'write:COUNTER',
      'read:COUNTER',
      'local',
    ]);
    const write = greet.body.find((n): n is WriteNode => n.kind === 'write')!;
    assert.deepEqual(write.value.reads, [(greet.body[3] as ReadNode).id], 'the += includes its read');
    assert.deepEqual(
      model.awaits.map((a) => [a.functionName, a.commit]),
      [['greet', 'none']],
    );
  });
});

describe('Rust frontend: call API generations', () => {
  const load = async (extra: string[]): Promise<FileModel> => {
    const [model] = await analyzeRustCrate('calls', fixture('calls', 'lib.rs'), {
      extraCallFunctions: extra,
    });
    assert.ok(model);
    checkInvariants(model);
    return model;
  };

  it('recognises every generation of the call API as a commit point, with its wait kind', async () => {
    const model = await load(['my_crate::ledger::pay']);
    const expected: [string, string, 'bounded' | 'unbounded' | 'unknown'][] = [
      ['legacy', 'ic_cdk::call', 'unbounded'],
      ['legacy_payment', 'ic_cdk::api::call::call_with_payment', 'unbounded'],
      ['legacy_aliased', 'ic_cdk::api::call::call', 'unbounded'],
      ['bounded', 'ic_cdk::call::Call::bounded_wait', 'bounded'],
      ['unbounded', 'ic_cdk::call::Call::unbounded_wait', 'unbounded'],
      ['management_new', 'ic_cdk::management_canister::raw_rand', 'unknown'],
      ['management_old', 'ic_cdk::api::management_canister::main::raw_rand', 'unbounded'],
      ['management_glob', 'ic_cdk_management_canister::http_request', 'unknown'],
    ];
    for (const [name, api, wait] of expected) {
      const aw = theAwait(model, name);
      assert.equal(aw.commit, 'commit', name);
      assert.ok(aw.reason.includes(`\`${api}\``), `${name}: ${aw.reason}`);
      assert.equal(aw.call?.wait, wait, name);
      assert.equal(aw.call?.selfCall, false);
    }
    assert.equal(
      theAwait(model, 'bounded').call?.callee,
      'Call::bounded_wait(p, "put").with_arg(x).with_cycles(10)',
    );
  });

  it('a configured extra name is a commit point only when configured', async () => {
    const configured = theAwait(await load(['my_crate::ledger::pay']), 'configured');
    assert.equal(configured.commit, 'commit');
    assert.match(configured.reason, /extraCallFunctions/);
    const bare = theAwait(await load(['pay']), 'configured');
    assert.equal(bare.commit, 'commit');
    assert.equal(theAwait(await load([]), 'configured').commit, 'maybe');
  });

  it('an unknown future is `maybe`, naming it; `oneway()` is not an await', async () => {
    const model = await load([]);
    const unknown = theAwait(model, 'unknown');
    assert.equal(unknown.commit, 'maybe');
    assert.match(unknown.reason, /`client\.transfer`.*outside the workspace/);
    assert.equal(nodesOf(entry(model, 'fire_and_forget'), 'await').length, 0);
    assert.equal(
      model.awaits.length,
      10,
      'every .await of the file is annotated, and oneway is none of them',
    );
  });

  it('records how each call result is handled', async () => {
    const model = await load([]);
    const legacy = theAwait(model, 'legacy');
    assert.equal(legacy.handling, 'unwrapped');
    const trap = nodesOf(entry(model, 'legacy'), 'trap')[0];
    assert.equal(trap.cause, 'unwrap');
    assert.deepEqual(trap.value?.awaits, [legacy.id]);
    const legacyLine = '    let (n,): (u64,) = ic_cdk::call(p, "count", ()).await.unwrap();';
    assert.deepEqual(
      trap.range.start,
      { line: 8, character: legacyLine.indexOf('unwrap') },
      'from the method name',
    );

    const payment = theAwait(model, 'legacy_payment');
    assert.equal(payment.handling, 'propagated');
    const exit = nodesOf(entry(model, 'legacy_payment'), 'exit')[0];
    assert.equal(exit?.how, 'propagate');
    assert.ok(exit?.cond?.awaits.includes(payment.id));

    assert.equal(theAwait(model, 'legacy_aliased').handling, 'ignored');
    assert.equal(theAwait(model, 'management_new').handling, 'unwrapped');
    assert.equal(nodesOf(entry(model, 'management_new'), 'trap')[0]?.cause, 'expect');

    const bound = theAwait(model, 'bounded');
    assert.equal(bound.handling, 'bound');
    const local = nodesOf(entry(model, 'bounded'), 'local').find((l) => l.name === 'response');
    assert.deepEqual(local?.value.awaits, [bound.id]);

    const matched = theAwait(model, 'unbounded');
    assert.equal(matched.handling, 'matched');
    const branch = nodesOf(entry(model, 'unbounded'), 'branch')[0];
    assert.deepEqual(branch.cond.awaits, [matched.id]);
    assert.deepEqual(branch.failureArms, [false, true, true]);
    assert.equal(branch.unknownOutcomeCheck, true);
    assert.equal(branch.exhaustive, true);
  });
});

describe('Rust frontend: a multi-file crate (vault)', () => {
  const load = async (): Promise<Map<string, FileModel>> => {
    const models = await analyzeRustCrate('vault', fixture('vault', 'lib.rs', 'state.rs', 'ledger.rs'), {
      extraCallFunctions: [],
    });
    models.forEach(checkInvariants);
    return new Map(models.map((m) => [m.file.replace(/^vault\/src\//, ''), m]));
  };

  it('an await on a workspace fn in another file that calls is a commit point', async () => {
    const lib = (await load()).get('lib.rs')!;
    const [transfer, local] = nodesOf(entry(lib, 'withdraw'), 'await');
    assert.equal(transfer?.commit, 'commit');
    assert.match(
      transfer.reason,
      /`transfer` \(vault\/src\/ledger\.rs:4\), which calls `ic_cdk::call::Call::unbounded_wait`/,
    );
    assert.equal(transfer?.call?.wait, 'unbounded');
    assert.equal(transfer?.handling, 'matched');
    assert.equal(local?.commit, 'none');
    assert.match(local.reason, /`async fn log_locally` \(vault\/src\/ledger\.rs:13\)/);
  });

  it('read_state / mutate_state closures give field and key precision', async () => {
    const lib = (await load()).get('lib.rs')!;
    const withdraw = entry(lib, 'withdraw');
    assert.deepEqual(withdraw.callerNames, ['caller']);
    assert.equal(nodesOf(withdraw, 'caller').length, 1);
    const read = nodesOf(withdraw, 'read').find((r) => r.via === 'read_state');
    assert.deepEqual(read && { state: read.state, key: read.key }, {
      state: { root: 'STATE', field: 'balances' },
      key: 'caller',
    });
    const writes = nodesOf(withdraw, 'write').filter((w) => w.via === 'mutate_state');
    assert.equal(writes.length, 2, 'the debit and the refund in the Err arm');
    for (const w of writes) {
      assert.deepEqual(w.state, { root: 'STATE', field: 'balances' });
      assert.equal(w.key, 'caller');
    }
    // The key (`caller`) picks the entry; the value written depends on the rest.
    assert.deepEqual(writes[0].value.locals.sort(), ['amount', 'balance']);
    const q = entry(lib, 'balance_of');
    assert.equal(q.kind, 'composite-query');
    assert.equal(nodesOf(q, 'read')[0]?.key, 'p');
  });

  it('a guard bound to a name holds its lock; `let _ =` drops it at once', async () => {
    const lib = (await load()).get('lib.rs')!;
    const withdraw = entry(lib, 'withdraw');
    const guard = nodesOf(withdraw, 'guard')[0];
    assert.deepEqual(
      { ...guard, range: undefined },
      {
        kind: 'guard',
        range: undefined,
        typeName: 'CallerGuard',
        binding: '_guard',
        droppedImmediately: false,
        lock: { root: 'STATE', field: 'pending' },
        key: 'caller',
      },
    );
    assert.deepEqual(guard.range.start, { line: 10, character: 4 }, 'reported from the `let`');
    const order = withdraw.body.slice(0, 7).map((n) => n.kind);
    assert.deepEqual(order, ['caller', 'local', 'read', 'write', 'guard', 'exit', 'local']);
    const marker = withdraw.body[3] as WriteNode;
    assert.equal(marker.mark, 'set');
    assert.equal(marker.via, 'CallerGuard::new');

    const unguarded = entry(lib, 'withdraw_unguarded');
    const dropped = nodesOf(unguarded, 'guard')[0];
    assert.equal(dropped?.droppedImmediately, true);
    assert.equal(dropped?.binding, undefined);
    assert.equal(dropped?.key, 'who');
    assert.deepEqual(unguarded.callerNames, ['who']);
  });

  it('timer and spawn bodies become entry points of their own', async () => {
    const files = await load();
    const lib = files.get('lib.rs')!;
    assert.equal(entry(lib, 'init').kind, 'init');
    assert.equal(entry(lib, 'init::timer@39').kind, 'timer');
    const spawned = entry(lib, 'init::timer@39::spawn@40');
    assert.equal(spawned.kind, 'spawn');
    assert.equal(nodesOf(spawned, 'await')[0]?.commit, 'commit');
    assert.deepEqual(
      files.get('state.rs')!.stateDecls.map((d) => d.root),
      ['STATE', 'PAUSED'],
    );
    const ledger = files.get('ledger.rs')!;
    assert.deepEqual(ledger.entryPoints, []);
    assert.deepEqual(
      ledger.awaits.map((a) => [a.functionName, a.commit]),
      [['transfer', 'commit']],
      'awaits outside entry points are annotated too',
    );
  });
});

describe('Rust frontend: state forms, traps and borrows', () => {
  const source = `use std::cell::{Cell, RefCell};
use std::rc::Rc;
use ic_cdk::update;

thread_local! {
    static LOCKED: Cell<bool> = Cell::new(false);
    static MAP: RefCell<StableBTreeMap<u64, u64, Memory>> = RefCell::new(init_map());
}
static mut TOTAL: u64 = 0;

async fn helper() -> u64 { 1 }

#[update]
async fn run(k: u64, items: Vec<u64>) {
    if LOCKED.get() { ic_cdk::trap("busy"); }
    LOCKED.set(true);
    let n = helper().await;
    LOCKED.with(|l| l.set(false));
    MAP.with_borrow_mut(|m| m.insert(k, n));
    let v = MAP.with_borrow(|m| m.get(&k));
    unsafe { TOTAL += n; }
    let first = items[0];
    assert!(first > 0, "positive");
    let Some(x) = v else { return; };
}

#[update]
async fn borrows(cell: Rc<RefCell<u64>>) {
    let held = cell.borrow_mut();
    helper().await;
    let released = cell.borrow();
    drop(released);
    helper().await;
}

#[update]
async fn checked(k: u64) -> u64 {
    assert!(MAP.with_borrow(|m| m.contains_key(&k)), "missing {}", k);
    ic_cdk::println!("{}", helper().await);
    MAP.with(|m| {
        if m.borrow().is_empty() {
            return 0;
        }
        m.borrow().get(&k).ok_or("none")?;
        1
    })
}
`;

  it('lowers Cell, with_borrow_mut, static mut and traps', async () => {
    const model = await one(source);
    checkInvariants(model);
    const run = entry(model, 'run');
    const trap = nodesOf(run, 'trap');
    assert.deepEqual(
      trap.map((t) => [t.cause, t.always ?? false]),
      [
        ['trap', true],
        ['index', false],
        ['assert', false],
      ],
    );
    assert.deepEqual(trap[2].cond?.locals, ['first']);
    const writes = nodesOf(run, 'write');
    assert.deepEqual(
      writes.map((w) => [w.state.root, w.key ?? null, w.mark ?? null]),
      [
        ['LOCKED', null, 'set'],
        ['LOCKED', null, 'clear'],
        ['MAP', 'k', null],
        ['TOTAL', null, null],
      ],
    );
    // Accesses inside a `with*` closure are reported from the root as written (`MAP.with_borrow_mut(…)`).
    assert.deepEqual(writes[2].range.start, { line: 18, character: 4 });
    const totalRead = nodesOf(run, 'read').find((r) => r.state.root === 'TOTAL')!;
    assert.deepEqual(writes[3].value.reads, [totalRead.id]);
    assert.equal(nodesOf(run, 'read').find((r) => r.state.root === 'MAP')?.key, 'k');
    const letElse = run.body.filter((n): n is BranchNode => n.kind === 'branch').pop()!;
    assert.equal(letElse.arms[1]?.[0]?.kind, 'exit');
    assert.deepEqual(
      model.stateDecls.map((d) => d.root),
      ['LOCKED', 'MAP', 'TOTAL'],
    );
  });

  it('lowers macro arguments as expressions, at their real positions', async () => {
    const model = await one(source);
    checkInvariants(model);
    const checked = entry(model, 'checked');
    const read = nodesOf(checked, 'read')[0];
    assert.deepEqual(read.state, { root: 'MAP' });
    assert.equal(read.key, 'k');
    assert.deepEqual(read.range.start, { line: 37, character: 12 });
    const assertion = nodesOf(checked, 'trap').find((t) => t.cause === 'assert');
    assert.deepEqual(assertion?.cond?.reads, [read.id]);
    const aw = theAwait(model, 'checked');
    assert.deepEqual(aw.range.start, {
      line: 38,
      character: '    ic_cdk::println!("{}", helper().await'.length - 5,
    });
    assert.equal(aw.commit, 'none');
  });

  it('`return` and `?` inside a closure do not leave the method', async () => {
    const model = await one(source);
    const checked = entry(model, 'checked');
    assert.deepEqual(nodesOf(checked, 'exit'), []);
    assert.equal(nodesOf(checked, 'read').filter((r) => r.key === 'k').length, 2);
  });

  it('reports a RefCell borrow alive across an await, not one dropped before it', async () => {
    const model = await one(source);
    const found = nodesOf(entry(model, 'borrows'), 'borrow-across-await');
    assert.equal(found.length, 1);
    assert.equal(found[0].name, 'held');
    assert.equal(found[0].awaitRange.start.line, 29, 'the first helper().await');
  });
});

describe('Rust frontend: crate-wide summaries', () => {
  const files = [
    {
      path: 'src/lib.rs',
      text: `mod a;
mod b;
use candid::Principal;
use ic_cdk::{init, update};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

pub struct State {
    balances: BTreeMap<Principal, u64>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State { balances: BTreeMap::new() });
    static LOCKS: RefCell<BTreeSet<u64>> = RefCell::new(BTreeSet::new());
    static NAMES: RefCell<BTreeMap<u64, String>> = RefCell::new(BTreeMap::new());
}

impl State {
    fn credit(&mut self, who: Principal, amount: u64) {
        *self.balances.entry(who).or_insert(0) += amount;
    }
}

#[update]
fn deposit(p: Principal) {
    STATE.with(|s| s.borrow_mut().credit(p, 5));
}

fn forget(state: &mut State, who: Principal) {
    state.balances.remove(&who);
}

#[update]
async fn go(p: Principal) {
    STATE.with(|s| forget(&mut s.borrow_mut(), p));
    a::outer(p).await;
}

#[init]
fn init() {
    ic_cdk_timers::set_timer_interval(std::time::Duration::from_secs(1), tick);
}

fn tick() {
    ic_cdk::spawn(refresh());
}

async fn refresh() {
    b::inner(Principal::anonymous()).await;
}

struct Lock {
    id: u64,
}

impl Lock {
    fn take(id: u64) -> Option<Lock> {
        LOCKS.with(|l| l.borrow_mut().insert(id));
        Some(Lock { id })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        LOCKS.with(|l| l.borrow_mut().remove(&self.id));
        NAMES.with(|n| n.borrow().get(&self.id).cloned().expect("named"));
    }
}

#[update]
async fn locked(id: u64) {
    let _lock = Lock::take(id).unwrap();
    refresh().await;
}

fn me() -> Principal {
    ic_cdk::api::msg_caller()
}

#[update]
fn whoami() -> Principal {
    let who = me();
    who
}
`,
    },
    {
      path: 'src/a.rs',
      text: 'pub async fn outer(p: candid::Principal) {\n    crate::b::inner(p).await;\n}\n',
    },
    {
      path: 'src/b.rs',
      text: 'pub async fn inner(p: candid::Principal) -> Vec<u8> {\n    let (r,): (Vec<u8>,) = ic_cdk::call(p, "x", ()).await.unwrap();\n    crate::LOCKS.with(|l| l.borrow_mut().clear());\n    r\n}\n',
    },
  ];

  it('commits transitively through two files and applies `&mut State` helpers with keys', async () => {
    const [lib, a] = await analyzeRustCrate('sum', files, { extraCallFunctions: [] });
    assert.ok(lib && a);
    checkInvariants(lib);
    const go = entry(lib, 'go');
    const aw = theAwait(lib, 'go');
    assert.equal(aw.commit, 'commit');
    assert.match(aw.reason, /`outer` \(src\/a\.rs:1\), which calls `ic_cdk::call`/);
    assert.equal(a.awaits[0]?.commit, 'commit');
    // What `inner` does after its own commit point happens after the `.await` in `go`, not before it.
    const kinds = go.body.map((n) => (n.kind === 'write' ? `write:${n.state.root}` : n.kind));
    assert.deepEqual(kinds.slice(kinds.indexOf('await')), ['await', 'write:LOCKS', 'trap']);
    assert.equal(nodesOf(go, 'write').find((w) => w.state.root === 'LOCKS')?.via, 'outer');
    const forget = nodesOf(go, 'write')[0];
    assert.deepEqual(forget && { state: forget.state, key: forget.key, mark: forget.mark, via: forget.via }, {
      state: { root: 'STATE', field: 'balances' },
      key: 'p',
      mark: 'clear',
      via: 'forget',
    });
  });

  it('applies methods of the state type (`impl State`) with field and key', async () => {
    const [lib] = await analyzeRustCrate('sum', files, { extraCallFunctions: [] });
    assert.ok(lib);
    const write = nodesOf(entry(lib, 'deposit'), 'write')[0];
    assert.deepEqual(write && { state: write.state, key: write.key, via: write.via }, {
      state: { root: 'STATE', field: 'balances' },
      key: 'p',
      via: 'State::credit',
    });
  });

  it('a helper returning the caller reads the caller at the call', async () => {
    const [lib] = await analyzeRustCrate('sum', files, { extraCallFunctions: [] });
    assert.ok(lib);
    const whoami = entry(lib, 'whoami');
    assert.deepEqual(whoami.callerNames, ['who']);
    assert.equal(nodesOf(whoami, 'caller').length, 1);
  });

  it('a timer given a function of the file lowers that function; spawn of a call too', async () => {
    const [lib] = await analyzeRustCrate('sum', files, { extraCallFunctions: [] });
    assert.ok(lib);
    const timer = entry(lib, 'init::timer@41');
    assert.equal(timer.kind, 'timer');
    const spawned = entry(lib, 'init::timer@41::spawn@45');
    assert.equal(spawned.kind, 'spawn');
    assert.equal(nodesOf(spawned, 'await')[0]?.commit, 'commit');
    // `refresh`'s await is annotated once, under its own name, though the spawned entry re-lowers it.
    const keys = lib.awaits.map((a) => `${a.range.start.line}:${a.range.start.character}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(lib.awaits.some((a) => a.functionName === 'refresh' && a.commit === 'commit'));
  });

  it('a guard whose Drop may trap says where', async () => {
    const [lib] = await analyzeRustCrate('sum', files, { extraCallFunctions: [] });
    assert.ok(lib);
    const guard = nodesOf(entry(lib, 'locked'), 'guard')[0];
    assert.equal(guard?.typeName, 'Lock');
    assert.equal(guard?.binding, '_lock');
    assert.equal(guard?.key, 'id');
    assert.deepEqual(guard?.lock, { root: 'LOCKS' });
    assert.equal(guard?.dropMayTrap?.cause, 'expect');
    assert.equal(guard?.dropMayTrap?.file, 'src/lib.rs');
    assert.equal(guard?.dropMayTrap?.range.start.line, 65);
  });
});

describe('Rust frontend: robustness and positions', () => {
  it('a file with a syntax error still yields the entry points that parse', async () => {
    const model = await one(`use ic_cdk::update;

#[update]
fn broken( {
    let x = ;
}

#[update]
async fn fine(p: candid::Principal) {
    ic_cdk::call::<(), ()>(p, "m", ()).await.unwrap();
}
`);
    assert.ok(model.parseErrors.length >= 1);
    assert.match(model.parseErrors[0].message, /^Syntax error: (expected|unexpected)/);
    assert.equal(model.parseErrors[0].range.start.line, 3);
    assert.equal(theAwait(model, 'fine').commit, 'commit');
  });

  it('non-ASCII text before an await gives a UTF-16 column', async () => {
    const line = '    let s = "é日😀"; foo().await;';
    const model = await one(`async fn foo() {}\n#[update]\nasync fn f() {\n${line}\n}\n`);
    const aw = theAwait(model, 'f');
    assert.equal(aw.range.start.line, 3);
    assert.equal(aw.range.start.character, line.indexOf('await'));
    assert.equal(aw.range.end.character, line.indexOf('await') + 5);
    assert.notEqual(aw.range.start.character, Buffer.byteLength(line.slice(0, line.indexOf('await'))));
  });
});

describe('Rust frontend: messages that start elsewhere (issue 7 item 10)', () => {
  it('`spawn_migratory` and `spawn_weak` start new messages, like `spawn`', async () => {
    const model = await one(`
#[update]
async fn kick() {
    ic_cdk::futures::spawn_migratory(async { let _: () = ic_cdk::call(C, "a", ()).await.unwrap(); });
    ic_cdk::futures::spawn_weak(async { let _: () = ic_cdk::call(C, "b", ()).await.unwrap(); });
}
`);
    const kick = model.entryPoints.find((e) => e.name === 'kick')!;
    // The spawning method itself has no commit point: each future runs as its own message.
    assert.equal(flat(kick.body).filter((n) => n.kind === 'await').length, 0);
    const spawned = model.entryPoints.filter((e) => e.kind === 'spawn');
    assert.equal(spawned.length, 2);
    for (const s of spawned)
      assert.deepEqual(
        flat(s.body)
          .filter((n) => n.kind === 'await')
          .map((n) => (n as { commit: string }).commit),
        ['commit'],
      );
  });

  it('an attribute macro named in the configuration declares an entry point', async () => {
    const text =
      '#[proposal]\nasync fn vote(id: u64) { let _: () = ic_cdk::call(C, "v", (id,)).await.unwrap(); }\n';
    const [plain] = await analyzeRustCrate('test', [{ path: 'src/lib.rs', text }], {
      extraCallFunctions: [],
    });
    assert.deepEqual(plain.entryPoints, []);
    const [configured] = await analyzeRustCrate('test', [{ path: 'src/lib.rs', text }], {
      extraCallFunctions: [],
      entryAttributes: { proposal: 'update' },
    });
    assert.deepEqual(
      configured.entryPoints.map((e) => [e.name, e.kind]),
      [['vote', 'update']],
    );
  });
});

describe('Rust frontend: select! (issue 7 item 8)', () => {
  it('a `select!` is an await of its branch futures: never `none` for the function or its callers', async () => {
    const model = await one(`
async fn race() -> u64 {
    tokio::select! {
        r = ic_cdk::call::<_, (u64,)>(C, "a", ()) => r.unwrap().0,
        _ = other() => 0,
    }
}
#[update]
async fn go() -> u64 { race().await }
`);
    const kinds = model.awaits.map((a) => [a.functionName, a.commit]);
    assert.deepEqual(kinds, [
      ['race', 'maybe'],
      ['go', 'maybe'],
    ]);
  });
});

describe('Rust keys through struct values', () => {
  const source = (binding: string, arm: string) => `
use candid::Principal;
use std::cell::RefCell;
use std::collections::BTreeMap;
struct Account { owner: Principal, sub: u8 }
enum Event { Deposit { receiver: Account }, Other }
thread_local! { static REWARDS: RefCell<BTreeMap<Principal, u64>> = RefCell::new(BTreeMap::new()); }
fn credit(receiver: Account) { REWARDS.with_borrow_mut(|r| r.insert(receiver.owner, 1)); }
fn apply(event: &Event) {
    match event {
        ${arm} => credit(*receiver),
        Event::Other => {}
    }
}
#[ic_cdk::update]
fn deposit(sub: u8) {
    let caller = ic_cdk::api::msg_caller();
    ${binding} = Account { owner: caller, sub };
    apply(&Event::Deposit { receiver });
}
`;
  const keyOfWrite = async (binding: string, arm: string) =>
    nodesOf(entry(await one(source(binding, arm)), 'deposit'), 'write').find(
      (w) => w.state.root === 'REWARDS',
    )?.key;

  it('an event field built from a struct literal keeps the literal field’s key', async () => {
    assert.equal(await keyOfWrite('let receiver', 'Event::Deposit { receiver }'), 'caller');
  });

  it('a mutable binding or a `mut` pattern field is not followed', async () => {
    assert.notEqual(await keyOfWrite('let mut receiver', 'Event::Deposit { receiver }'), 'caller');
    assert.notEqual(await keyOfWrite('let receiver', 'Event::Deposit { mut receiver }'), 'caller');
  });
});
