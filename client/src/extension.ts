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
