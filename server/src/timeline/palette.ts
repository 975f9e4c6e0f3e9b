/**
 * The timeline's colours, taken from the editor theme's `--vscode-*` variables (VS Code sets them in every
 * webview; the standalone page defines light and dark values of its own) and checked for contrast: every text
 * colour reaches 4.5:1 against what it is drawn on, and the witness outline and conflict line stand out from
 * the background as much as text does (they were 1.3:1 black-on-dark before).
 */
import { blackOrWhite, over, parseColor, readableOn, toHex, type Rgba } from './contrast';

export type StepKind = 'write' | 'read' | 'idle';

export interface Palette {
  background: string;
  /** Lane labels, access labels, the legend. */
  text: string;
  /** The step axis (a quieter colour when the theme's one is readable). */
  muted: string;
  fill: Record<StepKind, string>;
  /** Text inside a bar of each kind. */
  onFill: Record<StepKind, string>;
  /** Witness outline, conflict line, keyboard focus ring. */
  emphasis: string;
  /** The dashed line of a message suspended at a commit point, and the commit point tick. */
  suspended: string;
  /** Lane separators. */
  grid: string;
  /** High-contrast themes: a border around every bar. */
  border?: string;
}

/** The theme variables the palette reads, in order of preference per role. */
export const THEME_VARIABLES = {
  background: ['--vscode-editor-background', '--vscode-sideBar-background'],
  text: ['--vscode-editor-foreground', '--vscode-foreground'],
  muted: ['--vscode-descriptionForeground'],
  write: ['--vscode-charts-red'],
  read: ['--vscode-charts-blue'],
  idle: ['--vscode-charts-lines', '--vscode-disabledForeground'],
  emphasis: ['--vscode-contrastActiveBorder', '--vscode-editor-foreground', '--vscode-foreground'],
  suspended: ['--vscode-descriptionForeground', '--vscode-foreground'],
  grid: ['--vscode-editorWidget-border', '--vscode-panel-border'],
  border: ['--vscode-contrastBorder'],
} as const;

const FALLBACK = {
  write: '#d73a49',
  read: '#2f6fbf',
  idle: '#8a8a8a',
};

/** `read(name)` returns a CSS variable's value ('' when unset). */
export function resolvePalette(read: (variable: string) => string): Palette {
  const first = (names: readonly string[]): Rgba | undefined => {
    for (const n of names) {
      const c = parseColor(read(n));
      if (c) return c;
    }
    return undefined;
  };
  const bgRaw = first(THEME_VARIABLES.background) ?? { r: 255, g: 255, b: 255, a: 1 };
  const bg = over(bgRaw, { r: 255, g: 255, b: 255, a: 1 });
  const fg = first(THEME_VARIABLES.text);
  const text = readableOn(bg, [fg]);
  const solid = (c: Rgba | undefined, fallback: string) => over(c ?? parseColor(fallback)!, bg);
  const fills: Record<StepKind, Rgba> = {
    write: solid(first(THEME_VARIABLES.write), FALLBACK.write),
    read: solid(first(THEME_VARIABLES.read), FALLBACK.read),
    idle: solid(first(THEME_VARIABLES.idle), FALLBACK.idle),
  };
  const onFill = (fill: Rgba) => readableOn(fill, [bg, fg]);
  const border = first(THEME_VARIABLES.border);
  return {
    background: toHex(bg),
    text,
    muted: readableOn(bg, [first(THEME_VARIABLES.muted), fg]),
    fill: { write: toHex(fills.write), read: toHex(fills.read), idle: toHex(fills.idle) },
    onFill: { write: onFill(fills.write), read: onFill(fills.read), idle: onFill(fills.idle) },
    emphasis: readableOn(bg, [first(THEME_VARIABLES.emphasis)]),
    suspended: readableOn(bg, [first(THEME_VARIABLES.suspended), fg], 3),
    grid: toHex(over(first(THEME_VARIABLES.grid) ?? { ...blackOrWhite(bg), a: 0.15 }, bg)),
    ...(border ? { border: toHex(over(border, bg)) } : {}),
  };
}

export function stepKind(step: { reads: string[]; writes: string[] }): StepKind {
  return step.writes.length ? 'write' : step.reads.length ? 'read' : 'idle';
}
