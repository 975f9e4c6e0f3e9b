/**
 * `select!` per branch (SPEC §2, issue #7 item 8): a select completes with the first branch whose future
 * completes, so the commit point depends on the branch taken. Before, a select was one unknown await over all
 * its futures (`maybe`, whatever they were), and its handlers were not lowered at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRustCrate } from '../src/languages/rust';
import { selectBranches } from '../src/languages/rust/select-syntax';
import type { FileModel } from '../src/model/ir';

async function lib(text: string): Promise<FileModel> {
  const [m] = await analyzeRustCrate('test', [{ path: 'src/lib.rs', text }], { extraCallFunctions: [] });
  return m;
}

function awaitsOf(m: FileModel, fn: string): { line: number; commit: string; reason: string }[] {
  return m.awaits
    .filter((a) => a.functionName === fn)
    .map((a) => ({ line: a.range.start.line, commit: a.commit, reason: a.reason }));
}

const CALLEES = `
use ic_cdk::call::Call;
use futures::FutureExt;
async fn pay(to: Principal) -> Result<u8, String> { Call::bounded_wait(to, "pay").await.map_err(|e| e.to_string())?; Ok(1) }
async fn local(to: Principal) -> Result<u8, String> { Ok(2) }
`;

test('a select whose every branch calls another canister is a commit point; its callers commit', async () => {
  const m = await lib(`${CALLEES}
async fn race(a: Principal, b: Principal) -> u8 {
    tokio::select! {
        x = pay(a) => { x.unwrap() }
        y = pay(b) => y.unwrap(),
    }
}
#[ic_cdk::update]
async fn entry(a: Principal, b: Principal) -> u8 { race(a, b).await }
`);
  const [select] = awaitsOf(m, 'race');
  assert.equal(select.commit, 'commit');
  assert.equal(select.line, 7);
  assert.match(select.reason, /first of its 2 branches; every branch's future calls another canister/);
  assert.deepEqual(
    awaitsOf(m, 'entry').map((a) => a.commit),
    ['commit'],
  );
});

test('a select whose branches make no call is `none`, not an unknown future', async () => {
  const m = await lib(`${CALLEES}
async fn quiet(a: Principal, b: Principal) -> u8 {
    futures::select! {
        x = local(a).fuse() => x.unwrap(),
        y = local(b).fuse() => y.unwrap(),
    }
}
#[ic_cdk::update]
async fn entry(a: Principal, b: Principal) -> u8 { quiet(a, b).await }
`);
  assert.deepEqual(
    awaitsOf(m, 'quiet').map((a) => a.commit),
    ['none'],
  );
  assert.deepEqual(
    awaitsOf(m, 'entry').map((a) => a.commit),
    ['none'],
  );
});

test('a select with one calling branch and one local branch is `maybe`, and names each branch', async () => {
  const m = await lib(`${CALLEES}
async fn mixed(a: Principal, b: Principal) -> u8 {
    tokio::select! {
        biased;
        Ok(x) = pay(a) => x,
        y = local(b) => y.unwrap(),
    }
}
`);
  const [select] = awaitsOf(m, 'mixed');
  assert.equal(select.commit, 'maybe');
  assert.match(select.reason, /`pay\(a\)` commit, `local\(b\)` none/);
});

test('a handler runs after the select: its own awaits are annotated and decide its path', async () => {
  const m = await lib(`${CALLEES}
async fn settle(a: Principal, b: Principal) -> u8 {
    tokio::select! {
        x = local(a) => { pay(b).await.unwrap() + x.unwrap() }
        y = pay(b) => y.unwrap(),
    }
}
#[ic_cdk::update]
async fn entry(a: Principal, b: Principal) -> u8 { settle(a, b).await }
`);
  assert.deepEqual(
    awaitsOf(m, 'settle').map((a) => [a.line, a.commit]),
    [
      [7, 'maybe'],
      [8, 'commit'],
    ],
  );
  // Every path commits: the local branch in its handler, the other at the select.
  assert.deepEqual(
    awaitsOf(m, 'entry').map((a) => a.commit),
    ['commit'],
  );
});

test('a `default` branch means the select never waits; an `else` after preconditions may not commit', async () => {
  const m = await lib(`${CALLEES}
async fn polled(a: Principal) -> u8 {
    futures::select! {
        x = pay(a).fuse() => x.unwrap(),
        default => 3,
    }
}
async fn guarded(a: Principal, go: bool) -> u8 {
    tokio::select! {
        x = pay(a), if go => x.unwrap(),
        else => 0,
    }
}
async fn unguarded(a: Principal) -> u8 {
    tokio::select! {
        Ok(x) = pay(a) => x,
        else => 0,
    }
}
`);
  assert.deepEqual(
    awaitsOf(m, 'polled').map((a) => a.commit),
    ['maybe'],
  );
  assert.match(awaitsOf(m, 'polled')[0].reason, /`default` none/);
  assert.deepEqual(
    awaitsOf(m, 'guarded').map((a) => a.commit),
    ['maybe'],
  );
  // Without a precondition, `else` runs only after `pay` completed (and its pattern failed): it committed.
  assert.deepEqual(
    awaitsOf(m, 'unguarded').map((a) => a.commit),
    ['commit'],
  );
});

test('a select that does not parse stays one unknown await', async () => {
  const m = await lib(`${CALLEES}
async fn odd(a: Principal) -> u8 {
    tokio::select! { x = => 1 }
}
`);
  const [select] = awaitsOf(m, 'odd');
  assert.equal(select.commit, 'maybe');
  assert.match(select.reason, /not a known inter-canister call API/);
});

test('select branches are split at their top-level `=`, `, if`, `=>` and `,` only', () => {
  const text = `{
    biased;
    Some(v) = rx.recv(), if ready && n >= 1 => { let s = "a => b, c"; s }
    n @ 1..=5 = count(|x| x == 'q') => match n { 1 => 'x', _ => '\\'' },
    // a comment with = and =>
    _ = sleep::<'static>(d) => {}
    else => break,
  }`;
  const branches = selectBranches(text);
  assert.ok(branches);
  const shown = branches.map((b) =>
    b.kind === 'future'
      ? [
          text.slice(b.pattern.start, b.pattern.end),
          text.slice(b.future.start, b.future.end),
          b.cond ? text.slice(b.cond.start, b.cond.end) : undefined,
          text.slice(b.handler.start, b.handler.end),
        ]
      : [b.kind, text.slice(b.handler.start, b.handler.end)],
  );
  assert.deepEqual(shown, [
    ['Some(v)', 'rx.recv()', 'ready && n >= 1', '{ let s = "a => b, c"; s }'],
    ['n @ 1..=5', "count(|x| x == 'q')", undefined, "match n { 1 => 'x', _ => '\\'' }"],
    ['_', "sleep::<'static>(d)", undefined, '{}'],
    ['else', 'break'],
  ]);
  assert.equal(selectBranches('{ x = fut }'), undefined);
  assert.equal(selectBranches('{ x = fut, y => {} }'), undefined);
  assert.equal(selectBranches('{ x = (fut => {} }'), undefined);
});
