/** The timeline panel host: a webview with a strict CSP that draws the schedule the server simulates. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CommitPointsRequests,
  type PanelMessage,
  type SimulateParams,
  type SimulateResult,
} from '../../server/src/protocol';

export class TimelinePanel {
  private static current: TimelinePanel | undefined;

  private constructor(private readonly panel: vscode.WebviewPanel) {
    panel.onDidDispose(() => {
      TimelinePanel.current = undefined;
    });
  }

  static show(
    context: vscode.ExtensionContext,
    client: LanguageClient,
    editor: vscode.TextEditor,
    target?: { uri: vscode.Uri; line: number },
  ): void {
    if (!TimelinePanel.current) {
      const panel = vscode.window.createWebviewPanel(
        'commitPoints.timeline',
        'Commit point timeline',
        vscode.ViewColumn.Beside,
        { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] },
      );
      panel.webview.html = html(panel.webview, context.extensionUri);
      TimelinePanel.current = new TimelinePanel(panel);
    }
    const current = TimelinePanel.current;
    const params: SimulateParams = {
      uri: (target?.uri ?? editor.document.uri).toString(),
      line: target?.line ?? editor.selection.active.line,
      policy: 'adversarial',
    };
    const file = vscode.workspace.asRelativePath(target?.uri ?? editor.document.uri);
    client.sendRequest<SimulateResult>(CommitPointsRequests.simulate, params).then(
      (result) => current.post({ type: 'simulation', result, file }),
      (err: unknown) => current.post({ type: 'simulation', result: { error: String(err) }, file }),
    );
  }

  private post(message: PanelMessage): void {
    void this.panel.webview.postMessage(message);
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const nonce = [...Array<number>(32)].map(() => Math.floor(Math.random() * 36).toString(36)).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>Commit point timeline</title>
<style>body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); } svg text:not([fill]) { fill: var(--vscode-foreground); }</style></head>
<body><p id="caption">Analysing…</p><p id="witness"></p><svg id="schedule"></svg>
<script nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
}
