/**
 * A function that is no entry point is lowered for its file's model only when that can add to the model
 * (`file-lowering.ts`): its summary lowering made the rest. What the model shows must not depend on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRustCrate } from '../src/languages/rust';
import type { FnInfo } from '../src/languages/rust/crate-index';
import { mayAddToFileModel } from '../src/languages/rust/file-lowering';

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
