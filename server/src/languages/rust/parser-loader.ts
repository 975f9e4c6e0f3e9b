/**
 * Loads web-tree-sitter and the Rust grammar once per process. Both `.wasm` files are looked up next to the
 * running script first (the esbuild bundle copies them into dist/), then in node_modules (tests, tsc output).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

/** `packageEntry` is a file the package exports; the wasm sits in the same folder. */
function locateWasm(name: string, packageEntry: string): string {
  const beside = path.join(__dirname, name);
  if (fs.existsSync(beside)) return beside;
  return path.join(path.dirname(require.resolve(packageEntry)), name);
}

let loading: Promise<Language> | undefined;

function loadRust(): Promise<Language> {
  if (!loading) {
    loading = (async () => {
      const runtime = locateWasm('tree-sitter.wasm', 'web-tree-sitter');
      await Parser.init({ locateFile: () => runtime });
      return Language.load(locateWasm('tree-sitter-rust.wasm', 'tree-sitter-rust/package.json'));
    })();
    // A failed load (a missing wasm) is not cached: the next analysis tries again.
    loading.catch(() => (loading = undefined));
  }
  return loading;
}

/** A fresh parser for Rust (parsers are cheap; the runtime and grammar are shared). */
export async function createRustParser(): Promise<Parser> {
  const language = await loadRust();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
