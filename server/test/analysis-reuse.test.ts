/**
 * The language server keeps entry points' analyses and findings between keystrokes (workspace/analysis-reuse.ts):
 * after each edit the result must be a fresh analysis's, in particular for an unchanged entry point whose
 * interleaver changed (its kept findings are stale then).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSources, type WorkspaceOptions, type WorkspaceResult } from '../src/workspace/analyze';
import { AnalysisReuse } from '../src/workspace/analysis-reuse';
import { RustModelCache } from '../src/workspace/rust-model-cache';
import { RustTreeCache } from '../src/workspace/rust-tree-cache';
import { defaultConfig } from '../src/config/project-config';
import { SameIr } from '../src/model/same-ir';
import type { EntryPointIR, FileModel } from '../src/model/ir';

const libRs = `use std::cell::RefCell;
mod admin;
thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
    static LOG: RefCell<Vec<u64>> = RefCell::new(Vec::new());
}

#[ic_cdk::update]
async fn withdraw(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let _ = ic_cdk::call::Call::bounded_wait(candid::Principal::anonymous(), "transfer").with_arg(amount).await;
        BALANCE.with(|b| *b.borrow_mut() -= amount);
    }
}

#[ic_cdk::update]
async fn audit() {
    LOG.with(|l| l.borrow_mut().push(0));
    let _ = ic_cdk::call::Call::bounded_wait(candid::Principal::anonymous(), "audit").await;
    LOG.with(|l| l.borrow_mut().pop());
}
`;

// `withdraw` checks `BALANCE`, and its finding names the first interleaver that writes it: `reset` while it does.
const adminRs = `use crate::{BALANCE, LOG};

#[ic_cdk::update]
fn reset(amount: u64) {
    BALANCE.with(|b| *b.borrow_mut() = amount);
}

#[ic_cdk::query]
fn log_size() -> usize {
    LOG.with(|l| l.borrow().len())
}
`;

function crateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-reuse-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "shop"\n');
  return dir;
}

const shown = (r: WorkspaceResult) => JSON.stringify({ files: r.files, findings: r.findings });

/** Analyses the texts as the server does (all caches) and as a fresh analysis, and checks they agree. */
function editor(dir: string) {
  const texts = new Map<string, string>();
  const analysisReuse = new AnalysisReuse();
  const kept: WorkspaceOptions = {
    rustTrees: new RustTreeCache(),
    rustModels: new RustModelCache(),
    analysisReuse,
  };
  return {
    analysisReuse,
    async analyse(file: string, text: string, options: WorkspaceOptions = {}): Promise<WorkspaceResult> {
      texts.set(join(dir, 'src', file), text);
      const sources = [...texts].map(([path, t]) => ({ path, text: t }));
      const result = await analyzeSources(sources, { ...kept, ...options });
      assert.equal(shown(result), shown(await analyzeSources(sources, options)), `after editing ${file}`);
      return result;
    },
  };
}

test('an unchanged entry point whose interleaver changes gets the findings of a fresh analysis', async () => {
  const dir = crateDir();
  const e = editor(dir);
  await e.analyse('lib.rs', libRs);
  const first = await e.analyse('admin.rs', adminRs);
  const withdraw = (r: WorkspaceResult) => r.findings.filter((f) => f.entryPoint === 'withdraw');
  const naming = (r: WorkspaceResult) => withdraw(r).flatMap((f) => f.related.map((x) => x.message));
  assert.ok(
    naming(first).some((m) => m.includes('`reset`')),
    'the finding names `reset` as the interleaver',
  );
  const reused = { ...e.analysisReuse.entries.stats };
  // The write in \`reset\` moves right: \`withdraw\` is not analysed again, its finding's note on \`reset\` moves.
  const moved = await e.analyse('admin.rs', adminRs.replace('    BALANCE', '      BALANCE'));
  assert.ok(e.analysisReuse.entries.stats.reused > reused.reused, 'entry points were reused');
  assert.notEqual(JSON.stringify(withdraw(moved)), JSON.stringify(withdraw(first)));
  // `reset` only reads: the interleaver that writes is another call of `withdraw` now.
  const readOnly = await e.analyse(
    'admin.rs',
    adminRs.replace('*b.borrow_mut() = amount', 'let _ = *b.borrow() + amount'),
  );
  assert.ok(!naming(readOnly).some((m) => m.includes('`reset`')), 'no note on `reset` any more');
  assert.ok(withdraw(readOnly).length > 0);
  await e.analyse('admin.rs', adminRs);
  assert.ok(e.analysisReuse.findingsFor([]).stats.reused > 0, 'findings were reused');
  // State the project declares irrelevant makes no interleavers: findings kept without it do not hold.
  const config = { ...defaultConfig(dir), ignoreState: ['LOG'] };
  await e.analyse('admin.rs', adminRs, { config });
  await e.analyse('admin.rs', adminRs);
});

/** Several entry points over shared roots, like the benchmark's file: typing anywhere keeps every finding right. */
function unitsRs(n: number): string {
  let out = `use std::cell::RefCell;
use ic_cdk::call::Call;
thread_local! {
    static A: RefCell<u64> = RefCell::new(0);
    static B: RefCell<u64> = RefCell::new(0);
}
`;
  for (let i = 0; i < n; i++) {
    const root = i % 2 ? 'A' : 'B';
    out += `
fn fee_${i}(amount: u64) -> u64 {
    amount / 100
}

#[ic_cdk::update]
async fn withdraw_${i}(amount: u64) -> Result<(), String> {
    let balance = ${root}.with(|b| *b.borrow());
    if balance < amount + fee_${i}(amount) {
        return Err("insufficient".to_string());
    }
    let outcome = Call::bounded_wait(candid::Principal::anonymous(), "transfer").with_arg(amount).await;
    ${root}.with(|b| *b.borrow_mut() -= amount);
    outcome.map(|_| ()).map_err(|e| format!("{e:?}"))
}
`;
  }
  return out;
}

test('typing in one file of entry points over shared state keeps every result a fresh analysis', async () => {
  const dir = crateDir();
  const e = editor(dir);
  let text = unitsRs(4);
  await e.analyse('lib.rs', text);
  const steps: ((t: string) => string)[] = [
    (t) => t.replace('let outcome', 'let outcomex'), // a name no longer used after it
    (t) => t.replace('let outcomex', 'let outcome'),
    (t) => t.replace('amount / 100', 'amount / 1000'), // a helper's body
    (t) => t.replace('B.with(|b| *b.borrow_mut() -= amount);', 'A.with(|b| *b.borrow_mut() -= amount);'),
    (t) => t.replace('.with_arg(amount).await;', '.with_arg(amount);'), // no commit point any more
    (t) => t.replace('let balance', '\nlet balance'), // every line after it moves
    (t) => t.replace('fee_3(amount) {', 'fee_3(amount) + 1 {'),
  ];
  const distinct = new Set<string>();
  for (const step of steps) {
    text = step(text);
    const r = await e.analyse('lib.rs', text);
    distinct.add(JSON.stringify(r.findings));
  }
  assert.ok(distinct.size >= 4, `only ${distinct.size} different results`);
  assert.ok(e.analysisReuse.entries.stats.reused > 0);
});

const actorMo = `import Principal "mo:base/Principal";
import HashMap "mo:base/HashMap";

persistent actor Bank {
  type Ledger = actor { transfer : shared (Principal, Nat) -> async { #ok : Nat; #err : Text } };
  transient let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  transient let balances = HashMap.HashMap<Principal, Nat>(16, Principal.equal, Principal.hash);
  var fees : Nat = 0;

  func balanceOf(who : Principal) : Nat {
    switch (balances.get(who)) { case (?b) { b }; case null { 0 } };
  };

  public shared ({ caller }) func withdraw(amount : Nat) : async () {
    let balance = balanceOf(caller);
    if (balance >= amount) {
      let reply = await ledger.transfer(caller, amount);
      balances.put(caller, balance - amount);
    };
  };

  public shared ({ caller }) func charge(amount : Nat) : async () {
    fees += amount;
    let r = await ledger.transfer(caller, amount);
    fees -= 1;
  };

  public shared ({ caller }) func deposit(amount : Nat) : async () {
    balances.put(caller, balanceOf(caller) + amount);
  };
};
`;

test('a Motoko actor lowered again whole keeps the analyses of the entry points that came out the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-reuse-mo-'));
  const path = join(dir, 'Main.mo');
  const analysisReuse = new AnalysisReuse();
  const kept: WorkspaceOptions = { analysisReuse };
  const analyse = async (text: string) => {
    const sources = [{ path, text }];
    const result = await analyzeSources(sources, kept);
    assert.equal(shown(result), shown(await analyzeSources(sources)));
    return result;
  };
  let text = actorMo;
  await analyse(text);
  const steps: ((t: string) => string)[] = [
    (t) => t.replace('let r = await', 'let rx = await'), // inside `charge` only
    (t) => t.replace('fees -= 1;', 'fees -= 2;'),
    (t) => t.replace('balanceOf(caller) + amount', 'balanceOf(caller) + amount + 0'), // the interleaver of `withdraw`
    (t) => t.replace('balances.put(caller, balanceOf(caller) + amount + 0);', 'ignore balanceOf(caller);'),
    (t) => t.replace('case null { 0 }', 'case null { 1 }'), // a helper `withdraw` and `deposit` inline
  ];
  const distinct = new Set<string>();
  for (const step of steps) {
    text = step(text);
    distinct.add(JSON.stringify((await analyse(text)).findings));
  }
  assert.ok(distinct.size >= 3, `only ${distinct.size} different results`);
  assert.ok(analysisReuse.sameIr.stats.same > 0, 'some entry points came out the same');
  assert.ok(analysisReuse.entries.stats.reused > 0);
});

test("a kept entry point's interleavers and their access groups are this analysis's entry points", async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'cp-reuse-mo-')), 'Main.mo');
  const kept: WorkspaceOptions = { analysisReuse: new AnalysisReuse() };
  const first = await analyzeSources([{ path, text: actorMo }], kept);
  // Only \`charge\` changes: the other entry points are copies of their kept analyses, grouped as before.
  const edited = actorMo.replace('let r = await', 'let rx = await');
  const second = await analyzeSources([{ path, text: edited }], kept);
  const now = new Set(second.analysis.entryPoints);
  let interleavers = 0;
  for (const e of second.analysis.entryPoints)
    for (const cp of e.commitPoints)
      for (const t of cp.touching) {
        interleavers++;
        assert.ok(now.has(t.entry), `${e.ir.name}: interleaver ${t.entry.ir.name} is of this analysis`);
        for (const g of t.groups)
          assert.equal(g.theirs.entry, t.entry, `${e.ir.name}: group of ${t.entry.ir.name}`);
      }
  assert.ok(interleavers > 0);
  assert.ok(first.analysis.entryPoints.every((e) => !now.has(e)));
  assert.equal(shown(second), shown(await analyzeSources([{ path, text: edited }])));
});

test('IR with the same JSON but other shared objects is not the same IR', () => {
  const sameIr = new SameIr();
  const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } };
  const read = (r: typeof range) => ({ kind: 'read', id: 1, state: { root: 'S' }, range: r });
  const entry = (body: unknown[]): EntryPointIR =>
    ({ name: 'f', kind: 'update', nameRange: range, range, params: [], body }) as EntryPointIR;
  const model = (ep: EntryPointIR): FileModel => ({
    file: '/a.mo',
    language: 'motoko',
    canister: '/a.mo',
    parseErrors: [],
    entryPoints: [ep],
    awaits: [],
    stateDecls: [],
  });
  const shared = read({ ...range });
  const first = entry([shared, shared]);
  sameIr.canonical([model(first)]);
  const again = entry([read({ ...range }), read({ ...range })]);
  const twice = read({ ...range });
  const sameShape = entry([twice, twice]);
  assert.equal(sameIr.canonical([model(sameShape)])[0].entryPoints[0], first, 'equal, same sharing');
  assert.notEqual(sameIr.canonical([model(again)])[0].entryPoints[0], first, 'two objects where one was');
});
