// One real VS Code for an end-to-end describe block: code-server (VS Code 1.100, a real Node extension host)
// with the extension installed from the .vsix, a throw-away copy of examples/ as the workspace, and headless
// Debian Chromium driven by playwright-core. Each block gets its own code-server, profile and temp folder.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hostDir = path.join(root, 'e2e', 'host');
export const artifacts = path.join(root, 'e2e', '.artifacts');
export const TIMEOUT = 60_000;

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

export const extensionId = `${manifest.publisher}.${manifest.name}`;
/** The release artifact that `npm run package` builds: what the sessions install. */
export const vsix = path.join(root, `${manifest.name}.vsix`);

function requireSetup() {
  const missing = [];
  if (!fs.existsSync(vsix)) missing.push(`${path.basename(vsix)} (run: npm run package)`);
  const entry = path.join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(entry)) missing.push('code-server (run: node scripts/e2e-setup.mjs)');
  if (!fs.existsSync('/usr/bin/chromium'))
    missing.push('/usr/bin/chromium (run: node scripts/e2e-setup.mjs)');
  if (missing.length) throw new Error(`end-to-end test prerequisites missing:\n  ${missing.join('\n  ')}`);
  return entry;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2_000, () => req.destroy());
  });
}

/** Signals every process in the group led by `pid` (code-server runs detached, as a group leader). */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts code-server and Chromium and opens the workspace. `settings` are added to the user settings;
 * `prepare(workspace)` may add files to the workspace before the editor opens it.
 */
export async function startVsCode({ name, settings = {}, prepare } = {}) {
  const entry = requireSetup();
  fs.mkdirSync(artifacts, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ccp-e2e-${name ?? 'session'}-`));
  const dir = (...p) => {
    const d = path.join(tmp, ...p);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const env = {
    ...process.env,
    HOME: dir('home'),
    TMPDIR: dir('tmp'),
    XDG_CONFIG_HOME: dir('home', '.config'),
    XDG_DATA_HOME: dir('home', '.local', 'share'),
    XDG_CACHE_HOME: dir('home', '.cache'),
    XDG_RUNTIME_DIR: dir('run'),
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.NODE_OPTIONS;

  const userData = dir('user-data');
  const settingsFile = path.join(dir('user-data', 'User'), 'settings.json');
  const baseSettings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'editor.hover.delay': 150,
    'workbench.reduceMotion': 'on',
    'git.enabled': false,
    ...settings,
  };
  fs.writeFileSync(settingsFile, JSON.stringify(baseSettings, null, 2));
  // Install the extension as a user would: from the .vsix, with code-server's own installer.
  const extensions = dir('extensions');
  const install = spawnSync(
    process.execPath,
    [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
    { cwd: tmp, env, encoding: 'utf8', timeout: TIMEOUT },
  );
  if (install.status !== 0)
    throw new Error(`installing ${vsix} failed:\n${install.stdout}\n${install.stderr}`);
  const installed = path.join(extensions, `${extensionId}-${manifest.version}`);

  const workspace = path.join(tmp, 'examples');
  fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
  prepare?.(workspace);

  const port = await freePort();
  const serverLog = path.join(tmp, 'code-server.log');
  const logFd = fs.openSync(serverLog, 'a');
  const server = spawn(
    process.execPath,
    [
      entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      workspace,
    ],
    { cwd: tmp, env, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  const pid = server.pid;
  const onSignal = (signal) => {
    killGroup(pid, 'SIGKILL');
    if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const serverExited = new Promise((resolve) =>
    server.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exited;
  serverExited.then((r) => (exited = r));

  let context;
  const close = async () => {
    await context?.close().catch((err) => console.error(`closing the browser: ${err}`));
    killGroup(pid, 'SIGTERM');
    await Promise.race([serverExited, delay(5_000)]);
    killGroup(pid, 'SIGKILL');
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  };

  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + TIMEOUT;
    while ((await httpStatus(`${base}/healthz`)) !== 200) {
      if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}):\n${tail(serverLog)}`);
      if (Date.now() > deadline)
        throw new Error(`code-server not healthy after ${TIMEOUT} ms:\n${tail(serverLog)}`);
      await delay(200); // polling interval, not a wait for the thing under test
    }
    const { chromium } = createRequire(path.join(hostDir, 'package.json'))('playwright-core');
    context = await chromium.launchPersistentContext(dir('chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      env,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    context.setDefaultTimeout(TIMEOUT);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible' });
    await page
      .locator('.explorer-folders-view .monaco-list-row')
      .filter({ hasText: 'motoko' })
      .first()
      .waitFor();
    return { page, context, workspace, serverLog, installed, close };
  } catch (err) {
    await close();
    throw err;
  }
}
