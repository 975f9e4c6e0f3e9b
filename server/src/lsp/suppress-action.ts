/**
 * "Suppress here" for every finding: inserts the `allow` comment above the finding's line with an empty reason,
 * which the server reports until someone writes the reason (the point of requiring one).
 */
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { CodeActionKind } from 'vscode-languageserver';
import { isSuppressionRule } from '../config/suppression-rules';

export function suppressionActions(uri: string, text: string, diagnostics: Diagnostic[]): CodeAction[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'commit-points' || typeof d.code !== 'string' || isSuppressionRule(d.code)) continue;
    const line = d.range.start.line;
    const indent = /^\s*/.exec(lines[line] ?? '')![0];
    out.push({
      title: `Suppress \`${d.code}\` on this line (with a reason)`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: {
        changes: {
          [uri]: [
            {
              range: { start: { line, character: 0 }, end: { line, character: 0 } },
              newText: `${indent}// commit-points: allow(${d.code}) reason: \n`,
            },
          ],
        },
      },
    });
  }
  return out;
}
