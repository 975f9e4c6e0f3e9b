/**
 * Hovers, inlay hints, code lenses and quick fixes while a file's group has syntax errors: outside the edited method they
 * come from the last analysis without errors (moved to the current lines), inside it from the current one.
 */
import type { CodeAction, CodeLens, Diagnostic, InlayHint } from 'vscode-languageserver';
import type { Pos } from '../model/ir';
import type { WorkspaceResult } from '../workspace/analyze';
import { quickFixes } from './code-actions';
import { codeLensesFor } from './code-lens';
import { hoverMarkdown } from './hover';
import { inlayHintsFor } from './inlay-hints';
import type { EditMap, LastGoodView } from './last-good';
import type { SimulateResult } from '../protocol';
import type { SourceSpan, StepSource } from '../schedule/types';

/** Ends a hover answered by the last good analysis, so that the user knows why it may be out of date. */
export const LAST_GOOD_NOTE =
  '_This file has syntax errors: shown from the last analysis without errors (this method has not changed since)._';

export function hoverShown(
  current: WorkspaceResult,
  path: string,
  pos: Pos,
  view: LastGoodView | undefined,
): string | undefined {
  const old = view?.edit.back(pos);
  if (!view || !old) return hoverMarkdown(current.analysis, path, pos);
  const md = hoverMarkdown(view.result.analysis, path, old);
  return md && `${md}\n\n---\n\n${LAST_GOOD_NOTE}`;
}

export function inlayHintsShown(
  current: WorkspaceResult,
  path: string,
  text: string | undefined,
  view: LastGoodView | undefined,
): InlayHint[] {
  const file = current.files.find((f) => f.file === path);
  const now = file ? inlayHintsFor(current.analysis, file, text) : [];
  if (!view) return now;
  const kept = inlayHintsFor(view.result.analysis, view.file, view.text).flatMap((h) => {
    const position = view.edit.pos(h.position);
    return position ? [{ ...h, position }] : [];
  });
  return [...kept, ...now.filter((h) => view.edit.isEdited(h.position.line))];
}

export function codeLensesShown(
  current: WorkspaceResult,
  path: string,
  uri: string,
  withCommands: boolean,
  view: LastGoodView | undefined,
): CodeLens[] {
  const now = codeLensesFor(current.analysis, path, uri, withCommands);
  if (!view) return now;
  const kept = codeLensesFor(view.result.analysis, path, uri, withCommands, (r) => view.edit.range(r));
  return [...kept, ...now.filter((l) => view.edit.isEdited(l.range.start.line))];
}

/**
 * The quick fixes of `diagnostics`. A kept finding outside the edited method is fixed as the last good analysis
 * saw it (the current one may have lost its await), with the edit moved to the current lines.
 */
export function quickFixesShown(
  current: WorkspaceResult,
  path: string,
  uri: string,
  text: string,
  diagnostics: Diagnostic[],
  view: LastGoodView | undefined,
): CodeAction[] {
  if (!view) return quickFixes(current.analysis, path, uri, text, diagnostics);
  return diagnostics.flatMap((d) => {
    const start = view.edit.back(d.range.start);
    const end = view.edit.back(d.range.end);
    if (!start || !end) return quickFixes(current.analysis, path, uri, text, [d]);
    const old = quickFixes(view.result.analysis, path, uri, view.text, [{ ...d, range: { start, end } }]);
    return old.flatMap((a): CodeAction[] => {
      const edits = a.edit?.changes?.[uri] ?? [];
      const moved = edits.flatMap((e) => {
        const range = view.edit.range(e.range);
        return range ? [{ ...e, range }] : [];
      });
      if (moved.length !== edits.length) return [];
      return [{ ...a, diagnostics: [d], edit: { changes: { [uri]: moved } } }];
    });
  });
}

/**
 * A simulation run on the last good analysis, with the lines of `path` moved to the current text. Spans in the
 * edited method are dropped (their code changed); other files' spans did not move.
 */
export function movedSimulation(result: SimulateResult, path: string, edit: EditMap): SimulateResult {
  if ('error' in result) return result;
  const span = (s: SourceSpan): SourceSpan | undefined => {
    if (s.file !== path) return s;
    const range = edit.range(s.range);
    return range && { ...s, range };
  };
  /** A 1-based line, as the simulation JSON counts. */
  const line1 = (n: number) => edit.pos({ line: n - 1, character: 0 })?.line;
  const sources = result.sources?.flatMap((s): StepSource[] => {
    const segment = span(s.segment);
    if (!segment) return [];
    const commitPoint = s.commitPoint && span(s.commitPoint);
    return [{ step: s.step, segment, ...(commitPoint ? { commitPoint } : {}) }];
  });
  const entryPoints = result.entryPoints?.flatMap((e) => {
    const start = edit.pos({ line: e.startLine, character: 0 });
    return start ? [{ ...e, startLine: start.line, endLine: e.endLine - e.startLine + start.line }] : [];
  });
  const { witness, search } = result.simulation;
  const witnessLine = witness ? line1(witness.commitPointLine) : undefined;
  return {
    ...result,
    simulation: {
      ...result.simulation,
      ...(witness
        ? { witness: witnessLine === undefined ? witness : { ...witness, commitPointLine: witnessLine + 1 } }
        : {}),
      ...(search
        ? {
            search: {
              ...search,
              findings: search.findings.map((f) => {
                const at = f.lastIndexOf('@');
                const moved = at >= 0 ? line1(Number(f.slice(at + 1))) : undefined;
                return moved === undefined ? f : `${f.slice(0, at)}@${moved + 1}`;
              }),
            },
          }
        : {}),
    },
    ...(sources ? { sources } : {}),
    ...(entryPoints ? { entryPoints } : {}),
  };
}
