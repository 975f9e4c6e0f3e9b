/** Opens a rule page shipped in the extension (docs/ is packaged) as a Markdown preview: no network needed. */
import * as vscode from 'vscode';
import { OPEN_RULE_DOC } from '../../server/src/lsp/rule-links';

// `command:` links can come from any hover, so only our own docs pages are opened.
const DOC_PATH = /^docs\/[a-z0-9-]+(\/[a-z0-9-]+)*\.md$/;

export function registerRuleDocs(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_RULE_DOC, async (path: unknown) => {
    if (typeof path !== 'string' || !DOC_PATH.test(path)) return;
    await vscode.commands.executeCommand(
      'markdown.showPreview',
      vscode.Uri.joinPath(context.extensionUri, path),
    );
  });
}
