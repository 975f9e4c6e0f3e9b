/**
 * The timeline's pure logic (server/src/timeline): identical messages collapse into one expandable lane, the
 * schedule fits the panel and zoom/pan stay within it, labels are cut to fit, the theme colours keep text at
 * 4.5:1 in light, dark and high-contrast themes, and every simulated step knows where its code is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulateWithSources } from '../src/schedule/simulate';
import type { SimStep, Simulation } from '../src/schedule/types';
import { contrastRatio, parseColor, readableOn, TEXT_CONTRAST } from '../src/timeline/contrast';
import {
  COLLAPSE_MIN,
  LABEL_W,
  MAX_STEP_W,
  MIN_LANE_H,
  axisEvery,
  centreOnStep,
  clampPanX,
  fitLabel,
  fittedLaneHeight,
  fittedStepWidth,
  laneLayout,
  maxZoom,
  visibleSteps,
} from '../src/timeline/layout';
import { resolvePalette, type Palette } from '../src/timeline/palette';
import { analyzeCase } from './helpers/annotations';
import { repoRoot } from './helpers/paths';

const step = (
  n: number,
  message: string,
  segment: number,
  reads: string[] = [],
  writes: string[] = [],
): SimStep => ({
  step: n,
  message,
  entryPoint: message.split('#')[0],
  segment,
  reads,
  writes,
});

/** `pay` × n (two segments each, all alike) and one `top`, run one after another. */
function manyPays(n: number, witness = false): Simulation {
  const messages = [...Array(n).keys()].map((i) => ({ id: `pay#${i + 1}`, entryPoint: 'pay' }));
  messages.push({ id: 'top#1', entryPoint: 'top' });
  const steps: SimStep[] = [];
  for (const m of messages.slice(0, n)) steps.push(step(steps.length + 1, m.id, 0, ['balance']));
  steps.push(step(steps.length + 1, 'top#1', 0, [], ['balance']));
  for (const m of messages.slice(0, n)) steps.push(step(steps.length + 1, m.id, 1, [], ['balance']));
  return {
    policy: witness ? 'adversarial' : 'ic',
    messages,
    steps,
    ...(witness
      ? {
          witness: {
            rule: 'check-then-act',
            entryPoint: 'pay',
            commitPointLine: 3,
            state: ['balance'],
            messages: ['pay#1', 'pay#2'] as [string, string],
            steps: [1, 2, n + 2],
            explanation: '',
          },
        }
      : {}),
  };
}

test('identical messages of one entry point share one lane from COLLAPSE_MIN on; expanding gives each its lane', () => {
  const sim = manyPays(80);
  const { lanes, laneOf } = laneLayout(sim, new Set());
  assert.deepEqual(
    lanes.map((l) => l.label),
    ['pay ×80', 'top#1'],
  );
  assert.equal(lanes[0].messages.length, 80);
  assert.deepEqual(lanes[0].group, { key: 'group:pay#1', size: 80, expanded: false, toggle: true });
  assert.equal(laneOf.get('pay#57'), 0);
  assert.equal(laneOf.get('top#1'), 1);

  const open = laneLayout(sim, new Set(['group:pay#1']));
  assert.equal(open.lanes.length, 81);
  assert.equal(open.lanes[0].group?.toggle, true, 'the first member carries the toggle');
  assert.equal(open.lanes[1].group?.toggle, false);
  assert.equal(open.laneOf.get('top#1'), 80);

  const few = laneLayout(manyPays(COLLAPSE_MIN - 1), new Set());
  assert.equal(few.lanes.length, COLLAPSE_MIN, 'too few to collapse');
});

test('messages that behave differently, and the witness messages, are not collapsed', () => {
  const sim = manyPays(6, true);
  // pay#6 skips its second segment: it is not like the others.
  sim.steps = sim.steps.filter((s) => !(s.message === 'pay#6' && s.segment === 1));
  const { lanes } = laneLayout(sim, new Set());
  assert.deepEqual(
    lanes.map((l) => l.label),
    ['pay#1', 'pay#2', 'pay ×3', 'pay#6', 'top#1'],
  );
});

test('the schedule fits the panel: 300 steps in 900 px, a short one stays compact, lanes fit or scroll', () => {
  assert.equal(fittedStepWidth(300, 900), 3);
  assert.equal(fittedStepWidth(4, 900), MAX_STEP_W);
  assert.ok(fittedStepWidth(300, 900) * 300 <= 900);
  assert.equal(fittedLaneHeight(2, 500), 44);
  assert.equal(fittedLaneHeight(20, 500), 25);
  assert.equal(
    fittedLaneHeight(81, 500),
    MIN_LANE_H,
    'too many lanes: the least readable height, then scroll',
  );
  assert.ok(maxZoom(3) * 3 >= 200, 'one can zoom in until a step is readable');
  assert.equal(maxZoom(MAX_STEP_W * 10), 1);
});

test('panning stays within the schedule and centring a step shows it', () => {
  const stepW = 3;
  const content = 300 * stepW;
  assert.equal(clampPanX(-50, 1, content, 900), 0, 'fitted: nothing to pan');
  assert.equal(clampPanX(100, 4, content, 900), 0, 'no space before the first step');
  assert.equal(clampPanX(-99999, 4, content, 900), 900 - content * 4, 'no space after the last');
  const x = centreOnStep(150, 10, stepW, content, 900);
  const { first, last } = visibleSteps(x, 10, stepW, 900, 300);
  assert.ok(first <= 150 && 150 <= last, `${first}..${last}`);
  assert.ok(last - first < 40, 'zoomed in: a few steps');
  assert.deepEqual(visibleSteps(0, 1, stepW, 900, 300), { first: 1, last: 300 });
});

test('axis numbers and labels are thinned and cut to fit', () => {
  assert.equal(axisEvery(96), 1);
  assert.equal(axisEvery(3), 20);
  assert.equal(fitLabel('withdraw#12', 200), 'withdraw#12');
  assert.equal(fitLabel('withdrawFunds#12', 60), 'withdraw…');
  assert.equal(fitLabel('seg 1', 10), undefined);
  assert.ok(LABEL_W >= 120);
});

test('contrast ratios follow WCAG (black on white 21:1, parsing of theme colour forms)', () => {
  const white = parseColor('#fff')!;
  const black = parseColor('rgb(0, 0, 0)')!;
  assert.equal(Math.round(contrastRatio(white, black)), 21);
  assert.equal(contrastRatio(white, white), 1);
  assert.deepEqual(parseColor('#11223380'), { r: 0x11, g: 0x22, b: 0x33, a: 0x80 / 255 });
  assert.deepEqual(parseColor('rgba(10, 20, 30, 0.5)'), { r: 10, g: 20, b: 30, a: 0.5 });
  assert.equal(parseColor('var(--x)'), undefined);
  // A faint grey on dark grey falls back to what is readable.
  const bg = parseColor('#1f1f1f')!;
  const chosen = parseColor(readableOn(bg, [parseColor('#444444')]))!;
  assert.ok(contrastRatio(chosen, bg) >= TEXT_CONTRAST);
});

/** Theme variables as VS Code 1.100 sets them (Dark Modern, Light Modern, the two high-contrast themes). */
const THEMES: Record<string, Record<string, string>> = {
  dark: {
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
    '--vscode-editorWidget-border': '#313131',
  },
  light: {
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
  },
  'high contrast': {
    '--vscode-editor-background': '#000000',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-charts-red': '#f48771',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-contrastActiveBorder': '#f38518',
  },
  'high contrast light': {
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#292929',
    '--vscode-charts-red': '#b5200d',
    '--vscode-charts-blue': '#0f4a85',
    '--vscode-contrastBorder': '#0f4a85',
    '--vscode-contrastActiveBorder': '#006bbd',
  },
  'no variables (a browser without VS Code)': {},
};

function textPairs(p: Palette): [string, string, string][] {
  return [
    ['lane label', p.text, p.background],
    ['axis', p.muted, p.background],
    ['witness outline', p.emphasis, p.background],
    ...(['write', 'read', 'idle'] as const).map((k): [string, string, string] => [
      `${k} bar label`,
      p.onFill[k],
      p.fill[k],
    ]),
  ];
}

test('every text colour of the palette reaches 4.5:1 in light, dark and high-contrast themes', () => {
  for (const [theme, vars] of Object.entries(THEMES)) {
    const palette = resolvePalette((name) => vars[name] ?? '');
    for (const [what, fg, bg] of textPairs(palette)) {
      const ratio = contrastRatio(parseColor(fg)!, parseColor(bg)!);
      assert.ok(ratio >= TEXT_CONTRAST, `${theme}: ${what} ${fg} on ${bg} is ${ratio.toFixed(2)}:1`);
    }
    assert.ok(
      contrastRatio(parseColor(palette.suspended)!, parseColor(palette.background)!) >= 3,
      `${theme}: the suspended line stands out`,
    );
  }
  assert.equal(resolvePalette((n) => THEMES['high contrast'][n] ?? '').border, '#6fc3df');
  // The black witness outline of old had 1.3:1 on a dark background.
  assert.notEqual(resolvePalette((n) => THEMES.dark[n] ?? '').emphasis, '#000000');
});

test('every simulated step knows its segment code and the commit point that ends it', async () => {
  const dir = join(repoRoot, 'examples', 'motoko', 's5-withdraw-check-after-await');
  const { result } = await analyzeCase(dir);
  const { simulation, sources } = simulateWithSources(
    result.analysis.entryPoints,
    result.findings,
    [{ name: 'withdraw', count: 2 }],
    'adversarial',
  );
  assert.equal(sources.length, simulation.steps.length);
  const cp = simulation.witness!.commitPointLine - 1;
  for (const [i, s] of simulation.steps.entries()) {
    const src = sources[i];
    assert.equal(src.step, s.step);
    assert.match(src.segment.file, /main\.mo$/);
    if (s.segment === 0) {
      assert.equal(src.commitPoint?.range.start.line, cp, 'segment 0 ends at the commit point');
      assert.ok(src.segment.range.start.line < cp && src.segment.range.end.line === cp);
    } else {
      assert.equal(src.commitPoint, undefined, 'the last segment ends the message');
      assert.equal(src.segment.range.start.line, cp, 'segment 1 starts at the commit point');
    }
  }
});
