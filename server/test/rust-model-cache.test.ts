/**
 * The language server's Rust caches between analyses: a file is lowered again only when its text or a summary
 * it read changed, function facts only when the function did, and the results are those of a fresh analysis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSources, type WorkspaceResult } from '../src/workspace/analyze';
import { RustTreeCache } from '../src/workspace/rust-tree-cache';
import { RustModelCache } from '../src/workspace/rust-model-cache';
import { rustOutline } from '../src/workspace/rust-outline';
import { createRustParser } from '../src/languages/rust/parser-loader';
import { LEDGER_RS } from './helpers/ledger-module';

const lib = `use std::cell::RefCell;
mod ledger;
mod orders;
thread_local! {
    static BALANCE: RefCell<u64> = RefCell::new(0);
}

#[ic_cdk::update]
async fn withdraw(amount: u64) {
    if BALANCE.with(|b| *b.borrow()) >= amount {
        let outcome = ledger::transfer(amount).await;
        ledger::debit(amount);
        let _ = outcome;
    }
}
`;
const orders = `use crate::ledger;

#[ic_cdk::update]
async fn place(amount: u64) {
    let paid = ledger::transfer(amount).await;
    let _ = paid;
}
`;

function crateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-models-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "shop"\n');
  return dir;
}

const shown = (r: WorkspaceResult) => JSON.stringify({ files: r.files, findings: r.findings });
/**
 * A fresh analysis the way the language server makes one, with empty caches: it lowers every function for its
 * file's model (the command line skips those its summary lowering already made, so its ids differ).
 */
const fresh = (sources: { path: string; text: string }[]) =>
  analyzeSources(sources, { rustTrees: new RustTreeCache(), rustModels: new RustModelCache() });

test('an edit re-lowers the edited file and the files that read a summary it changed, as a fresh analysis', async () => {
  const dir = crateDir();
  const texts = new Map([
    [join(dir, 'src', 'lib.rs'), lib],
    [join(dir, 'src', 'ledger.rs'), LEDGER_RS],
    [join(dir, 'src', 'orders.rs'), orders],
  ]);
  const rustTrees = new RustTreeCache();
  const rustModels = new RustModelCache();
  const analyse = async (file: string, text: string) => {
    texts.set(join(dir, 'src', file), text);
    const sources = [...texts].map(([path, t]) => ({ path, text: t }));
    const before = { ...rustModels.stats };
    const kept = await analyzeSources(sources, { rustTrees, rustModels });
    assert.equal(shown(kept), shown(await fresh(sources)), `after editing ${file}`);
    return {
      models: rustModels.stats.modelsMade - before.modelsMade,
      facts: rustModels.stats.factsMade - before.factsMade,
    };
  };
  assert.deepEqual(await analyse('lib.rs', lib), { models: 3, facts: 4 });
  // A renamed local in a body: only that file and that function (the callee whose summary it reads is settled
  // where it is first read, and its kept facts are reused there).
  assert.deepEqual(await analyse('orders.rs', orders.replace(/paid/g, 'settled')), { models: 1, facts: 1 });
  // `debit` now writes more state: `withdraw`, which calls it, is lowered again; `place` is not.
  const debitMore = LEDGER_RS.replace('-= amount);', '-= amount); BALANCE.with(|b| *b.borrow_mut() += 1);');
  assert.deepEqual(await analyse('ledger.rs', debitMore), { models: 2, facts: 2 });
  // A new line moves what follows it (a callee's line is in its callers' reasons): everything is lowered again,
  // as after a new function, which changes the crate index.
  assert.deepEqual(await analyse('ledger.rs', debitMore.replace('\n    reply.map', '\n\n    reply.map')), {
    models: 3,
    facts: 4,
  });
  const credit = `${debitMore}\npub fn credit(amount: u64) {\n    BALANCE.with(|b| *b.borrow_mut() += amount);\n}\n`;
  assert.deepEqual(await analyse('ledger.rs', credit), { models: 3, facts: 5 });
});

test('the outline hides the bodies that declare nothing, and only those', async () => {
  const parser = await createRustParser();
  const outline = (text: string) => rustOutline(parser.parse(text)!, text, new Set(['my_items']));
  const base = 'fn a(x: u64) -> u64 {\n    let y = x + 1;\n    y\n}\n\nfn b() {}\n';
  assert.equal(outline(base.replace('let y = x + 1', 'let y = x + 2')), outline(base));
  assert.equal(outline(base.replace('let y', 'let {y')), outline(base), 'a syntax error inside the body');
  // What the crate index reads inside a body: items, state roots, macros that make items, their names.
  for (const inside of [
    'fn inner() {}',
    'use std::mem;',
    'thread_local! { static S: u64 = 0; }',
    'my_items!(Foo);',
    'struct S;',
  ])
    assert.notEqual(
      outline(base.replace('let y = x + 1;', `let y = x + 1;\n    ${inside}`)),
      outline(base.replace('let y = x + 1;', `let y = x + 2;\n    ${inside}`)),
      inside,
    );
  assert.notEqual(
    outline(base.replace('format', '')),
    outline(base.replace('y\n}', 'format!("{Foo}"); y\n}')),
  );
  // A body that ends elsewhere moves what follows it.
  assert.notEqual(outline(base.replace('    y\n}', '    y }')), outline(base));
});

test('the crate index is kept while only bodies change, and what it says of edited files is theirs now', async () => {
  const dir = crateDir();
  // `withdraw` calls `settle` in its own file: an edit of `settle` lowers `withdraw` again with the kept index.
  const libWithHelper = lib
    .replace(
      '#[ic_cdk::update]\nasync fn withdraw',
      'fn settle(amount: u64) {\n    ledger::debit(amount);\n}\n\n#[ic_cdk::update]\nasync fn withdraw',
    )
    .replace(
      '        ledger::debit(amount);\n        let _ = outcome;',
      '        settle(amount);\n        let _ = outcome;',
    );
  const texts = new Map([
    [join(dir, 'src', 'lib.rs'), libWithHelper],
    [join(dir, 'src', 'ledger.rs'), LEDGER_RS],
    [join(dir, 'src', 'orders.rs'), orders],
  ]);
  const rustTrees = new RustTreeCache();
  const rustModels = new RustModelCache();
  const analyse = async (file: string, edit: (t: string) => string) => {
    const path = join(dir, 'src', file);
    texts.set(path, edit(texts.get(path)!));
    const sources = [...texts].map(([p, t]) => ({ path: p, text: t }));
    const kept = await analyzeSources(sources, { rustTrees, rustModels });
    assert.equal(shown(kept), shown(await fresh(sources)), `after editing ${file}`);
    return kept;
  };
  await analyse('lib.rs', (t) => t);
  const distinct = new Set<string>();
  // Edits in one file, then another, then the first again: each file's functions move to its newest tree.
  for (const [file, edit] of [
    [
      'lib.rs',
      (t: string) => t.replace('    ledger::debit(amount);\n}', '    ledger::debit(amount + 1);\n}'),
    ],
    ['ledger.rs', (t: string) => t.replace('let reply', 'let replied').replace('reply.map', 'replied.map')],
    ['lib.rs', (t: string) => t.replace('ledger::debit(amount + 1);\n}', 'let _ = amount;\n}')], // no write any more
    ['orders.rs', (t: string) => t.replace('let paid', 'let paidx')],
    ['lib.rs', (t: string) => t.replace('let _ = amount;\n}', 'ledger::debit(amount);\n}')],
  ] as const) {
    const r = await analyse(file, edit);
    distinct.add(JSON.stringify(r.findings));
  }
  assert.ok(distinct.size >= 2, `only ${distinct.size} different results`);
  assert.equal(rustModels.stats.indexesReused, 5, 'every edit kept the index');
  // A new function changes the outline: the index is built again, and kept from then on.
  await analyse('ledger.rs', (t) => `${t}\npub fn credit(amount: u64) {\n    let _ = amount;\n}\n`);
  assert.equal(rustModels.stats.indexesReused, 5);
  await analyse('ledger.rs', (t) => t.replace('let _ = amount;\n}\n', 'let _ = amount + 1;\n}\n'));
  assert.equal(rustModels.stats.indexesReused, 6);
});

test('the outline kept across a keystroke is the outline made afresh, wherever the keystroke is', async () => {
  const parser = await createRustParser();
  const macros = new Set(['my_items']);
  const base = `use std::cell::RefCell;
thread_local! { static S: RefCell<u64> = RefCell::new(0); }

fn plain(x: u64) -> u64 {
    let y = x + 1;
    println!("{}", y);
    y
}

fn nested() {
    fn inner() {}
    inner();
}

impl T {
    pub async fn method(&self) -> u64 { S.with(|s| *s.borrow()) }
}

fn makes() { my_items!(Foo); }
`;
  let checked = 0;
  for (const typed of ['x', ' ', '\n', '{', '}', ';', 'fn f() {}', 'thread_local!{}']) {
    for (let at = 0; at <= base.length; at += 2) {
      const cache = new RustModelCache();
      const before = parser.parse(base)!;
      cache.outlineOf('/a.rs', base, before, macros);
      const text = base.slice(0, at) + typed + base.slice(at);
      const tree = parser.parse(text)!;
      assert.equal(
        cache.outlineOf('/a.rs', text, tree, macros),
        rustOutline(tree, text, macros),
        `${typed} at ${at}`,
      );
      before.delete();
      tree.delete();
      checked++;
    }
  }
  assert.ok(checked > 500);
});
