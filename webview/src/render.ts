/** Draws per-entry-point lanes: one bar per segment, a gap at each commit point. Sees only plain data. */
import * as d3 from 'd3';
import type { AnalysisSummary } from '../../server/src/protocol';

const LANE = 34;
const SEG_W = 120;
const GAP = 26;

export function render(summary: AnalysisSummary | null, svgEl: SVGSVGElement): void {
  const svg = d3.select(svgEl);
  svg.selectAll('*').remove();
  if (!summary || !summary.entryPoints.length) {
    svg.append('text').attr('x', 10).attr('y', 24).text('No entry points in this file.');
    return;
  }
  const lanes = svg
    .selectAll('g.lane')
    .data(summary.entryPoints)
    .join('g')
    .attr('class', 'lane')
    .attr('transform', (_d, i) => `translate(160, ${20 + i * LANE})`);
  lanes
    .append('text')
    .attr('x', -10)
    .attr('y', 16)
    .attr('text-anchor', 'end')
    .text((d) => `${d.name} (${d.kind})`);
  lanes
    .selectAll('rect.segment')
    .data((d) => d3.range(d.segments).map((i) => ({ i, ep: d })))
    .join('rect')
    .attr('class', 'segment')
    .attr('x', (d) => d.i * (SEG_W + GAP))
    .attr('width', SEG_W)
    .attr('height', 22)
    .attr('rx', 3)
    .attr('fill', '#4e79a7');
  lanes
    .selectAll('text.cp')
    .data((d) => d.commitPoints.filter((c) => c.kind !== 'none').map((c, i) => ({ c, i })))
    .join('text')
    .attr('class', 'cp')
    .attr('x', (d) => (d.i + 1) * (SEG_W + GAP) - GAP / 2)
    .attr('y', 16)
    .attr('text-anchor', 'middle')
    .text((d) => (d.c.kind === 'commit' ? '⟂' : '?'))
    .append('title')
    .text(
      (d) =>
        `${d.c.reason}${d.c.interleavers.length ? `\nInterleavers: ${d.c.interleavers.join(', ')}` : ''}`,
    );
  svg.attr('height', 40 + summary.entryPoints.length * LANE);
}
