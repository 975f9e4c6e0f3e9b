/**
 * Hovers, inlay hints and code lenses while a file's group has syntax errors: outside the edited method they
 * come from the last analysis without errors (moved to the current lines), inside it from the current one.
 */
import type { CodeLens, InlayHint } from 'vscode-languageserver';
import type { Pos } from '../model/ir';
import type { WorkspaceResult } from '../workspace/analyze';
import { codeLensesFor } from './code-lens';
import { hoverMarkdown } from './hover';
import { inlayHintsFor } from './inlay-hints';
import type { LastGoodView } from './last-good';

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
