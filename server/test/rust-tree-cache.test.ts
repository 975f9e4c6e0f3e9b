/** The language server's Rust parse-tree cache: an edit re-parses only the edited file, with the same results. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSources } from '../src/workspace/analyze';
import { RustTreeCache } from '../src/workspace/rust-tree-cache';
import type { SourceFile } from '../src/model/source';

const lib = `use std::cell::RefCell;
use ic_cdk::call::Call;
mod a;
mod b;

thread_local! {
    pub static BALANCE: RefCell<u64> = RefCell::new(0);
}
`;
const moduleRs = (name: string, extraLines = 0) => `use crate::BALANCE;
use ic_cdk::call::Call;
${'\n'.repeat(extraLines)}
#[ic_cdk::update]
async fn withdraw_${name}(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let _ = Call::bounded_wait(candid::Principal::anonymous(), "transfer").with_arg(amount).await;
        BALANCE.with(|b| *b.borrow_mut() -= amount);
    }
}
`;

function crate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-trees-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "w"\n');
  return dir;
}

const summary = (r: Awaited<ReturnType<typeof analyzeSources>>) =>
  r.findings.map((f) => `${f.file}:${f.range.start.line}:${f.rule}`).sort();

test('an edit re-parses only the edited file and gives the same findings as a fresh analysis', async () => {
  const dir = crate();
  const src = (name: string, text: string): SourceFile => ({ path: join(dir, 'src', name), text });
  const v1 = [src('lib.rs', lib), src('a.rs', moduleRs('a')), src('b.rs', moduleRs('b'))];
  const cache = new RustTreeCache();

  const first = await analyzeSources(v1, { rustTrees: cache });
  assert.deepEqual(cache.stats, { parsed: 3, reused: 0 });

  // `a.rs` gets two lines at the top: its finding moves, the other files are reused as they are.
  const v2 = [v1[0], src('a.rs', moduleRs('a', 2)), v1[2]];
  const second = await analyzeSources(v2, { rustTrees: cache });
  assert.deepEqual(cache.stats, { parsed: 4, reused: 2 });
  assert.deepEqual(summary(second), summary(await analyzeSources(v2)));
  assert.notDeepEqual(summary(second), summary(first));

  // A file that leaves the crate leaves the cache (its tree is freed).
  await analyzeSources([v2[0], v2[1]], { rustTrees: cache });
  assert.equal(cache.size, 2);
});
