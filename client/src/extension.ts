/** VS Code side: starts the language server and hosts the timeline panel. Nothing here analyses code. */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { TimelinePanel } from './timeline-panel';
import { SHOW_OUTPUT, StatusBar } from './status-bar';
import { registerRuleDocs } from './rule-docs';
import { CommitPointsNotifications, type AnalysisStatus } from '../../server/src/protocol';
import type { ClientOptions } from '../../server/src/lsp/client-options';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  // One channel for the server's log and, when `commitPoints.trace.server` is on, the protocol trace.
  const output = vscode.window.createOutputChannel('Commit Points');
  const initializationOptions: ClientOptions = {
    commandLenses: true,
    statusNotifications: true,
    ruleDocCommand: true,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'motoko' },
      { scheme: 'file', language: 'rust' },
    ],
    synchronize: { configurationSection: 'commitPoints' },
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions,
  };
  client = new LanguageClient('commitPoints', 'Canister Commit Points', serverOptions, clientOptions);
  const statusBar = new StatusBar();
  context.subscriptions.push(
    output,
    statusBar,
    client.onNotification(CommitPointsNotifications.status, (s: AnalysisStatus) => statusBar.update(s)),
    vscode.commands.registerCommand(SHOW_OUTPUT, () => output.show(true)),
    registerRuleDocs(context),
    // From the palette: the method at the cursor; from a code lens: the method the lens is on.
    vscode.commands.registerCommand('commitPoints.showTimeline', (uri?: string, line?: number) => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !client) return;
      const target =
        uri !== undefined && line !== undefined ? { uri: vscode.Uri.parse(uri), line } : undefined;
      TimelinePanel.show(context, client, editor, target);
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
