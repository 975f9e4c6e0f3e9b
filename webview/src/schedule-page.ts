/** Entry of the standalone HTML page `commit-points simulate --format html` writes: draws the inlined data. */
import type { Simulation } from '../../server/src/schedule/types';
import { drawSchedule } from './schedule';

const data = document.getElementById('simulation-data');
const svg = document.getElementById('schedule');
if (data && svg instanceof SVGSVGElement) {
  const sim = JSON.parse(data.textContent ?? 'null') as Simulation;
  drawSchedule(sim, svg);
  const note = document.getElementById('witness');
  if (note && sim.witness !== undefined) {
    note.textContent = sim.witness
      ? `Witness of ${sim.witness.rule} (line ${sim.witness.commitPointLine}): ${sim.witness.explanation}`
      : `No witness: ${sim.search?.note ?? 'none found'}.`;
  }
}
