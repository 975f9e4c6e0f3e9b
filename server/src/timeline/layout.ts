/**
 * The geometry of the timeline, as plain functions of the simulation and the panel's size: which messages share
 * a lane (identical messages of one entry point collapse into one expandable lane), how wide a step is so that
 * the whole schedule fits the panel, how far one may zoom and pan, and which labels fit. The d3 renderer
 * (webview/src/schedule.ts) draws what these say; tests check them without a browser.
 */
import type { SimStep, Simulation } from '../schedule/types';

/** Identical messages of one entry point collapse into one lane from this many on. */
export const COLLAPSE_MIN = 3;
/** Width of the sticky lane label column. */
export const LABEL_W = 160;
/** Height of the step axis above the lanes. */
export const AXIS_H = 20;
/** A step is never wider than this at the fitted zoom (a short schedule does not stretch across the panel). */
export const MAX_STEP_W = 96;
/** Zooming in stops when a step is this wide. */
export const MAX_ZOOMED_STEP_W = 240;
/** Lane heights: full (with the access label under the bar), and the least before the lanes scroll. */
export const LANE_H = 44;
export const MIN_LANE_H = 22;
/** Lanes at least this tall show what each step reads and writes under its bar. */
export const ACCESS_LABEL_MIN_LANE_H = 40;
/** Approximate width of one character of the 11px label font, for truncation without measuring. */
export const CHAR_W = 6.6;

export interface LaneGroup {
  /** Stable for a simulation: `group:` and the first member's id. */
  key: string;
  size: number;
  expanded: boolean;
  /** The lane that carries the group's toggle (the collapsed lane, or the first member when expanded). */
  toggle: boolean;
}

export interface Lane {
  /** The message id, or the group key for a collapsed group. */
  key: string;
  label: string;
  entryPoint: string;
  /** The messages drawn in this lane: one, or every member of a collapsed group. */
  messages: string[];
  group?: LaneGroup;
}

export interface Lanes {
  lanes: Lane[];
  /** Lane index of every message. */
  laneOf: Map<string, number>;
}

/** What a message does, step by step (segment, reads, writes): equal for messages that behave the same. */
export function behaviour(steps: SimStep[]): string {
  return steps.map((s) => `${s.segment}:${s.reads.join(',')}:${s.writes.join(',')}`).join('|');
}

/**
 * One lane per message, except that `min` or more messages of one entry point with the same behaviour share a
 * lane (at the place of the first of them) unless the group's key is in `expanded`. Messages of the witness are
 * never collapsed: they are the ones a reader has to tell apart.
 */
export function laneLayout(sim: Simulation, expanded: ReadonlySet<string>, min = COLLAPSE_MIN): Lanes {
  const stepsOf = new Map<string, SimStep[]>();
  for (const s of sim.steps) {
    let list = stepsOf.get(s.message);
    if (!list) stepsOf.set(s.message, (list = []));
    list.push(s);
  }
  const inWitness = new Set(sim.witness?.messages ?? []);
  const groups = new Map<string, string[]>();
  for (const m of sim.messages) {
    if (inWitness.has(m.id)) continue;
    const sig = `${m.entryPoint}\n${behaviour(stepsOf.get(m.id) ?? [])}`;
    let members = groups.get(sig);
    if (!members) groups.set(sig, (members = []));
    members.push(m.id);
  }
  const groupOf = new Map<string, string[]>();
  for (const members of groups.values())
    if (members.length >= min) for (const id of members) groupOf.set(id, members);

  const lanes: Lane[] = [];
  const laneOf = new Map<string, number>();
  for (const m of sim.messages) {
    const members = groupOf.get(m.id);
    if (!members) {
      laneOf.set(m.id, lanes.length);
      lanes.push({ key: m.id, label: m.id, entryPoint: m.entryPoint, messages: [m.id] });
      continue;
    }
    const key = `group:${members[0]}`;
    const first = members[0] === m.id;
    if (expanded.has(key)) {
      laneOf.set(m.id, lanes.length);
      lanes.push({
        key: m.id,
        label: m.id,
        entryPoint: m.entryPoint,
        messages: [m.id],
        group: { key, size: members.length, expanded: true, toggle: first },
      });
    } else if (first) {
      for (const id of members) laneOf.set(id, lanes.length);
      lanes.push({
        key,
        label: `${m.entryPoint} ×${members.length}`,
        entryPoint: m.entryPoint,
        messages: members,
        group: { key, size: members.length, expanded: false, toggle: true },
      });
    }
  }
  return { lanes, laneOf };
}

/** The width of one step when the whole schedule fits `plotWidth` (capped: a short schedule stays compact). */
export function fittedStepWidth(steps: number, plotWidth: number): number {
  return Math.min(MAX_STEP_W, Math.max(plotWidth, 1) / Math.max(steps, 1));
}

/** The lane height that fits every lane into `plotHeight`, between the least readable and the full height. */
export function fittedLaneHeight(lanes: number, plotHeight: number): number {
  return Math.min(LANE_H, Math.max(MIN_LANE_H, Math.floor(plotHeight / Math.max(lanes, 1))));
}

/** The largest zoom factor (1 is the fitted view): until a step is MAX_ZOOMED_STEP_W wide. */
export function maxZoom(stepWidth: number): number {
  return Math.max(1, MAX_ZOOMED_STEP_W / stepWidth);
}

/** The horizontal translation kept within the content: no empty space left of the first or right of the last step. */
export function clampPanX(x: number, k: number, contentWidth: number, plotWidth: number): number {
  const scaled = contentWidth * k;
  if (scaled <= plotWidth) return 0;
  return Math.min(0, Math.max(plotWidth - scaled, x));
}

/** The translation that puts step `step` (1-based) in the middle of the plot at zoom `k`. */
export function centreOnStep(
  step: number,
  k: number,
  stepWidth: number,
  contentWidth: number,
  plotWidth: number,
) {
  return clampPanX(plotWidth / 2 - (step - 0.5) * stepWidth * k, k, contentWidth, plotWidth);
}

/** The steps (1-based, inclusive) visible at translation `x` and zoom `k`. */
export function visibleSteps(x: number, k: number, stepWidth: number, plotWidth: number, steps: number) {
  const w = stepWidth * k;
  return {
    first: Math.max(1, Math.floor(-x / w) + 1),
    last: Math.min(steps, Math.ceil((plotWidth - x) / w)),
  };
}

/** Every how many steps the axis writes a number, so that numbers are at least `minGap` px apart. */
export function axisEvery(scaledStepWidth: number, minGap = 34): number {
  for (const n of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000])
    if (n * scaledStepWidth >= minGap) return n;
  return 20000;
}

/** `text` cut to fit `width` px (with an ellipsis), or undefined when not even two characters fit. */
export function fitLabel(text: string, width: number, charWidth = CHAR_W): string | undefined {
  const room = Math.floor(width / charWidth);
  if (room >= text.length) return text;
  if (room < 3) return undefined;
  return `${text.slice(0, room - 1)}…`;
}
