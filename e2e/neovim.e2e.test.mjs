// A second real client: headless Neovim's built-in LSP client runs dist/server.js over stdio on a copy of the
// examples, and prints what the server publishes and answers (diagnostics, hover) as JSON for the test to check.
//
//   npm run build && node scripts/e2e-setup.mjs && node --test e2e/
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(root, 'dist', 'server.js');

/**
 * Opens `file` in headless Neovim with our server attached; returns the diagnostics, the hover at `pos`, the code
 * lens texts Neovim draws, and what it reported through `vim.notify` (where its LSP client reports errors).
 */
function probe(file, pos) {
  for (const need of [server, '/usr/bin/nvim']) {
    if (!fs.existsSync(need))
      throw new Error(`${need} is missing (run: npm run build && node scripts/e2e-setup.mjs)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccp-nvim-'));
  const out = path.join(tmp, 'out.json');
  const lua = path.join(tmp, 'probe.lua');
  const q = (s) => JSON.stringify(s); // a JSON string is a valid Lua string literal for these paths
  fs.writeFileSync(
    lua,
    `
local file = vim.api.nvim_buf_get_name(0)
local uri = vim.uri_from_fname(file)
local diagnostics = nil
local notified = {}
vim.notify = function(msg) table.insert(notified, msg) end
local id = vim.lsp.start_client({
  cmd = { ${q(process.execPath)}, ${q(server)}, '--stdio' },
  root_dir = ${q(path.dirname(file))},
  handlers = {
    ['textDocument/publishDiagnostics'] = function(_, result, ctx)
      if ctx.client_id and result.uri == uri then diagnostics = result.diagnostics end
    end,
  },
})
vim.lsp.buf_attach_client(0, id)
vim.wait(30000, function() return diagnostics ~= nil end, 20)
local client = vim.lsp.get_client_by_id(id)
local hover = client.request_sync('textDocument/hover',
  { textDocument = { uri = uri }, position = { line = ${pos.line}, character = ${pos.character} } }, 10000, 0)
-- Code lenses as Neovim shows them: its own handler saves, resolves and draws them as virtual text.
local lens = client.request_sync('textDocument/codeLens', { textDocument = { uri = uri } }, 10000, 0)
vim.lsp.codelens.on_codelens(nil, lens and lens.result or {}, { bufnr = 0, client_id = id, method = 'textDocument/codeLens' })
vim.wait(200, function() return false end, 20) -- lets a resolve request (if any) fail and notify
local lenses = {}
local ns = vim.api.nvim_create_namespace('vim_lsp_codelens:' .. id)
for _, m in ipairs(vim.api.nvim_buf_get_extmarks(0, ns, 0, -1, { details = true })) do
  for _, chunk in ipairs(m[4].virt_text or {}) do table.insert(lenses, chunk[1]) end
end
local f = io.open(${q(out)}, 'w')
f:write(vim.fn.json_encode({
  diagnostics = diagnostics or vim.NIL,
  hover = hover and hover.result or vim.NIL,
  lenses = lenses,
  notified = notified,
}))
f:close()
client.stop()
vim.cmd('qa!')
`,
  );
  const env = {
    ...process.env,
    HOME: tmp,
    XDG_CONFIG_HOME: tmp,
    XDG_DATA_HOME: tmp,
    XDG_STATE_HOME: tmp,
    XDG_CACHE_HOME: tmp,
  };
  const r = spawnSync(
    '/usr/bin/nvim',
    ['--headless', '--clean', '-n', '-u', 'NONE', '-c', `luafile ${lua}`, file],
    {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.ok(fs.existsSync(out), `Neovim wrote no result (status ${r.status}): ${r.stderr}${r.stdout}`);
  const result = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(tmp, { recursive: true, force: true });
  return result;
}

function copyExample(rel) {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'ccp-nvim-ws-'));
  fs.cpSync(path.join(root, 'examples', rel), dest, { recursive: true });
  return dest;
}

test('Neovim: a Motoko check-then-act is published and the await hover explains the commit point', () => {
  const dir = copyExample('motoko/s5-withdraw-check-after-await');
  const file = path.join(dir, 'main.mo');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('ledger.transfer'));
  const character = lines[line].indexOf('await') + 1;
  const { diagnostics, hover, lenses, notified } = probe(file, { line, character });
  const cta = diagnostics.find((d) => d.code === 'check-then-act');
  assert.ok(cta, JSON.stringify(diagnostics));
  // The lens above `withdraw` is drawn from its title alone, and nothing reports an error.
  assert.ok(
    lenses.some((l) => /1 commit point · 2 segments/.test(l)),
    JSON.stringify(lenses),
  );
  assert.deepEqual(notified, []);
  assert.equal(cta.range.start.line, line);
  assert.match(hover.contents.value, /\*\*Commit point\*\* `await` in `withdraw`/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('Neovim: the Rust await on a local function without a call is not a commit point', () => {
  const dir = copyExample('rust/s2-greet');
  const file = path.join(dir, 'src', 'lib.rs');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.trim() === 'foo().await;');
  const character = lines[line].indexOf('await') + 1;
  const { diagnostics, hover } = probe(file, { line, character });
  assert.deepEqual(diagnostics, []);
  assert.match(hover.contents.value, /\*\*Not a commit point\*\*/);
  assert.match(hover.contents.value, /async fn foo` \(src\/lib\.rs:\d+\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});
