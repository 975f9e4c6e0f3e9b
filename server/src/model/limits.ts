/**
 * Limits that keep one pathological input from taking the analysis down. Frontends recurse over syntax; an
 * explicit depth limit cuts a 10,000-deep expression with a notice instead of overflowing the JavaScript stack
 * (which would lose the whole file, or worse, its crate).
 */
import type { Notice, Range } from './ir';

/** Real code nests a few dozen levels; this stays far below what the stack holds in every walker. */
export const MAX_NESTING = 200;

export function nestingNotice(range: Range): Notice {
  return {
    range,
    message: `nesting deeper than ${MAX_NESTING} levels: the rest of this expression is not analysed`,
  };
}

/** The notice for a function or entry point whose analysis failed; the rest of the file is still analysed. */
export function failureNotice(range: Range, what: string, err: unknown): Notice {
  return { range, message: `${what} is not analysed: internal error (${describeError(err)})` };
}

export function describeError(err: unknown): string {
  if (err instanceof RangeError && /call stack/i.test(err.message))
    return 'too deeply nested: the analysis ran out of stack';
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** At most this many notices per file: a generated file can hit the nesting limit in every function. */
const MAX_NOTICES = 20;

/** The file's notices as a model field: absent when none, capped with a count of the rest. */
export function noticesField(notices: Notice[]): { notices?: Notice[] } {
  if (!notices.length) return {};
  if (notices.length <= MAX_NOTICES) return { notices };
  const last = notices[MAX_NOTICES - 1];
  const more = notices.length - MAX_NOTICES;
  return {
    notices: [
      ...notices.slice(0, MAX_NOTICES - 1),
      { ...last, message: `${last.message} (and ${more} more such places in this file)` },
    ],
  };
}
