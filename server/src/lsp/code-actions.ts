/**
 * Quick fixes for findings whose fix is mechanical: name a dropped guard, make an unbounded-wait call bounded.
 * The others need a decision (where to debit, what to compensate), so the rule's page explains them instead.
 */
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver';
import { CodeActionKind } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { Range } from '../model/ir';
import { LineIndex } from '../text/positions';

const sameStart = (a: Range, b: Range) =>
  a.start.line === b.start.line && a.start.character === b.start.character;

export function quickFixes(
  analysis: Analysis,
  file: string,
  uri: string,
  text: string,
  diagnostics: Diagnostic[],
): CodeAction[] {
  const lines = new LineIndex(text);
  const out: CodeAction[] = [];
  const action = (title: string, d: Diagnostic, edits: TextEdit[]): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [uri]: edits } },
  });
  for (const d of diagnostics) {
    if (d.source !== 'commit-points') continue;
    if (d.code === 'guard-dropped-immediately') {
      const line = lines.lineText(d.range.start.line);
      const m = /^let\s+_\s*=/.exec(line.slice(d.range.start.character));
      const start = lines.offsetAt(d.range.start);
      if (m) {
        const underscore = start + m[0].indexOf('_');
        out.push(
          action('Bind the guard to `_guard` so it lives to the end of the method', d, [
            { range: lines.rangeAt(underscore, underscore + 1), newText: '_guard' },
          ]),
        );
      } else {
        out.push(
          action('Bind the guard to `_guard`', d, [
            { range: { start: d.range.start, end: d.range.start }, newText: 'let _guard = ' },
          ]),
        );
      }
    }
    if (d.code === 'unbounded-wait-call') {
      const cp = analysis.entryPoints
        .filter((e) => e.file === file)
        .flatMap((e) => e.commitPoints)
        .find((c) => sameStart(c.await.range, d.range));
      if (!cp) continue;
      const expr = text.slice(
        lines.offsetAt(cp.await.exprRange.start),
        lines.offsetAt(cp.await.exprRange.end),
      );
      const at = expr.indexOf('unbounded_wait');
      if (at >= 0) {
        const s = lines.offsetAt(cp.await.exprRange.start) + at;
        out.push(
          action('Use a bounded-wait call (`Call::bounded_wait`)', d, [
            { range: lines.rangeAt(s, s + 'unbounded_wait'.length), newText: 'bounded_wait' },
          ]),
        );
      } else if (file.endsWith('.mo') && !/^\s*\(\s*with\b/.test(expr)) {
        out.push(
          action('Add a timeout: `(with timeout = 30)`', d, [
            {
              range: { start: cp.await.exprRange.start, end: cp.await.exprRange.start },
              newText: '(with timeout = 30) ',
            },
          ]),
        );
      }
    }
  }
  return out;
}
