/** Building `Val`s: what a value depends on. */
import type { Val } from '../../model/ir';

export const empty = (): Val => ({ reads: [], locals: [], awaits: [] });

export function union(...vals: Val[]): Val {
  return {
    reads: merged(vals, (v) => v.reads),
    locals: merged(vals, (v) => v.locals),
    awaits: merged(vals, (v) => v.awaits),
  };
}

/**
 * The lists `of` the values, concatenated without repeats in first-seen order. Most unions have at most one
 * non-empty list of one element: those skip the `Set` (the lowering makes millions of unions).
 */
function merged<T>(vals: Val[], of: (v: Val) => T[]): T[] {
  let only: T[] | undefined;
  let lists = 0;
  for (const v of vals) {
    const list = of(v);
    if (list.length) {
      only = list;
      lists++;
    }
  }
  if (!only) return [];
  if (lists === 1 && only.length === 1) return [only[0]];
  return [...new Set(vals.flatMap(of))];
}
