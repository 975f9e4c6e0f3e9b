// `npm run bench`: speed and memory figures, each against a baseline measured in the same run, with the targets
// of issue #10 where it sets one. Sections:
//  1. Motoko: our parser vs the official parser (scripts/bench-motoko.mjs).
//  2. Rust: the whole pipeline vs tree-sitter's parse alone, on a crate whose entry points all share one map.
//  3. Rust re-analysis of a 200-file crate after a one-file edit, with the parse-tree cache and without.
//  4. Per-file analysis vs raw parse, Rust and Motoko, 1k / 5k / 20k lines (scripts/bench/per-file.mjs).
//  5. The stress actor: `check`, open, hover and an edit in the language server (scripts/bench/stress.mjs).
//  6. Keystroke → diagnostics through the language server over stdio (scripts/bench/keystrokes.mjs).
//  7. `check` on the development corpus, with `--corpus` and CORPUS_ROOT set (scripts/bench/corpus.mjs).
// `--only 4,6` runs some sections. The figures table at the end is Markdown, for the README.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rustCrate } from './bench/generate-rust.mjs';
import { repoRoot as root, serverModule } from './bench/paths.mjs';
import { Figures, median, ms, ratio, timeMedian } from './bench/stats.mjs';
import { perFileSection } from './bench/per-file.mjs';
import { stressSection } from './bench/stress.mjs';
import { keystrokeSection } from './bench/keystrokes.mjs';
import { corpusSection } from './bench/corpus.mjs';

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',').map(Number)) : undefined;
const wanted = (n) => !only || only.has(n);

for (const [cmd, args] of [
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), ['-b', 'server']],
  [join(root, 'scripts', 'build.mjs'), ['--if-needed']],
]) {
  const r = spawnSync(process.execPath, [cmd, ...args], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function machine() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: os.cpus() has the model
  }
  return `${cpus().length} cores (${model}), Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
}
const startedOn = machine();
console.log(`machine: ${startedOn}`);
const figures = new Figures();
const started = performance.now();

if (wanted(1)) {
  console.log('\n== 1. Motoko parser ==');
  const mo = spawnSync(process.execPath, ['--expose-gc', join(root, 'scripts', 'bench-motoko.mjs')], {
    stdio: 'inherit',
    cwd: root,
  });
  if (mo.status !== 0) process.exit(mo.status ?? 1);
}

const { analyzeSources } = serverModule('workspace/analyze');
const { createRustParser } = serverModule('languages/rust/parser-loader');
const parser = await createRustParser();

/** A crate whose `fns` entry points all check, debit and await on one shared map (every pair interleaves). */
function sharedMapCrate(fns) {
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

if (wanted(2)) {
  console.log('\n== 2. Rust pipeline, entry points sharing one map ==');
  for (const entries of [50, 400]) {
    const text = sharedMapCrate(entries);
    const lines = text.split('\n').length;
    const files = [{ path: '/bench/src/lib.rs', text }];
    const parseOnly = await timeMedian(() => parser.parse(text).delete());
    const full = await timeMedian(() => analyzeSources(files, {}), entries > 100 ? 1 : 3);
    figures.add({
      figure: `Rust crate of ${lines} lines, ${entries} entry points on one map: whole pipeline`,
      value: ms(full),
      baseline: `tree-sitter parse ${ms(parseOnly)}`,
      ratio: ratio(full, parseOnly),
      target: '≤ 2× parse',
      met: full <= 2 * parseOnly,
    });
  }
}

if (wanted(3)) {
  console.log('\n== 3. Rust re-analysis after a one-file edit (the language server keeps parse trees) ==');
  const { RustTreeCache } = serverModule('workspace/rust-tree-cache');
  const files = rustCrate('/bench-crate', 200);
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
  const parseAll = await timeMedian(() => edited().forEach((f) => parser.parse(f.text).delete()), 5);
  const parseCached = await timeMedian(
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
  console.log(
    `generated crate: ${files.length} files, ${lines} lines, one entry point and one state root per file`,
  );
  figures.add({
    figure: '200-file crate, one file edited: parsing with the cache',
    value: ms(parseCached),
    baseline: `parsing every file ${ms(parseAll)}`,
    ratio: ratio(parseCached, parseAll),
  });
  figures.add({
    figure: '200-file crate, one file edited: whole re-analysis with the cache',
    value: ms(median(warm)),
    baseline: `every file parsed ${ms(median(cold))}; parsing every file ${ms(parseAll)}`,
    ratio: ratio(median(warm), parseAll),
  });
}

if (wanted(4)) {
  console.log('\n== 4. Per-file analysis vs raw parse ==');
  await perFileSection(figures);
}
if (wanted(5)) {
  console.log('\n== 5. Stress actor (the cliff of issue #10) ==');
  await stressSection(figures);
}
if (wanted(6)) {
  console.log('\n== 6. Keystroke → diagnostics through the language server over stdio ==');
  await keystrokeSection(figures);
}
if (wanted(7)) {
  console.log('\n== 7. `check` on the development corpus ==');
  await corpusSection(figures, { enabled: process.argv.includes('--corpus') });
}

console.log(`\n== Figures (${ms(performance.now() - started)} in all) ==`);
console.log(`machine at the start: ${startedOn}`);
console.log(`machine at the end:   ${machine()}\n`);
console.log(figures.markdown());
