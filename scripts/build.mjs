// Bundles the extension, the language server, the command line and the webview into dist/ with esbuild,
// and copies the tree-sitter .wasm files they load. `--if-needed` skips the work when dist/ is up to date.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(join(root, 'server', 'package.json'));

const outputs = [
  'extension.js',
  'server.js',
  'cli.js',
  'frontend-worker.js',
  'webview.js',
  'schedule-page.js',
  'tree-sitter.wasm',
  'tree-sitter-rust.wasm',
];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'test') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function upToDate() {
  if (!outputs.every((f) => existsSync(join(dist, f)))) return false;
  const built = Math.min(...outputs.map((f) => statSync(join(dist, f)).mtimeMs));
  const sources = Math.max(
    ...['server/src', 'client/src', 'webview/src'].map((d) => newestSource(join(root, d))),
  );
  return built >= sources && built >= statSync(join(root, 'scripts', 'build.mjs')).mtimeMs;
}

if (process.argv.includes('--if-needed') && upToDate()) process.exit(0);

mkdirSync(dist, { recursive: true });
const webTreeSitterCjs = require.resolve('web-tree-sitter');
const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  alias: { 'web-tree-sitter': webTreeSitterCjs },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  build({
    ...common,
    entryPoints: ['server/src/lsp/main.ts'],
    outfile: 'dist/server.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  build({
    ...common,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  }),
  // The command line's frontend threads (server/src/workspace/frontend-jobs.ts load it next to themselves).
  build({
    ...common,
    entryPoints: ['server/src/workspace/frontend-worker.ts'],
    outfile: 'dist/frontend-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  build({
    ...common,
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
  build({
    ...common,
    entryPoints: ['webview/src/schedule-page.ts'],
    outfile: 'dist/schedule-page.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: false,
    minify: true,
  }),
]);
chmodSync(join(dist, 'cli.js'), 0o755);
copyFileSync(join(dirname(webTreeSitterCjs), 'tree-sitter.wasm'), join(dist, 'tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'), join(dist, 'tree-sitter-rust.wasm'));
