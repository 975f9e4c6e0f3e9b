/** The timeline's stylesheet (installed once by the renderer): layout, and colours from the `--tl-*` palette. */
export const TIMELINE_CSS = `
.tl { display: flex; flex-direction: column; min-height: 0; color: var(--tl-text); background: var(--tl-bg);
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: 12px; }
.tl-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 2px 0 6px; }
.tl-toolbar button, .tl-toolbar input { font: inherit; color: var(--tl-text); background: var(--tl-bg);
  border: 1px solid var(--tl-muted); border-radius: 3px; padding: 1px 8px; min-width: 28px; }
.tl-toolbar input { width: 4.5em; }
.tl-toolbar button[aria-pressed="true"] { background: var(--tl-text); color: var(--tl-bg); }
.tl-toolbar button:focus-visible, .tl-toolbar input:focus-visible { outline: 2px solid var(--tl-emphasis); outline-offset: 1px; }
.tl-hint { color: var(--tl-muted); }
.tl-main { position: relative; flex: 1 1 auto; min-height: 140px; }
.tl-main > svg { position: absolute; inset: 0; width: 100%; height: 100%; display: block; cursor: grab;
  touch-action: none; user-select: none; }
.tl-overview { flex: none; display: block; width: 100%; height: 36px; margin-top: 4px; cursor: pointer;
  border-top: 1px solid var(--tl-grid); }
.tl-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 6px 0 0; padding: 0; }
.tl-legend li { display: flex; align-items: center; gap: 5px; }
.tl svg text { font-size: 11px; fill: var(--tl-text); }
.tl .axis text { fill: var(--tl-muted); }
.tl .label-bg { fill: var(--tl-bg); }
.tl .grid line { stroke: var(--tl-grid); }
.tl .bar.write { fill: var(--tl-write); }
.tl .bar.read { fill: var(--tl-read); }
.tl .bar.idle { fill: var(--tl-idle); }
.tl .bar { stroke: var(--tl-border, none); stroke-width: 1; }
.tl text.on-write { fill: var(--tl-on-write); }
.tl text.on-read { fill: var(--tl-on-read); }
.tl text.on-idle { fill: var(--tl-on-idle); }
.tl text.access { font-size: 10px; }
.tl .step.witness .bar, .tl .witness-outline { stroke: var(--tl-emphasis); stroke-width: 2.5; }
.tl .conflict { stroke: var(--tl-emphasis); stroke-width: 2; }
.tl .gap { stroke: var(--tl-suspended); stroke-dasharray: 3 3; }
.tl .tick { stroke: var(--tl-suspended); stroke-width: 2; }
.tl .hit { fill: transparent; }
.tl .legend-glyph { fill: var(--tl-text); }
.tl g.step, .tl g.commit, .tl g.lane-label.toggle { cursor: pointer; outline: none; }
.tl g.step:focus .bar { stroke: var(--tl-emphasis); stroke-width: 3; stroke-dasharray: 4 2; }
.tl g.commit:focus .tick { stroke: var(--tl-emphasis); stroke-width: 4; }
.tl g.lane-label.toggle:focus text { text-decoration: underline; fill: var(--tl-emphasis); }
.tl-overview .window { fill: none; stroke: var(--tl-emphasis); stroke-width: 1.5; }
.tl-overview .overview-label { fill: var(--tl-muted); }
`;
