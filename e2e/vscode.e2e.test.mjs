// End-to-end test in a real VS Code: code-server (VS Code 1.100 in a browser, with a real Node extension host)
// driven by headless Debian Chromium through playwright-core. The extension is installed from the release
// artifact, the .vsix that `npm run package` builds; the workspace is a throw-away copy of examples/.
//
//   npm run package && node scripts/e2e-setup.mjs && node --test e2e/
//
// Screenshots go to e2e/.artifacts/. Set E2E_KEEP=1 to keep the temp folder (logs, profile) after the run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { TIMEOUT, artifacts, root, startVsCode, tail } from './vscode-session.mjs';

/** Opens a file with Quick Open as a user does: waits until it is the first pick, then until its tab is active. */
async function quickOpenFile(page, query, expectedLabel, expectedDescription) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(query);
  await page
    .locator('.quick-input-list .monaco-list-row.focused')
    .filter({ hasText: expectedLabel })
    .filter({ hasText: expectedDescription })
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await page
    .locator('.editor-group-container.active .tabs-container .tab.active')
    .filter({ hasText: expectedLabel })
    .waitFor();
}

describe('Canister Commit Points in VS Code (code-server + Chromium)', { timeout: 300_000 }, () => {
  let page;
  let workspace;
  let serverLog;
  let close; // closes the browser and takes code-server's process group down

  /** Runs one check; on failure saves a screenshot and the code-server log tail for diagnosis. */
  async function step(name, fn) {
    try {
      await fn();
    } catch (err) {
      if (page) {
        await page.screenshot({ path: path.join(artifacts, `FAILED-${name}.png`) }).catch(() => undefined);
      }
      console.error(`--- code-server log (last lines) ---\n${tail(serverLog)}`);
      throw err;
    }
  }

  const shot = (name) =>
    page.screenshot({ path: path.join(artifacts, `${name}.png`), animations: 'disabled' });

  /** The editor of the active group (one group here). */
  const editor = () => page.locator('.part.editor .editor-group-container.active .monaco-editor').first();

  const quickOpen = (query, expectedLabel, expectedDescription) =>
    quickOpenFile(page, query, expectedLabel, expectedDescription);

  /** The span of a keyword token on the first rendered line containing `lineText`. */
  const tokenOn = (lineText, token) =>
    editor()
      .locator('.view-line')
      .filter({ hasText: lineText })
      .locator('span[class*="mtk"]')
      .filter({ hasText: new RegExp(`^\\.?${token}$`) })
      .first();

  /** Moves the mouse onto a token and waits for a hover whose text matches `pattern`; returns its text. */
  async function hoverText(target, pattern) {
    await page.keyboard.press('Escape');
    await page.mouse.move(1, 1);
    await target.hover();
    const hover = page.locator('.monaco-hover').filter({ hasText: pattern }).first();
    await hover.waitFor({ state: 'visible' });
    return hover.innerText();
  }

  /**
   * Waits until the analysis of the open file is drawn: a code lens matching `lens` and, on the line containing
   * `lineText`, an inlay hint matching `hint`. A lens landing pushes the lines below it down and a hint widens
   * its line: a hover opened before that can be closed by the move, and never comes back under a mouse that
   * does not move, so hover only after this. (Monaco draws the spaces of a line as no-break spaces: match
   * them with `\s`.)
   */
  async function analysisDrawn(lens, lineText, hint) {
    await editor().locator('.codelens-decoration').filter({ hasText: lens }).first().waitFor();
    await editor()
      .locator('.view-line')
      .filter({ hasText: lineText })
      .filter({ hasText: hint })
      .first()
      .waitFor();
  }

  before(async () => {
    fs.rmSync(artifacts, { recursive: true, force: true }); // no stale screenshots from an earlier run
    let installed;
    ({ page, workspace, serverLog, installed, close } = await startVsCode({ name: 'main' }));
    // What the extension loads at run time is in the package, and nothing of the sources.
    for (const f of [
      'dist/extension.js',
      'dist/server.js',
      'dist/webview.js',
      'dist/tree-sitter.wasm',
      'dist/tree-sitter-rust.wasm',
      'syntaxes/motoko.tmLanguage.json',
      'docs/rules/check-then-act.md',
      'images/icon.png',
    ])
      assert.ok(fs.existsSync(path.join(installed, f)), `${f} is missing from the installed extension`);
    for (const f of ['server', 'client', 'node_modules', 'dist/server.js.map'])
      assert.ok(!fs.existsSync(path.join(installed, f)), `${f} should not be packaged`);
  });

  after(async () => {
    await close?.();
  });

  test('a. a Motoko canister gets the Motoko mode, colouring and a warning squiggle', async (t) => {
    await step('a', async () => {
      await quickOpen(
        'motoko/s5-withdraw-check-after-await/main.mo',
        'main.mo',
        's5-withdraw-check-after-await',
      );
      await editor().locator('.view-line').filter({ hasText: 'persistent actor Bank' }).waitFor();

      const mode = page.locator('[id="status.editor.mode"]');
      await mode.filter({ hasText: /^\s*Motoko\s*$/ }).waitFor();

      // Coloured: the `await` keyword becomes its own token with a class unlike the plain-text one (mtk1).
      const awaitToken = tokenOn('ledger.transfer', 'await');
      await awaitToken.waitFor();
      const awaitClass = await awaitToken.getAttribute('class');
      const plainClass = await editor()
        .locator('.view-line')
        .filter({ hasText: 'ledger.transfer' })
        .locator('span[class*="mtk"]')
        .filter({ hasText: /^\s+$/ })
        .first()
        .getAttribute('class');
      t.diagnostic(`await token class: ${awaitClass}; whitespace class: ${plainClass}`);
      assert.notEqual(
        awaitClass,
        plainClass,
        `await token ${awaitClass} looks like plain text ${plainClass}`,
      );

      await editor().locator('.squiggly-warning').first().waitFor();
      // The code lens above `withdraw` counts its commit points and segments.
      await editor()
        .locator('.codelens-decoration')
        .filter({ hasText: /1 commit point · 2 segments/ })
        .first()
        .waitFor();
      await shot('a-motoko-squiggle');
    });
  });

  test('b. the Problems panel lists the check-then-act finding', async () => {
    await step('b', async () => {
      await page.keyboard.press('Control+Shift+M');
      const row = page
        .locator('.markers-panel .monaco-list-rows .monaco-list-row')
        .filter({ hasText: 'check-then-act' })
        .first();
      await row.waitFor({ state: 'visible' });
      const text = await row.innerText();
      assert.match(text, /balance/, `problem row: ${text}`);
      await shot('b-problems-panel');
    });
  });

  test('c. hovering the flagged await explains the commit point', async () => {
    await step('c', async () => {
      const text = await hoverText(tokenOn('ledger.transfer', 'await'), /Commit point/);
      assert.match(text, /Commit point\s+await\s+in\s+withdraw/, `hover: ${text}`);
      await shot('c-hover-commit-point');
    });
  });

  test('d. a Rust await that makes no call is not a commit point and not flagged', async () => {
    await step('d', async () => {
      await page.keyboard.press('Escape');
      await quickOpen('rust/s2-greet/src/lib.rs', 'lib.rs', 's2-greet');
      await editor().locator('.view-line').filter({ hasText: 'async fn greet' }).waitFor();
      await page
        .locator('[id="status.editor.mode"]')
        .filter({ hasText: /^\s*Rust\s*$/ })
        .waitFor();

      // The first analysis of a crate takes a while (the Rust parser starts up): hover once it is drawn.
      await analysisDrawn(/no commit point · 1 segment/, 'foo().await', /⟂\s+not\s+a\s+commit\s+point/);
      // The server publishes a file's diagnostics before it answers hovers from the same analysis, so once
      // this hover is back, any squiggle for greet would already be on screen.
      const text = await hoverText(tokenOn('foo()', 'await'), /Not a commit point/);
      assert.doesNotMatch(text, /Commit point/, `hover: ${text}`); // case-sensitive: not "Not a commit point"
      assert.match(text, /Not a commit point\s+\.?await\s+in\s+greet/, `hover: ${text}`);
      assert.equal(
        await editor().locator('.squiggly-warning, .squiggly-error').count(),
        0,
        'squiggles in lib.rs',
      );
      // The Problems panel (opened in b) lists nothing for this crate.
      const problems = page.locator('.markers-panel');
      await problems.waitFor({ state: 'visible' });
      assert.doesNotMatch(await problems.innerText(), /s2-greet/, 'problems listed for s2-greet');
      await shot('d-rust-not-a-commit-point');
    });
  });

  test('e. the timeline panel draws the adversarial schedule that witnesses check-then-act', async () => {
    await step('e', async () => {
      await page.keyboard.press('Escape');
      await quickOpen(
        'motoko/s5-withdraw-check-after-await/main.mo',
        'main.mo',
        's5-withdraw-check-after-await',
      );
      // Put the cursor inside `withdraw`, then run the command from the palette.
      await editor().locator('.view-line').filter({ hasText: 'ledger.transfer' }).first().click();
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill('>Commit Points: Show Commit Point Timeline');
      await page
        .locator('.quick-input-list .monaco-list-row.focused')
        .filter({ hasText: 'Show Commit Point Timeline' })
        .waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      // The webview is a nested iframe: find the frame that holds the drawn schedule.
      const deadline = Date.now() + TIMEOUT;
      let frame;
      while (!frame) {
        for (const f of page.frames()) {
          if (
            (await f
              .locator('svg#schedule g.step rect')
              .count()
              .catch(() => 0)) > 0
          )
            frame = f;
        }
        if (!frame && Date.now() > deadline) throw new Error('no webview frame with a drawn schedule');
        if (!frame) await delay(200); // polling the frames list, not a wait for the thing under test
      }
      assert.match(await frame.locator('#caption').innerText(), /withdraw:2 under the adversarial policy/);
      assert.match(await frame.locator('#witness').innerText(), /Witness of check-then-act/);
      assert.equal(await frame.locator('svg#schedule g.step').count(), 4, 'two messages, two segments each');
      await shot('e-timeline-panel');
    });
  });
  describe('error tolerance and inline suppressions', () => {
    /** Runs a command from the palette by its title. */
    async function runCommand(title) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      await page
        .locator('.quick-input-list .monaco-list-row.focused')
        .filter({ hasText: title })
        .waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden' });
    }

    /** Scrolls the active editor to the line of `file` that contains `lineText`: squiggles and lines are
     * only in the page while on screen. */
    async function revealLineOf(file, lineText) {
      const lines = fs.readFileSync(path.join(workspace, file), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes(lineText));
      assert.ok(line >= 0, `${lineText} not in ${file}`);
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`:${line + 1}`);
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden' });
      await editor().locator('.view-line').filter({ hasText: lineText }).first().waitFor();
    }

    /** Types `text` at the end of the first line that contains `lineText`, as the user would. */
    async function typeAtEndOf(file, lineText, text) {
      // Go to Line puts the cursor there: a click could land on the sticky scroll header over the line.
      await revealLineOf(file, lineText);
      await page.keyboard.press('End');
      await page.keyboard.type(text);
    }

    /** Deletes the `text` just typed and saves: the file is as before and not dirty (closing it asks nothing). */
    async function untype(text) {
      await page.keyboard.press('Escape'); // a suggestion list, if one opened
      for (let i = 0; i < text.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.press('Control+S');
    }

    test('f. a syntax error typed into a method keeps the other findings and shows a short error range', async () => {
      await step('f', async () => {
        await page.keyboard.press('Escape');
        // Earlier tests may have left the timeline beside the editor: one group, so one active tab.
        await runCommand('View: Close All Editor Groups');
        await quickOpen(
          'motoko/s6-withdraw-stale-write-back/main.mo',
          'main.mo',
          's6-withdraw-stale-write-back',
        );
        // `deposit` (where the error is typed) and the flagged await in `withdraw` both on screen.
        await revealLineOf('motoko/s6-withdraw-stale-write-back/main.mo', 'let original = balance');
        const warnings = editor().locator('.squiggly-warning');
        await warnings.first().waitFor();
        const before = await warnings.count();
        await analysisDrawn(/interleaved by/, 'ledger.transfer(caller', /⟂\s+commit\s+point/);
        const flaggedAwait = () => tokenOn('ledger.transfer(caller', 'await');
        const hoverBefore = await hoverText(flaggedAwait(), /Commit point/);
        // A half-typed declaration in `deposit`; the finding is in `withdraw`.
        const typed = ' let x = ;';
        await typeAtEndOf('motoko/s6-withdraw-stale-write-back/main.mo', 'balance += amount', typed);
        const error = editor().locator('.squiggly-error').first();
        await error.waitFor();
        // Monaco re-renders decorations as diagnostics arrive (while typing, the error of a half-typed line may sit
        // elsewhere, and an element being laid out measures 0): measure whichever squiggle element is current,
        // until one is drawn.
        let width;
        for (const deadline = Date.now() + TIMEOUT; !(width > 0);) {
          width = await error.evaluate((el) => el.getBoundingClientRect().width).catch(() => undefined);
          if (!(width > 0) && Date.now() > deadline)
            throw new Error(`the error squiggle is not drawn (width ${width})`);
          if (!(width > 0)) await page.waitForTimeout(100);
        }
        // One character wide, not a red file: a line of this editor is over 1,000 px.
        assert.ok(width > 0 && width < 60, `error squiggle ${width} px wide`);
        assert.equal(await warnings.count(), before, 'warnings after the syntax error');
        // The untouched method's hover is its last good one (with who interleaves it), and says so.
        const hoverAfter = await hoverText(flaggedAwait(), /last analysis without errors/);
        for (const line of hoverBefore.split('\n').filter((l) => /segment/.test(l)))
          assert.ok(hoverAfter.includes(line), `${line}\nmissing from the hover:\n${hoverAfter}`);
        await page.keyboard.press('Escape'); // the screenshot shows the error, not the hover over it
        await page.mouse.move(1, 1);
        await shot('f-syntax-error-keeps-findings');
        await untype(typed);
        await error.waitFor({ state: 'detached' });
      });
    });

    test('g. an inline suppression comment removes the finding', async () => {
      await step('g', async () => {
        await page.keyboard.press('Escape');
        await runCommand('View: Close All Editor Groups');
        await quickOpen(
          'rust/s5-withdraw-check-after-await/src/lib.rs',
          'lib.rs',
          's5-withdraw-check-after-await',
        );
        await revealLineOf(
          'rust/s5-withdraw-check-after-await/src/lib.rs',
          'match transfer(caller, amount).await',
        );
        const warning = editor().locator('.squiggly-warning');
        await warning.first().waitFor();
        const typed = ' // commit-points: allow(check-then-act) reason: the e2e test accepts it';
        await typeAtEndOf(
          'rust/s5-withdraw-check-after-await/src/lib.rs',
          'match transfer(caller, amount).await',
          typed,
        );
        // Results are published while typing (at least every 500 ms): the comment typed up to `allow(…)` is
        // itself a warning (a suppression needs a reason) until the analysis of the finished line lands.
        for (const deadline = Date.now() + TIMEOUT; (await warning.count()) > 0; await delay(100))
          assert.ok(Date.now() < deadline, 'warnings left after the suppression');
        await shot('g-suppressed-finding');
        await untype(typed);
        await warning.first().waitFor();
      });
    });
  });
});

// The timeline panel as a trace viewer (issue #11 item 4), in a VS Code of its own. The functions given to
// `frame.evaluate` run in the webview, where these are defined:
/* global document, getComputedStyle, innerWidth, innerHeight */
describe('The timeline panel in VS Code', { timeout: 420_000 }, () => {
  let session;
  let page;
  const shot = (name) =>
    page.screenshot({ path: path.join(artifacts, `${name}.png`), animations: 'disabled' });
  // The code editors are all in the first group (the panel opens beside them).
  const codeGroup = () => page.locator('.part.editor .editor-group-container').first();
  /** Gives the code editor the keyboard without moving its cursor (keys typed into a webview stay there). */
  const focusEditor = () => codeGroup().locator('.tabs-container .tab.active').click();

  async function step(name, fn) {
    try {
      await fn();
    } catch (err) {
      await page
        ?.screenshot({ path: path.join(artifacts, `FAILED-timeline-${name}.png`) })
        .catch(() => undefined);
      await page?.keyboard.press('Escape').catch(() => undefined); // close a quick input left open for the next test
      console.error(`--- code-server log (last lines) ---\n${tail(session?.serverLog)}`);
      throw err;
    }
  }

  async function quickOpen(query, expectedLabel, expectedDescription) {
    // Keys typed while the panel has the focus stay in its webview.
    if (await codeGroup().locator('.tabs-container .tab.active').count()) await focusEditor();
    await quickOpenFile(page, query, expectedLabel, expectedDescription);
  }

  /** Puts the cursor on line `n` of the active editor (Go to Line), whatever is scrolled into view. */
  async function gotoLine(n) {
    await focusEditor();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${n}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await page
      .locator('[id="status.editor.selection"]')
      .filter({ hasText: new RegExp(`Ln ${n},`) })
      .waitFor();
  }

  /** Switches the colour theme through the palette, as a user does. */
  async function colorTheme(name) {
    await focusEditor();
    await page.keyboard.press('Control+K'); // Preferences: Color Theme
    await page.keyboard.press('Control+T');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first().click();
    await input.waitFor({ state: 'hidden' });
  }

  async function runCommand(title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: title }).waitFor();
    await page.keyboard.press('Enter');
  }

  /** The webview frame whose caption matches `caption` and which has drawn its steps. */
  async function timelineFrame(caption) {
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      for (const f of page.frames()) {
        if (f.isDetached()) continue;
        const text = await f
          .locator('#caption')
          .innerText({ timeout: 500 })
          .catch(() => undefined);
        if (text === undefined || !caption.test(text)) continue;
        if (
          (await f
            .locator('svg#schedule g.step rect')
            .count()
            .catch(() => 0)) > 0
        )
          return f;
      }
      if (Date.now() > deadline) throw new Error(`no timeline frame with a caption matching ${caption}`);
      await delay(200); // polling the frames list, not a wait for the thing under test
    }
  }

  /** Contrast of every kind of text the timeline draws, measured on what the browser paints. */
  async function textContrasts(frame) {
    return frame.evaluate(() => {
      const rgb = (css) => (/rgba?\(([^)]*)\)/.exec(css)?.[1] ?? '0,0,0').split(/[ ,/]+/).map(Number);
      const lum = ([r, g, b]) => {
        const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      };
      const ratio = (a, b) => {
        const [hi, lo] = [lum(rgb(a)), lum(rgb(b))].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
      };
      const bg = getComputedStyle(document.body).backgroundColor;
      const out = [];
      const add = (what, el, on) => {
        if (!el || !el.textContent) return;
        out.push({ what, ratio: ratio(getComputedStyle(el).fill, on) });
      };
      add('lane label', document.querySelector('g.lane-label text'), bg);
      add('axis', document.querySelector('g.axis text'), bg);
      add(
        'access label',
        [...document.querySelectorAll('g.step text.access')].find((t) => t.textContent),
        bg,
      );
      for (const kind of ['read', 'write', 'idle']) {
        const g = [...document.querySelectorAll(`g.step.${kind}`)].find(
          (s) => s.querySelector('text.seg').textContent,
        );
        if (g)
          add(
            `${kind} bar label`,
            g.querySelector('text.seg'),
            getComputedStyle(g.querySelector('rect')).fill,
          );
      }
      const caption = document.getElementById('caption');
      out.push({ what: 'caption', ratio: ratio(getComputedStyle(caption).color, bg) });
      const witness = document.querySelector('g.step.witness rect');
      if (witness) out.push({ what: 'witness outline', ratio: ratio(getComputedStyle(witness).stroke, bg) });
      return out;
    });
  }

  before(async () => {
    session = await startVsCode({
      name: 'timeline',
      settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      prepare: (workspace) => {
        // A canister whose `pay` has three commit points: 70 pays and 10 top-ups make 80 messages, 300 steps.
        const dir = path.join(workspace, 'motoko', 'busy');
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
          path.join(dir, 'main.mo'),
          [
            'persistent actor Busy {',
            '  var balance : Nat = 0;',
            '  var audit : Nat = 0;',
            '  transient let ledger = actor "aaaaa-aa" : actor { transfer : Nat -> async () };',
            '',
            '  public func pay(n : Nat) : async () {',
            '    if (balance >= n) {',
            '      await ledger.transfer(n);',
            '      balance -= n;',
            '      await ledger.transfer(n);',
            '      audit += 1;',
            '      await ledger.transfer(n);',
            '    };',
            '  };',
            '',
            '  public func top(n : Nat) : async () {',
            '    balance += n;',
            '    await ledger.transfer(n);',
            '  };',
            '};',
            '',
          ].join('\n'),
        );
      },
    });
    page = session.page;
  });

  after(async () => {
    await session?.close();
  });

  test('t1. the panel draws the method under the cursor in the dark theme, with readable text', async (t) => {
    await step('t1', async () => {
      await quickOpen(
        'motoko/s5-withdraw-check-after-await/main.mo',
        'main.mo',
        's5-withdraw-check-after-await',
      );
      // Go to Line, not a click: a click can land on the sticky scroll header or a code lens drawn meanwhile.
      await gotoLine(19); // the await of `ledger.transfer`
      await runCommand('Commit Points: Show Commit Point Timeline');
      const frame = await timelineFrame(/withdraw:2 under the adversarial policy/);
      await frame.locator('ul.tl-legend li').first().waitFor();
      assert.match(await frame.locator('body').getAttribute('class'), /vscode-dark/);
      assert.equal(
        await frame.locator('svg#schedule g.step[role=button][aria-label*="Step 1: withdraw#1"]').count(),
        1,
      );
      const contrasts = await textContrasts(frame);
      t.diagnostic(JSON.stringify(contrasts));
      for (const c of contrasts) assert.ok(c.ratio >= 4.5, `dark: ${c.what} has ${c.ratio.toFixed(2)}:1`);
      await shot('t1-timeline-dark');
    });
  });

  test('t2. clicking a step or commit point moves the editor to its code, Enter does too', async () => {
    await step('t2', async () => {
      await quickOpen(
        'motoko/s5-withdraw-check-after-await/main.mo',
        'main.mo',
        's5-withdraw-check-after-await',
      );
      await gotoLine(3); // `persistent actor Bank`: outside every method (it waits for "Ln 3," in the status bar)
      const frame = await timelineFrame(/withdraw:2/);
      // The first step is withdraw#1's segment 0: it starts with the method.
      await frame.locator('svg#schedule g.step[data-step="1"]').click();
      await page
        .locator('[id="status.editor.selection"]')
        .filter({ hasText: /Ln 17,/ })
        .waitFor();
      // Its commit point is the await on line 19, reached from the keyboard.
      await frame.locator('svg#schedule g.step[data-step="1"]').focus();
      await frame.locator('svg#schedule g.step[data-step="1"]').press('ArrowRight');
      const focused = await frame.evaluate(() => document.activeElement?.getAttribute('aria-label'));
      assert.match(focused, /^Commit point after step 1 \(line 19\)/);
      await frame.locator('svg#schedule g.commit:focus').press('Enter');
      await page
        .locator('[id="status.editor.selection"]')
        .filter({ hasText: /Ln 19,/ })
        .waitFor();
      await shot('t2-revealed-commit-point');
    });
  });

  test('t3. the panel follows the method under the cursor, and the pin stops it', async () => {
    await step('t3', async () => {
      await quickOpen('motoko/s7-lock-funds/main.mo', 'main.mo', 's7-lock-funds');
      await gotoLine(41); // in lockFunds
      let frame = await timelineFrame(/s7-lock-funds\/main\.mo: lockFunds:2/);
      await gotoLine(20); // in withdrawFunds
      frame = await timelineFrame(/s7-lock-funds\/main\.mo: withdrawFunds:2/);
      await frame.locator('button[data-action=pin]').click();
      await gotoLine(50); // in appendText
      await delay(1_500); // proving that nothing happens needs a wait longer than the follow delay (250 ms)
      assert.match(
        await frame.locator('#caption').innerText(),
        /withdrawFunds:2/,
        'pinned: still withdrawFunds',
      );
      await frame.locator('button[data-action=pin]').click();
      await timelineFrame(/s7-lock-funds\/main\.mo: appendText:2/);
      await shot('t3-followed-appendText');
    });
  });

  test('t4. 80 messages fit the panel, collapse, expand and zoom', async (t) => {
    await step('t4', async () => {
      await quickOpen('motoko/busy/main.mo', 'main.mo', 'busy');
      await gotoLine(9); // in pay
      let frame = await timelineFrame(/busy\/main\.mo: pay:2/);
      const count = frame.locator('input[data-action=count]');
      await count.fill('79');
      await count.press('Enter');
      frame = await timelineFrame(/busy\/main\.mo: pay:79,top:1 /);
      const geometry = () =>
        frame.evaluate(() => {
          const svg = document.querySelector('svg#schedule');
          const box = svg.getBoundingClientRect();
          const bars = [...svg.querySelectorAll('g.step rect')].map((r) => r.getBoundingClientRect());
          return {
            viewport: { w: innerWidth, h: innerHeight },
            scroll: { w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight },
            svg: { left: box.left, right: box.right, top: box.top, bottom: box.bottom },
            steps: bars.length,
            messages: Number(/of (\d+) messages/.exec(svg.getAttribute('aria-label'))?.[1]),
            lanes: svg.querySelectorAll('g.lane-label').length,
            barsRight: Math.max(...bars.map((b) => b.right)),
            barsBottom: Math.max(...bars.map((b) => b.bottom)),
            barWidth: bars[0].width,
          };
        });
      const fitted = await geometry();
      t.diagnostic(JSON.stringify(fitted));
      assert.equal(fitted.messages, 80);
      assert.ok(fitted.steps >= 300, `${fitted.steps} steps`);
      assert.ok(
        fitted.scroll.w <= fitted.viewport.w && fitted.scroll.h <= fitted.viewport.h,
        'no page scrolling',
      );
      assert.ok(
        fitted.svg.right <= fitted.viewport.w && fitted.svg.bottom <= fitted.viewport.h,
        'the svg fits',
      );
      assert.ok(
        fitted.barsRight <= fitted.svg.right + 0.5,
        'every step is in view: the schedule fits the width',
      );
      assert.ok(fitted.barsBottom <= fitted.svg.bottom, 'every lane is in view');
      assert.ok(fitted.lanes < 10, `identical pays collapse (${fitted.lanes} lanes)`);
      await shot('t4-80-messages-fitted');

      for (let i = 0; i < 3; i++) await frame.locator('button[data-action=zoom-in]').click();
      const zoomed = await geometry();
      assert.ok(
        zoomed.barWidth > fitted.barWidth * 2,
        `zoom widens the steps (${fitted.barWidth} → ${zoomed.barWidth})`,
      );
      assert.ok(zoomed.scroll.w <= zoomed.viewport.w, 'zooming does not scroll the page');
      await shot('t4-80-messages-zoomed');

      const toggle = frame.locator('g.lane-label.toggle[aria-expanded=false]').first();
      await toggle.focus();
      await toggle.press('Enter');
      await frame.locator('g.lane-label.toggle[aria-expanded=true]').first().waitFor();
      const expanded = await geometry();
      assert.ok(expanded.lanes > 60, `expanded: one lane per message (${expanded.lanes})`);
      await frame.locator('button[data-action=fit]').click();
      await shot('t4-80-messages-expanded');
    });
  });

  test('t5. light and high-contrast themes keep text at 4.5:1', async (t) => {
    await step('t5', async () => {
      for (const [theme, bodyClass, name] of [
        ['Default Light Modern', /vscode-light/, 'light'],
        ['Default High Contrast', /vscode-high-contrast/, 'high-contrast'],
      ]) {
        await colorTheme(theme);
        const frame = await timelineFrame(/busy\/main\.mo/);
        await frame.waitForFunction((re) => new RegExp(re).test(document.body.className), bodyClass.source);
        // Zoomed in, the bars are wide enough for their labels, which are measured too.
        for (let i = 0; i < 8; i++) await frame.locator('button[data-action=zoom-in]').click();
        const contrasts = await textContrasts(frame);
        t.diagnostic(`${name}: ${JSON.stringify(contrasts)}`);
        for (const c of contrasts)
          assert.ok(c.ratio >= 4.5, `${name}: ${c.what} has ${c.ratio.toFixed(2)}:1`);
        assert.ok(
          contrasts.some((c) => /bar label/.test(c.what)),
          `${name}: bar labels measured`,
        );
        await shot(`t5-timeline-${name}`);
      }
    });
  });

  test('t6. the panel survives being hidden and shown, zoom included', async () => {
    await step('t6', async () => {
      await quickOpen(
        'motoko/s5-withdraw-check-after-await/main.mo',
        'main.mo',
        's5-withdraw-check-after-await',
      );
      await gotoLine(19); // in withdraw
      let frame = await timelineFrame(/s5-withdraw-check-after-await\/main\.mo: withdraw:\d+/);
      await frame.locator('button[data-action=zoom-in]').click();
      const barWidth = (f) => f.locator('svg#schedule g.step rect').first().getAttribute('width');
      const zoomed = await barWidth(frame);
      // Pinned, so that the editor that shows up when the code editor moves away is not followed.
      await frame.locator('button[data-action=pin]').click();
      const caption = await frame.locator('#caption').innerText();
      // Hide: move the code editor into the panel's group, on top of the panel (keys typed into a focused
      // webview do not reach the workbench here, so the command runs from the code editor).
      await gotoLine(3); // outside any method: the panel keeps withdraw
      await runCommand('View: Move Editor into Next Group');
      await page
        .locator('.editor-group-container.active .tabs-container .tab.active')
        .filter({ hasText: 'main.mo' })
        .waitFor();
      await frame
        .locator('#caption')
        .waitFor({ state: 'hidden' })
        .catch(() => undefined); // a detached frame: the webview is gone
      assert.equal(
        await frame
          .locator('#caption')
          .isVisible()
          .catch(() => false),
        false,
        'the panel is hidden',
      );
      // Show it again: the same content, at the same zoom.
      await page.locator('.tabs-container .tab').filter({ hasText: 'Timeline: withdraw' }).click();
      frame = await timelineFrame(/withdraw:\d+,?.* under the adversarial policy/);
      assert.equal(await frame.locator('#caption').innerText(), caption, 'the same schedule');
      assert.equal(await barWidth(frame), zoomed, 'the zoom is restored');
      assert.equal(
        await frame.locator('button[data-action=pin]').getAttribute('aria-pressed'),
        'true',
        'still pinned',
      );
      await frame.locator('button[data-action=fit]').click();
      await shot('t6-timeline-shown-again');
    });
  });

  test('t7. the standalone simulate page fits 80 messages × 300 steps and zooms', async (t) => {
    await step('t7', async () => {
      const html = path.join(session.workspace, '..', 'busy.html');
      const cli = spawnSync(
        process.execPath,
        [
          path.join(root, 'dist', 'cli.js'),
          'simulate',
          path.join(session.workspace, 'motoko', 'busy', 'main.mo'),
          '--entry',
          'pay:70,top:10',
          '--format',
          'html',
          '--out',
          html,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(cli.status, 0, cli.stderr);
      const tab = await session.context.newPage();
      try {
        await tab.setViewportSize({ width: 1200, height: 700 });
        await tab.goto(pathToFileURL(html).href);
        await tab.locator('svg#schedule g.step').first().waitFor();
        const measure = () =>
          tab.evaluate(() => {
            const bars = [...document.querySelectorAll('svg#schedule g.step rect')].map((r) =>
              r.getBoundingClientRect(),
            );
            return {
              steps: bars.length,
              lanes: document.querySelectorAll('svg#schedule g.lane-label').length,
              scrollW: document.documentElement.scrollWidth,
              scrollH: document.documentElement.scrollHeight,
              w: innerWidth,
              h: innerHeight,
              right: Math.max(...bars.map((b) => b.right)),
              barWidth: bars[0].width,
            };
          });
        const fitted = await measure();
        t.diagnostic(JSON.stringify(fitted));
        assert.equal(fitted.steps, 300);
        assert.ok(fitted.scrollW <= fitted.w && fitted.scrollH <= fitted.h, 'the page does not scroll');
        assert.ok(fitted.right <= fitted.w, 'every step is in view');
        assert.ok(fitted.lanes <= 4, `identical messages collapse (${fitted.lanes} lanes)`);
        await tab.screenshot({ path: path.join(artifacts, 't7-simulate-page-80x300.png') });
        for (let i = 0; i < 4; i++) await tab.locator('button[data-action=zoom-in]').click();
        const zoomed = await measure();
        assert.ok(
          zoomed.barWidth > fitted.barWidth * 4,
          `zoom widens the steps (${fitted.barWidth} → ${zoomed.barWidth})`,
        );
        await tab.screenshot({ path: path.join(artifacts, 't7-simulate-page-zoomed.png') });
      } finally {
        await tab.close();
      }
    });
  });
});
