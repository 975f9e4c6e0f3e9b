/**
 * Building `Val`s, what an IR value depends on (state reads, locals, awaits), for the body lowering modules.
 * Kept apart so every lowering module builds them the same way (the key order shows in the JSON output).
 */
import type { Val } from '../../../model/ir';

/** The value of an expression that depends on nothing: literals, `()`, unknown names. */
export const EMPTY: Val = { reads: [], locals: [], awaits: [] };

/** A value that depends on one state read. */
export function fromRead(id: number): Val {
  return { reads: [id], locals: [], awaits: [] };
}

/** A value that depends on one local. */
export function fromLocal(name: string): Val {
  return { reads: [], locals: [name], awaits: [] };
}

/** Everything the given values depend on, each dependency once, in first-seen order. */
export function union(...vals: Val[]): Val {
  // Most unions join one value that depends on something with empty ones: a copy of it, without sets.
  let only: Val | undefined;
  let nonEmpty = 0;
  for (const v of vals)
    if (v.reads.length || v.locals.length || v.awaits.length) {
      only = v;
      nonEmpty++;
    }
  if (!only) return { reads: [], locals: [], awaits: [] };
  if (nonEmpty === 1 && only.reads.length <= 1 && only.locals.length <= 1 && only.awaits.length <= 1)
    return { reads: [...only.reads], locals: [...only.locals], awaits: [...only.awaits] };
  const reads = new Set<number>();
  const locals = new Set<string>();
  const awaits = new Set<number>();
  for (const v of vals) {
    v.reads.forEach((r) => reads.add(r));
    v.locals.forEach((l) => locals.add(l));
    v.awaits.forEach((a) => awaits.add(a));
  }
  return { reads: [...reads], locals: [...locals], awaits: [...awaits] };
}
