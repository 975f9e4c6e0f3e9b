/** Entry of the standalone HTML page `commit-points simulate --format html` writes: draws the inlined data. */
import type { Simulation } from '../../server/src/schedule/types';
import { Timeline } from './schedule';

const data = document.getElementById('simulation-data');
const container = document.getElementById('timeline');
if (data && container) {
  const sim = JSON.parse(data.textContent ?? 'null') as Simulation;
  new Timeline(container).show(sim);
  const note = document.getElementById('witness');
  if (note && sim.witness !== undefined) {
    note.textContent = sim.witness
      ? `Witness of ${sim.witness.rule} (line ${sim.witness.commitPointLine}): ${sim.witness.explanation}`
      : `No witness: ${sim.search?.note ?? 'none found'}.`;
  }
}
