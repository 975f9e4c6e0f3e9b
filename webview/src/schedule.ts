/**
 * The timeline renderer, shared by the VS Code panel (main.ts) and the standalone `simulate` page
 * (schedule-page.ts): one lane per message (identical messages of one entry point collapse into an expandable
 * lane), one bar per step at its place in the canister's single execution order, a dashed line while a message
 * is suspended at a commit point (a tick marks the commit point), the witness outlined with its conflict line.
 *
 * The whole schedule fits the panel at first; Ctrl+wheel, +/− or the buttons zoom the time axis, dragging or the
 * wheel pans, the overview strip shows (and moves) the visible window, and lane labels stay put. Every step and
 * commit point is a focusable button with an accessible name (arrows move between them, Enter reveals the code).
 * Colours come from the theme (palette.ts) through CSS variables, so a theme change only repaints.
 */
import * as d3 from 'd3';
import type { SimStep, Simulation, SourceSpan, StepSource } from '../../server/src/schedule/types';
import {
  ACCESS_LABEL_MIN_LANE_H,
  AXIS_H,
  LABEL_W,
  axisEvery,
  centreOnStep,
  clampPanX,
  fitLabel,
  fittedLaneHeight,
  fittedStepWidth,
  laneLayout,
  maxZoom,
  visibleSteps,
  type Lane,
} from '../../server/src/timeline/layout';
import { resolvePalette, stepKind, type Palette } from '../../server/src/timeline/palette';
import { TIMELINE_CSS } from './timeline-css';

/** What the reader did to the view, kept across reloads of the panel. */
export interface TimelineView {
  /** Zoom factor of the time axis (1 = fitted) and horizontal pan in px. */
  k: number;
  x: number;
  y: number;
  expanded: string[];
}

export interface ShowOptions {
  sources?: StepSource[];
  /** Called when a step or commit point is activated (click, Enter); absent: nothing to reveal. */
  onReveal?: (span: SourceSpan) => void;
  view?: TimelineView;
  onViewChange?: (view: TimelineView) => void;
}

interface Item {
  kind: 'step' | 'commit';
  step: SimStep;
  lane: number;
  witness: boolean;
  span?: SourceSpan;
}

const OVERVIEW_H = 36;

let cssInstalled = false;

function installCss(): void {
  if (cssInstalled) return;
  cssInstalled = true;
  const style = document.createElement('style');
  style.textContent = TIMELINE_CSS;
  document.head.appendChild(style);
}

function accessText(s: SimStep): string {
  const parts: string[] = [];
  if (s.reads.length) parts.push(`r ${s.reads.join(' ')}`);
  if (s.writes.length) parts.push(`w ${s.writes.join(' ')}`);
  return parts.join(' · ') || '—';
}

function lineOf(span: SourceSpan | undefined): string {
  return span ? ` (line ${span.range.start.line + 1})` : '';
}

export class Timeline {
  readonly root: HTMLElement;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly overview: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;
  private sim: Simulation | undefined;
  private options: ShowOptions = {};
  private lanes: Lane[] = [];
  private laneOf = new Map<string, number>();
  private items: Item[] = [];
  private expanded = new Set<string>();
  private current = 0;
  private stepW = 1;
  private laneH = 44;
  private panY = 0;
  private t = d3.zoomIdentity;
  private width = 0;
  private height = 0;

  constructor(container: HTMLElement) {
    installCss();
    this.root = container;
    container.classList.add('tl');
    container.replaceChildren();
    const toolbar = d3
      .select(container)
      .append('div')
      .attr('class', 'tl-toolbar')
      .attr('role', 'toolbar')
      .attr('aria-label', 'Timeline view');
    const button = (action: string, text: string, label: string, run: () => void) =>
      toolbar
        .append('button')
        .attr('type', 'button')
        .attr('data-action', action)
        .attr('aria-label', label)
        .attr('title', label)
        .text(text)
        .on('click', run);
    button('fit', 'Fit', 'Fit the whole schedule (0)', () => this.fit());
    button('zoom-out', '−', 'Zoom out (−)', () => this.zoomBy(1 / 1.6));
    button('zoom-in', '+', 'Zoom in (+)', () => this.zoomBy(1.6));
    toolbar
      .append('span')
      .attr('class', 'tl-hint')
      .text('Ctrl+wheel or +/− zooms, drag or wheel pans, Enter on a step shows its code');
    const main = d3.select(container).append('div').attr('class', 'tl-main');
    this.svg = main.append('svg').attr('id', 'schedule').attr('role', 'group');
    this.overview = d3
      .select(container)
      .append('svg')
      .attr('class', 'tl-overview')
      .attr('role', 'img')
      .attr('aria-label', 'Overview of the whole schedule; click or drag to move the view');
    this.legend(d3.select(container));

    this.zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .filter((event: Event) => {
        if (event.type === 'wheel') return (event as WheelEvent).ctrlKey || (event as WheelEvent).metaKey;
        const e = event as MouseEvent;
        return !e.ctrlKey && !e.button;
      })
      .constrain((t) => this.constrain(t))
      .on('zoom', (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        const src = event.sourceEvent as MouseEvent | null;
        if (src && (src.type === 'mousemove' || src.type === 'pointermove')) this.panBy(0, src.movementY);
        this.t = event.transform;
        this.position();
        this.changed();
      });
    this.svg.call(this.zoom).on('dblclick.zoom', null);
    this.svg.on('wheel.pan', (event: WheelEvent) => {
      if (event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY))
        this.zoom.translateBy(this.svg, -(event.deltaX || event.deltaY) / this.t.k, 0);
      else this.panBy(0, -event.deltaY);
    });
    this.svg.on('keydown', (event: KeyboardEvent) => this.onKey(event));
    // Focus that arrives by a click or a script also moves the roving tab stop.
    this.svg.on('focusin', (event: FocusEvent) => {
      const target = event.target as Element;
      if (!target.matches('g.step, g.commit')) return;
      const item = d3.select<Element, Item>(target).datum();
      const index = this.items.indexOf(item);
      if (index >= 0 && index !== this.current) {
        this.current = index;
        this.setTabStop();
      }
    });
    this.overview.call(
      d3
        .drag<SVGSVGElement, unknown>()
        .on('start drag', (event: d3.D3DragEvent<SVGSVGElement, unknown, unknown>) =>
          this.moveTo(event.x, event.y),
        ),
    );
    new ResizeObserver(() => this.layout()).observe(main.node()!);
    // VS Code swaps the theme variables (on <html>) and the body's class when the theme changes: repaint. The
    // palette goes on <body> (not observed), so that the page's captions use it too.
    const repaint = new MutationObserver(() => this.paint());
    repaint.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    repaint.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    this.paint();
  }

  show(sim: Simulation, options: ShowOptions = {}): void {
    this.sim = sim;
    this.options = options;
    this.expanded = new Set(options.view?.expanded ?? []);
    this.t = options.view ? d3.zoomIdentity.scale(options.view.k) : d3.zoomIdentity;
    this.panY = options.view?.y ?? 0;
    this.current = 0;
    this.build();
    if (options.view) {
      const x = options.view.x;
      this.t = d3.zoomIdentity.translate(x + LABEL_W - options.view.k * LABEL_W, 0).scale(options.view.k);
    }
    this.layout();
  }

  /** The current palette, for tests and the page. */
  palette(): Palette {
    const style = getComputedStyle(document.body);
    return resolvePalette((name) => style.getPropertyValue(name));
  }

  fit(): void {
    this.panY = 0;
    this.zoom.transform(this.svg, d3.zoomIdentity);
  }

  zoomBy(factor: number): void {
    const focusX = LABEL_W + (this.width - LABEL_W) / 2;
    this.zoom.scaleBy(this.svg, factor, [focusX, 0]);
  }

  view(): TimelineView {
    return { k: this.t.k, x: this.panX(), y: this.panY, expanded: [...this.expanded] };
  }

  private changed(): void {
    this.options.onViewChange?.(this.view());
  }

  /** Horizontal pan in the layout's terms (0 = first step at the label column's edge). */
  private panX(): number {
    return this.t.x + this.t.k * LABEL_W - LABEL_W;
  }

  private plotW(): number {
    return Math.max(1, this.width - LABEL_W);
  }

  private contentW(): number {
    return (this.sim?.steps.length ?? 0) * this.stepW;
  }

  private constrain(t: d3.ZoomTransform): d3.ZoomTransform {
    const x = clampPanX(t.x + t.k * LABEL_W - LABEL_W, t.k, this.contentW(), this.plotW());
    return d3.zoomIdentity.translate(x + LABEL_W - t.k * LABEL_W, 0).scale(t.k);
  }

  private panBy(_dx: number, dy: number): void {
    const contentH = this.lanes.length * this.laneH;
    const room = this.height - AXIS_H;
    this.panY = Math.min(0, Math.max(Math.min(0, room - contentH), this.panY + dy));
    this.position();
    this.changed();
  }

  private sx(step: number): number {
    return LABEL_W + this.panX() + (step - 1) * this.stepW * this.t.k;
  }

  private sy(lane: number): number {
    return AXIS_H + this.panY + lane * this.laneH;
  }

  private barH(): number {
    return Math.min(18, this.laneH - 8);
  }

  private barW(): number {
    const w = this.stepW * this.t.k;
    return Math.max(1.5, w - Math.min(8, w * 0.12));
  }

  /** Reads the theme's colours into the CSS variables the stylesheet uses. */
  private paint(): void {
    const p = this.palette();
    const style = document.body.style;
    const set = (name: string, value: string | undefined) =>
      value ? style.setProperty(name, value) : style.removeProperty(name);
    set('--tl-bg', p.background);
    set('--tl-text', p.text);
    set('--tl-muted', p.muted);
    for (const k of ['write', 'read', 'idle'] as const) {
      set(`--tl-${k}`, p.fill[k]);
      set(`--tl-on-${k}`, p.onFill[k]);
    }
    set('--tl-emphasis', p.emphasis);
    set('--tl-suspended', p.suspended);
    set('--tl-grid', p.grid);
    set('--tl-border', p.border);
  }

  private legend(parent: d3.Selection<HTMLElement, unknown, null, undefined>): void {
    const list = parent.append('ul').attr('class', 'tl-legend').attr('aria-label', 'Legend');
    const entry = (
      draw: (g: d3.Selection<SVGSVGElement, unknown, null, undefined>) => void,
      text: string,
    ) => {
      const li = list.append('li');
      const icon = li.append('svg').attr('width', 26).attr('height', 14).attr('aria-hidden', 'true');
      draw(icon);
      li.append('span').text(text);
    };
    for (const [kind, text] of [
      ['write', 'writes state'],
      ['read', 'reads state'],
      ['idle', 'no state access'],
    ] as const)
      entry(
        (s) =>
          s
            .append('rect')
            .attr('class', `bar ${kind}`)
            .attr('x', 1)
            .attr('y', 2)
            .attr('width', 24)
            .attr('height', 10)
            .attr('rx', 2),
        text,
      );
    entry(
      (s) =>
        s
          .append('rect')
          .attr('class', 'bar idle witness-outline')
          .attr('x', 2)
          .attr('y', 2)
          .attr('width', 22)
          .attr('height', 10)
          .attr('rx', 2),
      'witness step',
    );
    entry(
      (s) =>
        s.append('line').attr('class', 'conflict').attr('x1', 2).attr('y1', 12).attr('x2', 24).attr('y2', 2),
      'conflict',
    );
    entry(
      (s) => s.append('line').attr('class', 'gap').attr('x1', 0).attr('y1', 7).attr('x2', 26).attr('y2', 7),
      'suspended',
    );
    entry(
      (s) =>
        s.append('line').attr('class', 'tick').attr('x1', 13).attr('y1', 0).attr('x2', 13).attr('y2', 14),
      'commit point',
    );
    entry(
      (s) => s.append('text').attr('class', 'legend-glyph').attr('x', 4).attr('y', 11).text('▸'),
      'identical messages (expand)',
    );
  }

  /** Creates the elements for the current simulation and lane grouping. */
  private build(): void {
    const sim = this.sim;
    if (!sim) return;
    const { lanes, laneOf } = laneLayout(sim, this.expanded);
    this.lanes = lanes;
    this.laneOf = laneOf;
    const source = new Map((this.options.sources ?? []).map((s) => [s.step, s] as const));
    const witness = new Set(sim.witness?.steps ?? []);
    const last = new Map<string, SimStep>();
    const lastStepOf = new Map<string, number>();
    for (const s of sim.steps) lastStepOf.set(s.message, s.step);
    this.items = [];
    const gaps: { from: SimStep; to: SimStep }[] = [];
    for (const s of sim.steps) {
      const lane = laneOf.get(s.message) ?? 0;
      const src = source.get(s.step);
      this.items.push({ kind: 'step', step: s, lane, witness: witness.has(s.step), span: src?.segment });
      if (lastStepOf.get(s.message) !== s.step)
        this.items.push({ kind: 'commit', step: s, lane, witness: false, span: src?.commitPoint });
      const prev = last.get(s.message);
      if (prev) gaps.push({ from: prev, to: s });
      last.set(s.message, s);
    }
    const reveal = this.options.onReveal;
    const svg = this.svg;
    svg.selectAll('*').remove();
    svg.attr(
      'aria-label',
      `Schedule of ${sim.messages.length} messages in ${sim.steps.length} steps under the ${sim.policy} policy`,
    );
    if (!sim.steps.length) {
      svg.append('text').attr('x', 10).attr('y', 20).text('No steps in this scenario.');
      return;
    }
    const defs = svg.append('defs');
    defs.append('clipPath').attr('id', 'tl-clip-plot').append('rect').attr('class', 'clip-plot');
    defs.append('clipPath').attr('id', 'tl-clip-axis').append('rect').attr('class', 'clip-axis');
    defs.append('clipPath').attr('id', 'tl-clip-labels').append('rect').attr('class', 'clip-labels');
    svg.append('g').attr('class', 'axis').attr('clip-path', 'url(#tl-clip-axis)').attr('aria-hidden', 'true');
    const plot = svg.append('g').attr('class', 'plot').attr('clip-path', 'url(#tl-clip-plot)');
    plot
      .append('g')
      .attr('class', 'grid')
      .attr('aria-hidden', 'true')
      .selectAll('line')
      .data(lanes)
      .join('line');
    plot
      .append('g')
      .attr('class', 'gaps')
      .attr('aria-hidden', 'true')
      .selectAll('line')
      .data(gaps)
      .join('line')
      .attr('class', 'gap');

    const activate = (item: Item) => {
      if (item.span && reveal) reveal(item.span);
    };
    const steps = plot
      .append('g')
      .attr('class', 'steps')
      .selectAll<SVGGElement, Item>('g.step')
      .data(this.items.filter((i) => i.kind === 'step'))
      .join('g')
      .attr('class', (i) => `step ${stepKind(i.step)}${i.witness ? ' witness' : ''}`)
      .attr('role', 'button')
      .attr('tabindex', -1)
      .attr('data-step', (i) => i.step.step)
      .attr('aria-label', (i) => this.stepLabel(i, !!reveal))
      .on('click', (event: MouseEvent, i) => {
        this.focusItem(this.items.indexOf(i), false);
        activate(i);
        event.stopPropagation();
      });
    steps
      .append('rect')
      .attr('class', (i) => `bar ${stepKind(i.step)}`)
      .attr('rx', 3);
    steps.append('text').attr('class', (i) => `seg on-${stepKind(i.step)}`);
    steps.append('text').attr('class', 'access');
    steps.append('title').text((i) => this.stepLabel(i, false));

    const commits = plot
      .append('g')
      .attr('class', 'commits')
      .selectAll<SVGGElement, Item>('g.commit')
      .data(this.items.filter((i) => i.kind === 'commit'))
      .join('g')
      .attr('class', 'commit')
      .attr('role', 'button')
      .attr('tabindex', -1)
      .attr('aria-label', (i) => this.commitLabel(i, !!reveal))
      .on('click', (event: MouseEvent, i) => {
        this.focusItem(this.items.indexOf(i), false);
        activate(i);
        event.stopPropagation();
      });
    commits.append('rect').attr('class', 'hit');
    commits.append('line').attr('class', 'tick');
    commits.append('title').text((i) => this.commitLabel(i, false));

    const w = sim.witness;
    if (w && w.steps.length >= 2) {
      plot.append('line').attr('class', 'conflict').append('title').text(w.explanation);
    }

    // Sticky lane labels, drawn over the plot's left edge.
    const labels = svg.append('g').attr('class', 'labels');
    labels.append('rect').attr('class', 'label-bg');
    const laneLabels = labels
      .append('g')
      .attr('clip-path', 'url(#tl-clip-labels)')
      .selectAll<SVGGElement, Lane>('g.lane-label')
      .data(lanes)
      .join('g')
      .attr('class', (l) => `lane-label${l.group?.toggle ? ' toggle' : ''}`);
    laneLabels.append('text').attr('x', 8);
    laneLabels
      .append('title')
      .text((l) =>
        l.group && !l.group.expanded
          ? `${l.group.size} identical messages: ${l.messages.join(', ')}`
          : l.label,
      );
    laneLabels
      .filter((l) => !!l.group?.toggle)
      .attr('role', 'button')
      .attr('tabindex', 0)
      .attr('aria-expanded', (l) => String(!!l.group?.expanded))
      .attr('aria-label', (l) =>
        l.group?.expanded
          ? `Collapse the ${l.group.size} identical ${l.entryPoint} messages`
          : `${l.group?.size ?? 0} identical ${l.entryPoint} messages; expand`,
      )
      .on('click', (_e: MouseEvent, l) => this.toggle(l))
      .on('keydown', (event: KeyboardEvent, l) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          event.stopPropagation();
          this.toggle(l);
        }
      });

    // The overview: every step as a mark, and the visible window.
    this.overview.selectAll('*').remove();
    this.overview
      .append('text')
      .attr('class', 'overview-label')
      .attr('x', 8)
      .attr('y', OVERVIEW_H / 2 + 4)
      .text('Overview');
    this.overview
      .append('g')
      .attr('class', 'marks')
      .selectAll('rect')
      .data(sim.steps)
      .join('rect')
      .attr('class', (s) => `bar ${stepKind(s)}`);
    this.overview.append('rect').attr('class', 'window');

    this.current = Math.min(this.current, this.items.length - 1);
    this.setTabStop();
  }

  private stepLabel(i: Item, canReveal: boolean): string {
    const s = i.step;
    return (
      `Step ${s.step}: ${s.message}, segment ${s.segment}${lineOf(i.span)}; ` +
      `reads ${s.reads.join(', ') || 'nothing'}; writes ${s.writes.join(', ') || 'nothing'}` +
      (i.witness ? '; part of the witness' : '') +
      (canReveal && i.span ? '. Enter shows the code' : '')
    );
  }

  private commitLabel(i: Item, canReveal: boolean): string {
    return (
      `Commit point after step ${i.step.step}${lineOf(i.span)}: ${i.step.message} is suspended here and other messages may run` +
      (canReveal && i.span ? '. Enter shows the await' : '')
    );
  }

  private toggle(lane: Lane): void {
    const key = lane.group?.key;
    if (!key) return;
    if (this.expanded.has(key)) this.expanded.delete(key);
    else this.expanded.add(key);
    this.build();
    this.layout();
    this.changed();
    const again = Array.from(this.root.querySelectorAll<SVGGElement>('g.lane-label.toggle')).find(
      (g) => (d3.select(g).datum() as Lane).group?.key === key,
    );
    again?.focus();
  }

  /** Sizes: the step width that fits the panel and the lane height that fits the lanes. */
  private layout(): void {
    const node = this.svg.node()!;
    const oldPlot = this.plotW();
    this.width = node.clientWidth;
    this.height = node.clientHeight;
    const sim = this.sim;
    if (!sim || !this.width) return;
    const oldX = this.panX();
    this.stepW = fittedStepWidth(sim.steps.length, this.plotW());
    this.laneH = fittedLaneHeight(this.lanes.length, this.height - AXIS_H);
    this.zoom.scaleExtent([1, maxZoom(this.stepW)]).extent([
      [LABEL_W, 0],
      [this.width, this.height],
    ]);
    const k = Math.min(this.t.k, maxZoom(this.stepW));
    const x = oldPlot > 1 ? (oldX * this.plotW()) / oldPlot : oldX;
    this.zoom.transform(this.svg, d3.zoomIdentity.translate(x + LABEL_W - k * LABEL_W, 0).scale(k));
    this.panBy(0, 0);
    this.position();
  }

  /** Puts every element where the current zoom and pan say (labels that do not fit are left out). */
  private position(): void {
    const sim = this.sim;
    if (!sim || !sim.steps.length || !this.width) return;
    const svg = this.svg;
    const W = this.width;
    const H = this.height;
    const barH = this.barH();
    const barW = this.barW();
    const scaledStep = this.stepW * this.t.k;
    const showAccess = this.laneH >= ACCESS_LABEL_MIN_LANE_H;
    svg
      .select('.clip-plot')
      .attr('x', LABEL_W)
      .attr('y', AXIS_H)
      .attr('width', this.plotW())
      .attr('height', Math.max(0, H - AXIS_H));
    svg
      .select('.clip-axis')
      .attr('x', LABEL_W)
      .attr('y', 0)
      .attr('width', this.plotW())
      .attr('height', AXIS_H);
    svg
      .select('.clip-labels')
      .attr('x', 0)
      .attr('y', AXIS_H)
      .attr('width', LABEL_W)
      .attr('height', Math.max(0, H - AXIS_H));
    svg.select('.label-bg').attr('x', 0).attr('y', 0).attr('width', LABEL_W).attr('height', H);

    // Axis: the step numbers that are visible, every n-th.
    const every = axisEvery(scaledStep);
    const { first, last } = visibleSteps(this.panX(), this.t.k, this.stepW, this.plotW(), sim.steps.length);
    const ticks: number[] = [];
    for (let n = Math.max(1, Math.ceil(first / every) * every); n <= last; n += every) ticks.push(n);
    if (every > 1 && first === 1) ticks.unshift(1);
    svg
      .select('g.axis')
      .selectAll('text')
      .data(ticks)
      .join('text')
      .attr('x', (n) => this.sx(n) + scaledStep / 2)
      .attr('y', 14)
      .attr('text-anchor', 'middle')
      .text((n) => String(n));

    svg
      .select('g.grid')
      .selectAll<SVGLineElement, Lane>('line')
      .attr('x1', LABEL_W)
      .attr('x2', W)
      .attr('y1', (_l, i) => this.sy(i + 1) - 1)
      .attr('y2', (_l, i) => this.sy(i + 1) - 1);

    const top = (lane: number) => this.sy(lane) + 4;
    svg
      .select('g.gaps')
      .selectAll<SVGLineElement, { from: SimStep; to: SimStep }>('line')
      .attr('x1', (d) => this.sx(d.from.step) + barW)
      .attr('x2', (d) => this.sx(d.to.step))
      .attr('y1', (d) => top(this.laneOf.get(d.from.message) ?? 0) + barH / 2)
      .attr('y2', (d) => top(this.laneOf.get(d.from.message) ?? 0) + barH / 2);

    const steps = svg.selectAll<SVGGElement, Item>('g.step');
    steps.attr('transform', (i) => `translate(${this.sx(i.step.step)}, ${top(i.lane)})`);
    steps.select('rect').attr('width', barW).attr('height', barH);
    steps
      .select('text.seg')
      .attr('x', 4)
      .attr('y', barH / 2 + 4)
      .text((i) => fitLabel(`seg ${i.step.segment}`, barW - 6) ?? '');
    steps
      .select('text.access')
      .attr('x', 0)
      .attr('y', barH + 12)
      .text((i) => (showAccess ? (fitLabel(accessText(i.step), scaledStep - 4) ?? '') : ''));

    const commits = svg.selectAll<SVGGElement, Item>('g.commit');
    commits.attr('transform', (i) => `translate(${this.sx(i.step.step) + barW}, ${top(i.lane)})`);
    commits
      .select('line')
      .attr('x1', 0)
      .attr('x2', 0)
      .attr('y1', -3)
      .attr('y2', barH + 3);
    commits
      .select('rect.hit')
      .attr('x', -4)
      .attr('y', -3)
      .attr('width', 8)
      .attr('height', barH + 6);

    const w = sim.witness;
    if (w && w.steps.length >= 2) {
      const byStep = new Map(sim.steps.map((s) => [s.step, s] as const));
      const a = byStep.get(w.steps[0]);
      const b = byStep.get(w.steps[1]);
      if (a && b) {
        const la = this.laneOf.get(a.message) ?? 0;
        const lb = this.laneOf.get(b.message) ?? 0;
        const down = lb >= la;
        svg
          .select('line.conflict')
          .attr('x1', this.sx(a.step) + barW / 2)
          .attr('y1', top(la) + (down ? barH : 0))
          .attr('x2', this.sx(b.step) + barW / 2)
          .attr('y2', top(lb) + (down ? 0 : barH));
      }
    }

    svg
      .selectAll<SVGGElement, Lane>('g.lane-label')
      .select('text')
      .attr('y', (_l, i) => this.sy(i) + 4 + barH / 2 + 4)
      .text((l) => {
        const glyph = l.group?.toggle ? (l.group.expanded ? '▾ ' : '▸ ') : l.group ? '  ' : '';
        return fitLabel(glyph + l.label, LABEL_W - 14) ?? '';
      });

    // Overview.
    const ow = this.overview.node()!.clientWidth || W;
    const oPlot = Math.max(1, ow - LABEL_W);
    const oStep = oPlot / sim.steps.length;
    const oLane = (OVERVIEW_H - 6) / Math.max(1, this.lanes.length);
    this.overview
      .select('g.marks')
      .selectAll<SVGRectElement, SimStep>('rect')
      .attr('x', (s) => LABEL_W + (s.step - 1) * oStep)
      .attr('width', Math.max(1, oStep - (oStep > 3 ? 1 : 0)))
      .attr('y', (s) => 3 + (this.laneOf.get(s.message) ?? 0) * oLane)
      .attr('height', Math.max(1, oLane - (oLane > 3 ? 1 : 0)));
    const scaled = this.stepW * this.t.k;
    const u0 = -this.panX() / scaled;
    const u1 = Math.min(sim.steps.length, u0 + this.plotW() / scaled);
    const contentH = this.lanes.length * this.laneH;
    const room = H - AXIS_H;
    const fy = contentH > room ? -this.panY / contentH : 0;
    const fh = contentH > room ? room / contentH : 1;
    this.overview
      .select('rect.window')
      .attr('x', LABEL_W + u0 * oStep)
      .attr('width', Math.max(2, (u1 - u0) * oStep))
      .attr('y', 1 + fy * (OVERVIEW_H - 2))
      .attr('height', Math.max(2, fh * (OVERVIEW_H - 2)));
  }

  /** Centres the view on a point of the overview. */
  private moveTo(px: number, py: number): void {
    const sim = this.sim;
    if (!sim || !sim.steps.length) return;
    const ow = this.overview.node()!.clientWidth || this.width;
    const frac = Math.min(1, Math.max(0, (px - LABEL_W) / Math.max(1, ow - LABEL_W)));
    const step = frac * sim.steps.length + 0.5;
    const x = centreOnStep(step, this.t.k, this.stepW, this.contentW(), this.plotW());
    this.zoom.transform(
      this.svg,
      d3.zoomIdentity.translate(x + LABEL_W - this.t.k * LABEL_W, 0).scale(this.t.k),
    );
    const contentH = this.lanes.length * this.laneH;
    const fy = Math.min(1, Math.max(0, py / OVERVIEW_H));
    this.panY = 0;
    this.panBy(0, (this.height - AXIS_H) / 2 - fy * contentH);
  }

  /** Roving focus: one item is in the tab order, the arrows move between items. */
  private setTabStop(): void {
    const current = this.items[this.current];
    this.svg
      .selectAll<SVGGElement, Item>('g.step, g.commit')
      .attr('tabindex', (i) => (i === current ? 0 : -1));
  }

  private elementOf(item: Item): SVGGElement | undefined {
    return (
      this.svg
        .selectAll<SVGGElement, Item>('g.step, g.commit')
        .filter((i) => i === item)
        .node() ?? undefined
    );
  }

  private focusItem(index: number, scroll = true): void {
    if (index < 0 || index >= this.items.length) return;
    this.current = index;
    this.setTabStop();
    const item = this.items[index];
    if (scroll) this.ensureVisible(item);
    this.elementOf(item)?.focus();
  }

  private ensureVisible(item: Item): void {
    const x = this.sx(item.step.step);
    if (x < LABEL_W || x + this.barW() > this.width) {
      const pan = centreOnStep(item.step.step, this.t.k, this.stepW, this.contentW(), this.plotW());
      this.zoom.transform(
        this.svg,
        d3.zoomIdentity.translate(pan + LABEL_W - this.t.k * LABEL_W, 0).scale(this.t.k),
      );
    }
    const y = this.sy(item.lane);
    if (y < AXIS_H || y + this.laneH > this.height) this.panBy(0, (AXIS_H + this.height) / 2 - y);
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as Element;
    const onItem = target.matches('g.step, g.commit');
    const key = event.key;
    if (key === '+' || key === '=') this.zoomBy(1.6);
    else if (key === '-' || key === '_') this.zoomBy(1 / 1.6);
    else if (key === '0') this.fit();
    else if (onItem && (key === 'Enter' || key === ' ')) {
      const item = this.items[this.current];
      if (item?.span) this.options.onReveal?.(item.span);
    } else if (onItem && (key === 'ArrowRight' || key === 'ArrowLeft')) {
      this.focusItem(this.current + (key === 'ArrowRight' ? 1 : -1));
    } else if (onItem && (key === 'Home' || key === 'End')) {
      this.focusItem(key === 'Home' ? 0 : this.items.length - 1);
    } else if (onItem && (key === 'ArrowUp' || key === 'ArrowDown')) {
      const from = this.items[this.current];
      const lane = from.lane + (key === 'ArrowDown' ? 1 : -1);
      let best = -1;
      this.items.forEach((i, n) => {
        if (i.lane !== lane || i.kind !== 'step') return;
        if (
          best < 0 ||
          Math.abs(i.step.step - from.step.step) < Math.abs(this.items[best].step.step - from.step.step)
        )
          best = n;
      });
      if (best >= 0) this.focusItem(best);
    } else if (!onItem && (key === 'ArrowRight' || key === 'ArrowLeft')) {
      this.zoom.translateBy(this.svg, ((key === 'ArrowLeft' ? 1 : -1) * this.plotW()) / 4 / this.t.k, 0);
    } else if (!onItem && (key === 'ArrowUp' || key === 'ArrowDown')) {
      this.panBy(0, (key === 'ArrowUp' ? 1 : -1) * this.laneH * 2);
    } else return;
    event.preventDefault();
  }
}
