/** The timeline panel host: a webview with a strict CSP that draws the summary the server computes. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CommitPointsRequests, type AnalysisSummary } from '../../server/src/protocol';

export class TimelinePanel {
  private static current: TimelinePanel | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly client: LanguageClient,
  ) {
    panel.onDidDispose(() => {
      TimelinePanel.current = undefined;
    });
  }

  static show(context: vscode.ExtensionContext, client: LanguageClient, uri: vscode.Uri): void {
    if (!TimelinePanel.current) {
      const panel = vscode.window.createWebviewPanel(
        'commitPoints.timeline',
        'Commit points',
        vscode.ViewColumn.Beside,
        {
          enableScripts: true,
          localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
        },
      );
      panel.webview.html = html(panel.webview, context.extensionUri);
      TimelinePanel.current = new TimelinePanel(panel, client);
    }
    void TimelinePanel.current.update(uri);
  }

  private async update(uri: vscode.Uri): Promise<void> {
    const summary = await this.client.sendRequest<AnalysisSummary | null>(CommitPointsRequests.summary, {
      uri: uri.toString(),
    });
    await this.panel.webview.postMessage({ type: 'summary', summary });
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const nonce = [...Array<number>(32)].map(() => Math.floor(Math.random() * 36).toString(36)).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>Commit points</title></head>
<body><svg id="timeline" width="900" height="400"></svg><script nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
}
