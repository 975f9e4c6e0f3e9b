// Per-file analysis against the raw parse of the same text, for Rust and Motoko files of about 1k, 5k and 20k
// lines of generated canister code. "Analysis" is the whole pipeline of `check` on that one file (parse, index,
// lowering, analysis, rules), in this process, so the ratio is at least 1.
import { rustFile, lineCount } from './generate-rust.mjs';
import { motokoActor } from './generate-motoko.mjs';
import { serverModule } from './paths.mjs';
import { ms, ratio, timeMedian } from './stats.mjs';

const SIZES = [1000, 5000, 20000];

/** Median of `runs` timings, after a warm-up when there are several (the biggest file runs once, warm). */
const timed = (fn, runs) => timeMedian(fn, runs, runs > 1);

export async function perFileSection(figures) {
  const { analyzeSources } = serverModule('workspace/analyze');
  const { createRustParser } = serverModule('languages/rust/parser-loader');
  const { parseMotoko } = serverModule('languages/motoko/parser');
  const parser = await createRustParser();
  const languages = [
    {
      name: 'Rust',
      generate: rustFile,
      path: (n) => `/bench-rust-${n}/src/lib.rs`,
      parse: (text) => parser.parse(text).delete(),
    },
    {
      name: 'Motoko',
      generate: motokoActor,
      path: (n) => `/bench-motoko-${n}/main.mo`,
      parse: (text) => parseMotoko(text),
    },
  ];
  for (const lang of languages) {
    for (const size of SIZES) {
      const text = lang.generate(size);
      const lines = lineCount(text);
      const runs = size >= 20000 ? 1 : size >= 5000 ? 3 : 5;
      const parse = await timed(() => lang.parse(text), 7);
      let findings = 0;
      const analysis = await timed(async () => {
        findings = (await analyzeSources([{ path: lang.path(size), text }], {})).findings.length;
      }, runs);
      figures.add({
        figure: `${lang.name} ${lines.toLocaleString('en-US')}-line file: analysis (${findings} findings)`,
        value: ms(analysis),
        baseline: `raw parse ${ms(parse)}`,
        ratio: ratio(analysis, parse),
        target: '≤ 2× parse',
        met: analysis <= 2 * parse,
      });
    }
  }
}
