/**
 * The language server's Rust parse-tree cache: an edit re-parses only the edited file (incrementally, from its
 * previous tree), with the same results as parsing it afresh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSources } from '../src/workspace/analyze';
import { readFileSync } from 'node:fs';
import type { Node as SyntaxNode, Tree } from 'web-tree-sitter';
import { createRustParser } from '../src/languages/rust/parser-loader';
import { RustTreeCache } from '../src/workspace/rust-tree-cache';
import { caseFiles } from './helpers/annotations';
import { fixturesDir } from './helpers/paths';
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
  assert.deepEqual(cache.stats, { parsed: 3, reparsed: 0, reused: 0 });

  // `a.rs` gets two lines at the top: its finding moves, the other files are reused as they are.
  const v2 = [v1[0], src('a.rs', moduleRs('a', 2)), v1[2]];
  const second = await analyzeSources(v2, { rustTrees: cache });
  assert.deepEqual(cache.stats, { parsed: 3, reparsed: 1, reused: 2 });
  assert.deepEqual(summary(second), summary(await analyzeSources(v2)));
  assert.notDeepEqual(summary(second), summary(first));

  // A file that leaves the crate leaves the cache (its tree is freed).
  await analyzeSources([v2[0], v2[1]], { rustTrees: cache });
  assert.equal(cache.size, 2);
});

/** Every node's type and extent, in document order (an explicit stack: fixtures are small, but still). */
function shape(tree: Tree): string[] {
  const out: string[] = [];
  const stack: SyntaxNode[] = [tree.rootNode];
  for (let n = stack.pop(); n; n = stack.pop()) {
    out.push(`${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}`);
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

test('an incremental re-parse gives the tree a fresh parse gives, over random edits with non-ASCII text', async () => {
  const files = caseFiles(fixturesDir)
    .filter((f) => f.endsWith('.rs'))
    .slice(0, 12);
  assert.ok(files.length >= 5);
  const fresh = await createRustParser();
  const cache = new RustTreeCache();
  await cache.ready();
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const inserts = [
    'x',
    ' ',
    '\n',
    '{',
    '}',
    '(',
    'é',
    '😀',
    'let a = 1;',
    '.await',
    '"',
    '//',
    'fn f() {}\n',
  ];
  try {
    for (const path of files) {
      let text = readFileSync(path, 'utf8');
      cache.parse('crate', path, text);
      for (let i = 0; i < 15; i++) {
        const at = random(text.length + 1);
        const cut = random(4) === 0 ? random(20) : 0;
        text =
          text.slice(0, at) + inserts[random(inserts.length)] + text.slice(Math.min(text.length, at + cut));
        const incremental = cache.parse('crate', path, text)!;
        const expected = fresh.parse(text)!;
        assert.deepEqual(shape(incremental), shape(expected), `${path} after edit ${i + 1}`);
        expected.delete();
      }
    }
    assert.equal(cache.stats.reparsed, files.length * 15);
  } finally {
    fresh.delete();
    cache.retain('crate', []);
  }
});
