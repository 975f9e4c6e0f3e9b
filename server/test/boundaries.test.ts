/** The boundaries of ARCHITECTURE.md, checked on the import statements of the sources. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { repoRoot } from './helpers/paths';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
}

const server = sources(join(repoRoot, 'server', 'src')).map((f) => ({
  rel: relative(join(repoRoot, 'server', 'src'), f)
    .split('\\')
    .join('/'),
  imports: imports(f),
}));

test('the sources have imports to check', () => {
  assert.ok(server.length > 40);
  assert.ok(server.some((f) => f.imports.length > 3));
});

test('server/ never imports vscode', () => {
  for (const f of server) assert.ok(!f.imports.includes('vscode'), `${f.rel} imports vscode`);
});

test('only src/lsp/ touches the LSP connection', () => {
  for (const f of server) {
    if (f.rel.startsWith('lsp/') || f.rel === 'protocol.ts') continue;
    assert.ok(
      !f.imports.some((i) => i.startsWith('vscode-languageserver')),
      `${f.rel} imports the LSP library`,
    );
  }
});

/** Where a relative import of a server source lands, relative to server/src (e.g. `model/ir`). */
function target(fromRel: string, spec: string): string {
  return posix.normalize(posix.join(posix.dirname(fromRel), spec));
}

test('rules see only the model', () => {
  for (const f of server.filter((x) => x.rel.startsWith('rules/'))) {
    for (const i of f.imports) {
      const to = target(f.rel, i);
      assert.ok(
        i.startsWith('.') && (to.startsWith('rules/') || to.startsWith('model/') || to === 'text/positions'),
        `${f.rel} imports ${i}`,
      );
    }
  }
});

test('the model does not depend on frontends, rules or consumers', () => {
  for (const f of server.filter((x) => x.rel.startsWith('model/'))) {
    for (const i of f.imports)
      assert.ok(i.startsWith('./') || i.startsWith('../text/'), `${f.rel} imports ${i}`);
  }
});

test('the webview renderer sees only plain data', () => {
  for (const file of sources(join(repoRoot, 'webview', 'src'))) {
    for (const i of imports(file)) {
      assert.ok(
        i === 'd3' ||
          i.startsWith('./') ||
          i.endsWith('/protocol') ||
          i.endsWith('/schedule/types') ||
          i.includes('/server/src/timeline/'),
        `${relative(repoRoot, file)} imports ${i}`,
      );
    }
  }
});

test('the timeline layout and palette are plain functions of the simulation data', () => {
  for (const f of server.filter((x) => x.rel.startsWith('timeline/'))) {
    for (const i of f.imports) {
      const to = target(f.rel, i);
      assert.ok(
        i.startsWith('.') && (to.startsWith('timeline/') || to === 'schedule/types'),
        `${f.rel} imports ${i}`,
      );
    }
  }
});
