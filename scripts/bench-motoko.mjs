// Benchmark: our Motoko parser against the official one (npm `motoko`) on the core and base libraries plus a
// generated 5,000-line actor. Run after `npx tsc -b server`:  node scripts/bench-motoko.mjs
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { parseMotoko } = require(join(root, 'out/server/src/languages/motoko/parser.js'));
const { libraryFiles, generateLargeFile } = require(join(root, 'out/server/test/helpers/motoko-corpus.js'));

const before = new Set(process.listeners('uncaughtException'));
const mo = require('motoko');
for (const l of process.listeners('uncaughtException'))
  if (!before.has(l)) process.removeListener('uncaughtException', l);

const big = generateLargeFile(5000);
const files = [...libraryFiles(root), { name: 'generated/big.mo', text: big }];
const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Warm up our parser (JIT) before measuring.
for (let i = 0; i < 3; i++) for (const f of files) parseMotoko(f.text);

const oursRuns = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  let errors = 0;
  for (const f of files) errors += parseMotoko(f.text).errors.length;
  oursRuns.push(performance.now() - t0);
  if (errors !== 0) console.log(`warning: our parser reported ${errors} errors`);
}
const ours = median(oursRuns);

mo.parseMotoko('actor {}'); // warm-up
const t0 = performance.now();
for (const f of files) mo.parseMotoko(f.text);
const official = performance.now() - t0;

const bigRuns = [];
for (let r = 0; r < 15; r++) {
  const t = performance.now();
  parseMotoko(big);
  bigRuns.push(performance.now() - t);
}
const bigLines = big.split('\n').length;

console.log(`files: ${files.length} (${lines} lines)`);
console.log(`ours total (median of ${oursRuns.length}): ${ours.toFixed(1)} ms`);
console.log(`official total (one run): ${official.toFixed(1)} ms`);
console.log(`ratio official/ours: ${(official / ours).toFixed(1)}x (required >= 50x)`);
console.log(
  `ours on ${bigLines}-line file (median of ${bigRuns.length}): ${median(bigRuns).toFixed(2)} ms (required < 50 ms)`,
);
