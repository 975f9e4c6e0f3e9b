/**
 * A function that is no entry point is lowered for its file's model only when that can add to the model
 * (`file-lowering.ts`): its summary lowering made the rest (nothing, or its await annotations when it starts no
 * entry point). What the model shows must not depend on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRustCrate } from '../src/languages/rust';
import type { FnInfo } from '../src/languages/rust/crate-index';
import { mayAddToFileModel, maySpawn } from '../src/languages/rust/file-lowering';
import { analyzeSources } from '../src/workspace/analyze';
import { RustTreeCache } from '../src/workspace/rust-tree-cache';
import { RustModelCache } from '../src/workspace/rust-model-cache';
import { modelJson } from './helpers/same-lowering';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Enough of `FnInfo` for `mayAddToFileModel`: the function's text and its file's imports. */
function fnWith(text: string, aliases: Record<string, string> = {}): FnInfo {
  return {
    node: { text },
    file: { uses: { aliases: new Map(Object.entries(aliases)), globs: [] } },
  } as unknown as FnInfo;
}

test('a function may add to its file model when it awaits, joins, selects, spawns or sets a timer', () => {
  assert.equal(mayAddToFileModel(fnWith('fn total(a: u64, b: u64) -> u64 { a + b }')), false);
  for (const text of [
    'async fn f() { g().await; }',
    'async fn f() { futures::join!(a(), b()); }',
    'async fn f() { tokio::select! { _ = a() => {} } }',
    'fn f() { ic_cdk::futures::spawn(async {}); }',
    'fn f() { ic_cdk_timers::set_timer(D, || {}); }',
  ])
    assert.equal(mayAddToFileModel(fnWith(text)), true, text);
  // `go` is `spawn` under another name: its text does not say so, the file's imports do.
  assert.equal(mayAddToFileModel(fnWith('fn f() { go(async {}); }', { go: 'ic_cdk::spawn' })), true);
  assert.equal(mayAddToFileModel(fnWith('fn f() { go(); }', { go: 'my_crate::go' })), false);
});

test('a helper left to its summary keeps its nesting notice, and the awaits of the functions around it', async () => {
  const depth = 250; // past the lowering's depth limit
  const text = `use ic_cdk::call::Call;

fn deep() -> u64 {
    let a = ${'{ '.repeat(depth)}1${' }'.repeat(depth)};
    a
}

fn plain(x: u64) -> u64 {
    x + 1
}

async fn ping() {
    let _ = Call::bounded_wait(candid::Principal::anonymous(), "ping").await;
}

#[ic_cdk::update]
async fn run() -> u64 {
    ping().await;
    plain(deep())
}
`;
  const [model] = await analyzeRustCrate('t', [{ path: 'src/lib.rs', text }], { extraCallFunctions: [] });
  assert.ok(model);
  assert.deepEqual(
    (model.notices ?? []).map((n) => n.range.start.line),
    [3],
    JSON.stringify(model.notices),
  );
  assert.deepEqual(
    model.awaits.map((a) => [a.functionName, a.range.start.line, a.commit]),
    [
      ['ping', 12, 'commit'],
      ['run', 17, 'commit'],
    ],
  );
  assert.deepEqual(
    model.entryPoints.map((e) => e.name),
    ['run'],
  );
});

test('only a function that spawns or sets a timer may start an entry point', () => {
  assert.equal(maySpawn(fnWith('async fn f() { g().await; }')), false);
  assert.equal(maySpawn(fnWith('fn f() { ic_cdk::futures::spawn(async {}); }')), true);
  assert.equal(maySpawn(fnWith('fn f() { go(async {}); }', { go: 'ic_cdk::spawn' })), true);
});

const lib = `use std::cell::RefCell;
use ic_cdk::call::Call;
use candid::Principal;
mod helpers;

thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
    static PENDING: RefCell<u64> = RefCell::new(0);
}

#[ic_cdk::update]
async fn withdraw(amount: u64) {
    if helpers::balance() >= amount {
        helpers::pay(amount).await;
        helpers::race().await;
        BALANCE.with(|b| *b.borrow_mut() -= amount);
    }
}

#[ic_cdk::update]
async fn settle() {
    helpers::settle_later();
    let _ = Call::bounded_wait(Principal::anonymous(), "ping").await;
}
`;

const helpers = `use ic_cdk::call::Call;
use candid::Principal;

pub fn balance() -> u64 {
    crate::BALANCE.with(|b| *b.borrow())
}

/// Awaits, starts nothing: its annotations come from its summary lowering.
pub async fn pay(amount: u64) {
    let _ = Call::unbounded_wait(Principal::anonymous(), "transfer").with_arg(amount).await;
    crate::PENDING.with(|p| *p.borrow_mut() += 1);
}

/// Races two calls: the select's annotation comes from its summary lowering too.
pub async fn race() {
    tokio::select! {
        _ = pay(1) => {}
        _ = pay(2) => {}
    }
}

/// Starts an entry point of its own: only its file lowering makes it.
pub fn settle_later() {
    ic_cdk::futures::spawn(async {
        let _ = Call::bounded_wait(Principal::anonymous(), "settle").await;
        crate::PENDING.with(|p| *p.borrow_mut() = 0);
    });
}

/// Read by nothing, awaits: lowered for its file only.
pub async fn unused() {
    let _ = Call::bounded_wait(Principal::anonymous(), "unused").await;
}
`;

test('the command line’s models equal those of lowering every function for its file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-file-lowering-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "shop"\n');
  const sources = [
    { path: join(dir, 'src', 'lib.rs'), text: lib },
    { path: join(dir, 'src', 'helpers.rs'), text: helpers },
  ];
  const cli = await analyzeSources(sources);
  const everyFunction = await analyzeSources(sources, {
    rustTrees: new RustTreeCache(),
    rustModels: new RustModelCache(),
  });
  assert.equal(modelJson(cli.files), modelJson(everyFunction.files));
  assert.deepEqual(cli.findings, everyFunction.findings);
  // What the shortcuts must keep: the helper's annotations and the entry point it spawns.
  const helperModel = cli.files.find((f) => f.file.endsWith('helpers.rs'))!;
  assert.deepEqual(
    helperModel.awaits.map((a) => [a.functionName, a.commit]),
    [
      ['pay', 'commit'],
      ['race', 'commit'],
      ['settle_later::spawn@24', 'commit'],
      ['unused', 'commit'],
    ],
  );
  assert.deepEqual(
    helperModel.entryPoints.map((e) => [e.name, e.kind]),
    [['settle_later::spawn@24', 'spawn']],
  );
});
