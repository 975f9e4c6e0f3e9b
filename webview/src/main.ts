/** Panel glue: receives the summary from the extension and renders it. */
import type { AnalysisSummary } from '../../server/src/protocol';
import { render } from './render';

window.addEventListener(
  'message',
  (event: MessageEvent<{ type: string; summary: AnalysisSummary | null }>) => {
    const svg = document.getElementById('timeline');
    if (event.data.type === 'summary' && svg instanceof SVGSVGElement) render(event.data.summary, svg);
  },
);
