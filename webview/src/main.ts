/**
 * Panel glue: draws what the extension sends with the shared renderer, sends back what the reader does (reveal
 * a step's code, pin, how many messages), and keeps the last schedule and the view in the webview's state, so
 * that the panel shows the same thing when its tab is hidden and shown again (VS Code then reloads the page).
 */
import type { PanelMessage, PanelRequest, SimulateResult } from '../../server/src/protocol';
import { Timeline, type TimelineView } from './schedule';

interface VsCodeApi {
  postMessage(message: PanelRequest): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface PanelState {
  file: string;
  result: SimulateResult;
  /** The view belongs to this scenario; another scenario starts fitted. */
  viewOf?: string;
  view?: TimelineView;
  pinned: boolean;
}

const vscode = acquireVsCodeApi();
let state = vscode.getState() as PanelState | undefined;

const caption = document.getElementById('caption')!;
const witness = document.getElementById('witness')!;
const timeline = new Timeline(document.getElementById('timeline')!);
const toolbar = timeline.root.querySelector('.tl-toolbar')!;

const pin = document.createElement('button');
pin.type = 'button';
pin.dataset.action = 'pin';
pin.textContent = 'Pin';
pin.title = 'Keep this timeline instead of following the editor and the method under the cursor';
toolbar.prepend(pin);
pin.addEventListener('click', () => {
  const pinned = pin.getAttribute('aria-pressed') !== 'true';
  setPinned(pinned);
  vscode.postMessage({ type: 'pin', pinned });
});

// How many messages of the method the scenario runs (the others that interleave it run once).
const countLabel = document.createElement('label');
countLabel.textContent = 'Messages ';
const count = document.createElement('input');
count.type = 'number';
count.min = '1';
count.max = '200';
count.value = '2';
count.dataset.action = 'count';
count.setAttribute('aria-label', 'How many messages of this method the scenario runs');
countLabel.append(count);
pin.after(countLabel);
let sentCount = 2;
const sendCount = () => {
  const n = Number(count.value);
  if (!Number.isInteger(n) || n < 1 || n === sentCount) return;
  sentCount = n;
  vscode.postMessage({ type: 'count', count: n });
};
count.addEventListener('change', sendCount);
count.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') sendCount();
});

function setPinned(pinned: boolean): void {
  pin.setAttribute('aria-pressed', String(pinned));
  pin.textContent = pinned ? 'Pinned' : 'Pin';
  if (state) {
    state.pinned = pinned;
    vscode.setState(state);
  }
}

function scenarioOf(result: SimulateResult): string {
  return 'error' in result ? '' : result.scenario;
}

function draw(): void {
  if (!state) return;
  const { result, file } = state;
  if ('error' in result) {
    caption.textContent = result.error;
    witness.textContent = '';
    timeline.root.hidden = true;
    return;
  }
  timeline.root.hidden = false;
  const sim = result.simulation;
  caption.textContent = `${file}: ${result.scenario} under the ${sim.policy} policy`;
  witness.textContent =
    sim.witness === undefined
      ? ''
      : sim.witness
        ? `Witness of ${sim.witness.rule} (line ${sim.witness.commitPointLine}): ${sim.witness.explanation}`
        : `No interleaving makes a finding happen${sim.search ? ` (${sim.search.note})` : ''}.`;
  const first = /^[^:,]+:(\d+)/.exec(result.scenario);
  if (first && document.activeElement !== count) count.value = first[1];
  if (first) sentCount = Number(first[1]);
  const key = `${file}|${result.scenario}`;
  timeline.show(sim, {
    sources: result.sources,
    view: state.viewOf === key ? state.view : undefined,
    onReveal: (span) => vscode.postMessage({ type: 'reveal', span }),
    onViewChange: (view) => {
      if (!state) return;
      state.view = view;
      state.viewOf = key;
      vscode.setState(state);
    },
  });
}

window.addEventListener('message', (event: MessageEvent<PanelMessage>) => {
  const msg = event.data;
  if (msg.type === 'following') {
    setPinned(!msg.following);
    return;
  }
  const same = state && state.file === msg.file && scenarioOf(state.result) === scenarioOf(msg.result);
  state = {
    file: msg.file,
    result: msg.result,
    pinned: state?.pinned ?? false,
    ...(same && state?.view ? { view: state.view, viewOf: state.viewOf } : {}),
  };
  vscode.setState(state);
  draw();
});

if (state) {
  setPinned(state.pinned);
  draw();
}
vscode.postMessage({ type: 'ready' });
