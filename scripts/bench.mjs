// `npm run bench`: speed and memory figures, each against a baseline measured in the same run.
//  1. Motoko: our parser vs the official parser (scripts/bench-motoko.mjs).
//  2. Rust: the whole pipeline (tree-sitter parse, crate index, lowering, analysis, rules) vs tree-sitter's
//     parse alone, on a generated crate.
//  3. Rust re-analysis of a 200-file crate after a one-file edit, with the language server's parse-tree cache
//     against parsing every file again.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'out', 'server', 'package.json'));
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'server'],
  {
    stdio: 'inherit',
    cwd: root,
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

console.log('== Motoko parser ==');
const mo = spawnSync(process.execPath, ['--expose-gc', join(root, 'scripts', 'bench-motoko.mjs')], {
  stdio: 'inherit',
  cwd: root,
});
if (mo.status !== 0) process.exit(mo.status ?? 1);

console.log('\n== Rust pipeline ==');
const { analyzeSources } = require(join(root, 'out', 'server', 'src', 'workspace', 'analyze.js'));
const { createRustParser } = require(
  join(root, 'out', 'server', 'src', 'languages', 'rust', 'parser-loader.js'),
);

function generateCrate(fns) {
  const parts = [
    'use std::cell::RefCell;\nuse ic_cdk::call::Call;\nuse candid::Principal;\n',
    'thread_local! {\n    static BALANCES: RefCell<std::collections::BTreeMap<Principal, u64>> = RefCell::default();\n}\n',
    'async fn transfer(to: Principal, amount: u64) -> Result<(), String> {\n    Call::bounded_wait(to, "transfer").with_arg(amount).await.map_err(|e| format!("{e:?}"))?;\n    Ok(())\n}\n',
  ];
  for (let i = 0; i < fns; i++) {
    parts.push(`#[ic_cdk::update]
async fn withdraw_${i}(amount: u64) -> Result<(), String> {
    let caller = ic_cdk::api::msg_caller();
    let balance = BALANCES.with(|b| b.borrow().get(&caller).copied().unwrap_or(0));
    if balance < amount {
        return Err("insufficient funds".to_string());
    }
    BALANCES.with(|b| b.borrow_mut().insert(caller, balance - amount));
    match transfer(caller, amount).await {
        Ok(()) => Ok(()),
        Err(e) => {
            BALANCES.with(|b| *b.borrow_mut().entry(caller).or_insert(0) += amount);
            Err(e)
        }
    }
}
`);
  }
  return parts.join('\n');
}

const parser = await createRustParser();
const time = async (fn, runs = 5) => {
  await fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(runs / 2)];
};
for (const entries of [50, 400]) {
  const text = generateCrate(entries);
  const lines = text.split('\n').length;
  const files = [{ path: '/bench/src/lib.rs', text }];
  const parseOnly = await time(() => parser.parse(text).delete());
  const heapBefore = process.memoryUsage().heapUsed;
  const full = await time(() => analyzeSources(files, {}));
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    `generated crate: ${lines} lines, ${entries} entry points sharing one map (every pair interleaves)`,
  );
  console.log(`  tree-sitter parse alone (baseline): ${parseOnly.toFixed(1)} ms`);
  console.log(`  full pipeline (parse, index, lower, analyse, rules): ${full.toFixed(1)} ms`);
  console.log(
    `  ratio full / parse: ${(full / parseOnly).toFixed(1)}x; ${((lines / full) * 1000).toFixed(0)} lines/s`,
  );
  console.log(`  heap growth over the runs: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MB`);
}

console.log('\n== Rust re-analysis after a one-file edit (the language server keeps parse trees) ==');
const { RustTreeCache } = require(join(root, 'out', 'server', 'src', 'workspace', 'rust-tree-cache.js'));

/** A crate of `count` files, each with its own state, a helper and an entry point that awaits. */
function generateFiles(count) {
  const files = [{ path: '/bench-crate/src/lib.rs', text: '' }];
  for (let i = 0; i < count; i++) {
    files[0].text += `mod m${i};\n`;
    files.push({
      path: `/bench-crate/src/m${i}.rs`,
      text: `use std::cell::RefCell;
use ic_cdk::call::Call;
use candid::Principal;

thread_local! {
    static BALANCE_${i}: RefCell<u64> = RefCell::new(0);
}

fn fee_${i}(amount: u64) -> u64 {
    let mut fee = 0;
    for step in 0..amount.min(10) {
        fee += step * ${i % 7};
    }
    fee
}

#[ic_cdk::update]
async fn withdraw_${i}(amount: u64) -> Result<(), String> {
    let balance = BALANCE_${i}.with(|b| *b.borrow());
    if balance < amount + fee_${i}(amount) {
        return Err("insufficient funds".to_string());
    }
    let _ = Call::bounded_wait(Principal::anonymous(), "transfer").with_arg(amount).await;
    BALANCE_${i}.with(|b| *b.borrow_mut() -= amount);
    Ok(())
}
`,
    });
  }
  return files;
}

{
  const files = generateFiles(200);
  const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
  const cache = new RustTreeCache();
  await analyzeSources(files, { rustTrees: cache });
  let edits = 0;
  // Each run edits one file (a new comment line), as a keystroke would.
  const edited = () => {
    const copy = files.slice();
    copy[1] = { ...copy[1], text: `// edit ${++edits}\n${copy[1].text}` };
    return copy;
  };
  // The parsing itself, which is what the cache changes.
  const parseAll = await time(() => edited().forEach((f) => parser.parse(f.text).delete()), 5);
  const parseCached = await time(
    () => edited().forEach((f) => cache.parse('/bench-crate', f.path, f.text)),
    5,
  );
  // The whole re-analysis, cached and uncached runs alternating so that load and warm-up hit both alike.
  const cold = [];
  const warm = [];
  for (let i = 0; i < 5; i++) {
    for (const [list, options] of [
      [cold, {}],
      [warm, { rustTrees: cache }],
    ]) {
      const t0 = performance.now();
      await analyzeSources(edited(), options);
      list.push(performance.now() - t0);
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `generated crate: ${files.length} files, ${lines} lines, one entry point and one state root per file`,
  );
  console.log(`  parsing every file (baseline): ${parseAll.toFixed(1)} ms`);
  console.log(`  parsing with the cache (the edited file, incrementally): ${parseCached.toFixed(1)} ms`);
  console.log(`  whole re-analysis, every file parsed (baseline): ${median(cold).toFixed(1)} ms`);
  console.log(`  whole re-analysis with the cache (the language server now): ${median(warm).toFixed(1)} ms`);
  console.log(`  ratio cached / uncached: ${(median(warm) / median(cold)).toFixed(2)}x`);
}
