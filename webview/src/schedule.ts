/**
 * Draws a simulated schedule (the plain JSON of `commit-points simulate`): one lane per message, one bar per
 * step at its position in the canister's single execution order, a dashed gap where the message is suspended
 * at a commit point (other messages' bars run in it), bars labelled with what they read and write. With a
 * witness (policy `adversarial`), its steps are outlined and the conflict is drawn between the two bars.
 */
import * as d3 from 'd3';
import type { SimStep, Simulation } from '../../server/src/schedule/types';

const LABEL_W = 130;
const STEP_W = 78;
const BAR_W = 70;
const LANE_H = 44;
const BAR_H = 18;
const TOP = 28;

const x = (step: number) => LABEL_W + (step - 1) * STEP_W;

function accessLabel(s: SimStep): string {
  const parts: string[] = [];
  if (s.reads.length) parts.push(`r ${s.reads.join(' ')}`);
  if (s.writes.length) parts.push(`w ${s.writes.join(' ')}`);
  return parts.join(' · ') || '—';
}

export function drawSchedule(sim: Simulation, svgEl: SVGSVGElement): void {
  const svg = d3.select(svgEl);
  svg.selectAll('*').remove();
  const lane = new Map(sim.messages.map((m, i) => [m.id, i] as const));
  const y = (message: string) => TOP + (lane.get(message) ?? 0) * LANE_H;
  const width = LABEL_W + Math.max(1, sim.steps.length) * STEP_W + 90;
  svg.attr('width', width).attr('height', TOP + sim.messages.length * LANE_H + 10);
  if (!sim.steps.length) {
    svg.append('text').attr('x', 10).attr('y', 20).text('No steps in this scenario.');
    return;
  }

  // Execution order axis.
  svg
    .append('g')
    .attr('class', 'axis')
    .selectAll('text')
    .data(sim.steps)
    .join('text')
    .attr('x', (s) => x(s.step) + BAR_W / 2)
    .attr('y', 14)
    .attr('text-anchor', 'middle')
    .attr('fill', '#888')
    .text((s) => String(s.step));

  // Lanes.
  const lanes = svg
    .append('g')
    .attr('class', 'lanes')
    .selectAll('g.lane')
    .data(sim.messages)
    .join('g')
    .attr('class', 'lane')
    .attr('transform', (m) => `translate(0, ${y(m.id)})`);
  lanes
    .append('line')
    .attr('x1', LABEL_W)
    .attr('x2', width - 10)
    .attr('y1', BAR_H + 14)
    .attr('y2', BAR_H + 14)
    .attr('stroke', '#eee');
  lanes
    .append('text')
    .attr('x', LABEL_W - 8)
    .attr('y', BAR_H - 5)
    .attr('text-anchor', 'end')
    .text((m) => m.id);

  // Gaps: a message suspended at a commit point between two of its steps.
  const gaps: { from: SimStep; to: SimStep }[] = [];
  const last = new Map<string, SimStep>();
  for (const s of sim.steps) {
    const prev = last.get(s.message);
    if (prev) gaps.push({ from: prev, to: s });
    last.set(s.message, s);
  }
  svg
    .append('g')
    .attr('class', 'gaps')
    .selectAll('g.gap')
    .data(gaps)
    .join('g')
    .attr('class', 'gap')
    .call((g) =>
      g
        .append('line')
        .attr('x1', (d) => x(d.from.step) + BAR_W)
        .attr('x2', (d) => x(d.to.step))
        .attr('y1', (d) => y(d.from.message) + BAR_H / 2)
        .attr('y2', (d) => y(d.from.message) + BAR_H / 2)
        .attr('stroke', '#999')
        .attr('stroke-dasharray', '3 3'),
    )
    .call((g) =>
      g
        .append('text')
        .attr('x', (d) => x(d.from.step) + BAR_W + 3)
        .attr('y', (d) => y(d.from.message) + BAR_H / 2 - 3)
        .attr('fill', '#999')
        .text('⟂')
        .append('title')
        .text(
          (d) => `commit point: ${d.from.message} is suspended between steps ${d.from.step} and ${d.to.step}`,
        ),
    );

  // Bars.
  const witnessSteps = new Set(sim.witness?.steps ?? []);
  const bars = svg
    .append('g')
    .attr('class', 'steps')
    .selectAll('g.step')
    .data(sim.steps)
    .join('g')
    .attr('class', 'step')
    .attr('transform', (s) => `translate(${x(s.step)}, ${y(s.message)})`);
  bars
    .append('rect')
    .attr('width', BAR_W)
    .attr('height', BAR_H)
    .attr('rx', 3)
    .attr('fill', (s) => (s.writes.length ? '#e15759' : s.reads.length ? '#4e79a7' : '#bab0ac'))
    .attr('stroke', (s) => (witnessSteps.has(s.step) ? '#000' : 'none'))
    .attr('stroke-width', 2);
  bars
    .append('text')
    .attr('x', 4)
    .attr('y', BAR_H - 5)
    .attr('fill', '#fff')
    .text((s) => `seg ${s.segment}`);
  bars
    .append('text')
    .attr('class', 'access')
    .attr('x', 0)
    .attr('y', BAR_H + 11)
    .attr('font-size', 9)
    .text((s) => accessLabel(s));
  bars
    .append('title')
    .text(
      (s) =>
        `step ${s.step}: ${s.message}, segment ${s.segment}\nreads: ${s.reads.join(', ') || '-'}\nwrites: ${s.writes.join(', ') || '-'}`,
    );

  // The witnessed conflict: from the suspended message's step to the interleaving step.
  const w = sim.witness;
  if (w && w.steps.length >= 2) {
    const byStep = new Map(sim.steps.map((s) => [s.step, s] as const));
    const a = byStep.get(w.steps[0]);
    const b = byStep.get(w.steps[1]);
    if (a && b) {
      svg
        .append('line')
        .attr('class', 'conflict')
        .attr('x1', x(a.step) + BAR_W / 2)
        .attr('y1', y(a.message) + BAR_H)
        .attr('x2', x(b.step) + BAR_W / 2)
        .attr('y2', y(b.message))
        .attr('stroke', '#000')
        .attr('stroke-width', 2)
        .append('title')
        .text(w.explanation);
    }
  }
}
