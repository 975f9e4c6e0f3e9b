/** Building `Val`s: what a value depends on. */
import type { Val } from '../../model/ir';

export const empty = (): Val => ({ reads: [], locals: [], awaits: [] });

export function union(...vals: Val[]): Val {
  const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
  return {
    reads: uniq(vals.flatMap((v) => v.reads)),
    locals: uniq(vals.flatMap((v) => v.locals)),
    awaits: uniq(vals.flatMap((v) => v.awaits)),
  };
}
