/** The status bar item: visible while the server analyses and after a failed analysis; clicking shows the log. */
import * as vscode from 'vscode';
import type { AnalysisStatus } from '../../server/src/protocol';

export const SHOW_OUTPUT = 'commitPoints.showOutput';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'commitPoints.status',
    vscode.StatusBarAlignment.Left,
  );

  constructor() {
    this.item.name = 'Commit Points';
    this.item.command = SHOW_OUTPUT;
  }

  update(status: AnalysisStatus): void {
    if (status.state === 'idle') {
      // Nothing to say when all is well: an always-on item would only take space.
      this.item.hide();
      return;
    }
    const failed = status.state === 'failed';
    this.item.text = failed ? '$(error) Commit Points' : '$(sync~spin) Commit Points';
    this.item.tooltip = `${status.message}\nClick to show the Commit Points output.`;
    this.item.backgroundColor = failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
