#!/usr/bin/env node
// Prepares what the end-to-end tests (e2e/*.e2e.test.mjs) need: Debian's Chromium, ripgrep and Neovim (plus the
// Kerberos headers code-server's native module builds against), then code-server and playwright-core from
// e2e/host/package-lock.json. Idempotent and quick when everything is already there.
//
//   node scripts/e2e-setup.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hostDir = path.join(root, 'e2e', 'host');
const debianPackages = ['chromium', 'libkrb5-dev', 'ripgrep', 'neovim'];
// code-server 4.100.3 installs @vscode/ripgrep 1.15.11, whose postinstall downloads this ripgrep release
// unless the tarball is already in its cache (there is no network for GitHub here).
const ripgrepPackageVersion = '1.15.11';
const ripgrepRelease = 'v13.0.0-10';

const started = Date.now();
const log = (msg) => console.log(`[e2e-setup] ${msg}`);

function run(cmd, args, options = {}) {
  log(`$ ${cmd} ${args.join(' ')}${options.cwd ? `   (in ${path.relative(root, options.cwd) || '.'})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function fail(msg) {
  console.error(`[e2e-setup] ERROR: ${msg}`);
  process.exit(1);
}

function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'install ok installed';
}

// 1. Debian packages.
function ensureDebianPackages() {
  if (process.platform !== 'linux' || spawnSync('dpkg-query', ['--version']).status !== 0) {
    fail(`this setup expects Debian/Ubuntu (dpkg); install ${debianPackages.join(', ')} by hand.`);
  }
  const missing = debianPackages.filter((p) => !isInstalled(p));
  if (!missing.length) {
    log(`Debian packages present: ${debianPackages.join(', ')}`);
    return;
  }
  if (process.getuid?.() !== 0) {
    fail(
      `missing Debian packages: ${missing.join(', ')}. Install them as root, then re-run:\n` +
        `  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing missing Debian packages: ${missing.join(', ')}`);
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

// 2. The ripgrep download cache, seeded with Debian's rg.
function seedRipgrepCache() {
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  if (!arch) fail(`unsupported architecture ${process.arch} (the ripgrep cache needs x64 or arm64)`);
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${ripgrepPackageVersion}`);
  const tarball = path.join(cacheDir, `ripgrep-${ripgrepRelease}-${arch}-unknown-linux-musl.tar.gz`);
  if (fs.existsSync(tarball)) {
    log(`ripgrep cache present: ${tarball}`);
    return;
  }
  const rg = '/usr/bin/rg';
  if (!fs.existsSync(rg)) fail(`${rg} not found (Debian package ripgrep)`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
  try {
    fs.copyFileSync(rg, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    log(`seeding ripgrep cache with ${rg}: ${tarball}`);
    run('tar', ['-czf', `${tarball}.partial`, '-C', staging, 'rg']);
    fs.renameSync(`${tarball}.partial`, tarball);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Whether the install records exactly the locked packages (version and integrity). A checkout gives the lockfile
 * a new modification time (a fresh clone, a git worktree sharing another checkout's install) without changing it.
 */
function sameLock(lockfile, installed) {
  const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8')).packages ?? {};
  const locked = read(lockfile);
  const have = read(installed);
  const names = Object.keys(locked).filter((k) => k !== ''); // '' is the host package itself
  return (
    names.length === Object.keys(have).length &&
    names.every((k) => have[k]?.version === locked[k].version && have[k]?.integrity === locked[k].integrity)
  );
}

// 3. code-server + playwright-core, exactly as locked.
function ensureHostModules() {
  const lockfile = path.join(hostDir, 'package-lock.json');
  if (!fs.existsSync(lockfile)) fail(`${path.relative(root, lockfile)} is missing`);
  // npm writes node_modules/.package-lock.json at the end of a successful install.
  const installed = path.join(hostDir, 'node_modules', '.package-lock.json');
  const codeServer = path.join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const vscodeModules = path.join(hostDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  const fresh =
    fs.existsSync(installed) &&
    fs.existsSync(codeServer) &&
    fs.existsSync(vscodeModules) &&
    (fs.statSync(installed).mtimeMs >= fs.statSync(lockfile).mtimeMs || sameLock(lockfile, installed));
  if (fresh) {
    log('e2e/host/node_modules is up to date with its lockfile');
    return;
  }
  // A node_modules linked in from another checkout (a git worktree sharing one install) is not ours to
  // replace: `npm ci` would first empty the linked folder, breaking the other checkout.
  const modules = path.join(hostDir, 'node_modules');
  if (fs.existsSync(modules) && fs.lstatSync(modules).isSymbolicLink()) {
    fail(
      `${path.relative(root, modules)} links to ${fs.realpathSync(modules)}, which is older than ` +
        `${path.relative(root, lockfile)} or incomplete; update it there (or remove the link to install here).`,
    );
  }
  const env = {
    ...process.env,
    // node-pty's postinstall runs `npx node-gyp`; as root npm skips install scripts without unsafe-perm.
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  log('installing code-server and playwright-core (npm ci, about a minute when cold)');
  run('npm', ['ci'], { cwd: hostDir, env });
  if (!fs.existsSync(vscodeModules)) fail(`npm ci finished but ${vscodeModules} is missing`);
}

function checkChromium() {
  const r = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) fail(`/usr/bin/chromium --version failed: ${r.stderr || r.error}`);
  log(`browser: ${r.stdout.trim()}`);
}

ensureDebianPackages();
seedRipgrepCache();
ensureHostModules();
checkChromium();
log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
