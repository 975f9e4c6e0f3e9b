/** VS Code side: starts the language server and hosts the timeline panel. Nothing here analyses code. */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { TimelinePanel } from './timeline-panel';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'motoko' },
      { scheme: 'file', language: 'rust' },
    ],
    synchronize: { configurationSection: 'commitPoints' },
  };
  client = new LanguageClient('commitPoints', 'Canister Commit Points', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('commitPoints.showTimeline', () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !client) return;
      TimelinePanel.show(context, client, editor);
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
