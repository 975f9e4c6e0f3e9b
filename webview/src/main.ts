/** Panel glue: receives plain data from the extension and draws it with the same renderer as the HTML page. */
import type { PanelMessage } from '../../server/src/protocol';
import { drawSchedule } from './schedule';

window.addEventListener('message', (event: MessageEvent<PanelMessage>) => {
  const svg = document.getElementById('schedule');
  const caption = document.getElementById('caption');
  const witness = document.getElementById('witness');
  if (!(svg instanceof SVGSVGElement) || !caption || !witness) return;
  const msg = event.data;
  if ('error' in msg.result) {
    caption.textContent = msg.result.error;
    witness.textContent = '';
    svg.replaceChildren();
    return;
  }
  const sim = msg.result.simulation;
  caption.textContent = `${msg.file}: ${msg.result.scenario} under the ${sim.policy} policy`;
  witness.textContent =
    sim.witness === undefined
      ? ''
      : sim.witness
        ? `Witness of ${sim.witness.rule} (line ${sim.witness.commitPointLine}): ${sim.witness.explanation}`
        : `No interleaving makes a finding happen${sim.search ? ` (${sim.search.note})` : ''}.`;
  drawSchedule(sim, svg);
});
