/**
 * Counts where the lowering met a bound whose answer depends on the order in which things were lowered: a
 * recursion cut short, a nesting bound of helper summaries, a recursion of `async*` bodies. The lowering caches
 * what it computes for code (helper summaries, inlined bodies, `async*` effects); below these bounds what it
 * caches is the same whichever entry point computed it first, so the lowering of one field does not depend on
 * which other fields were lowered before it. lowering-reuse.ts reuses a field's lowering only then.
 */
export const orderBounds = { hits: 0 };

/** Records that a bound of the kind above was met (or nearly: a nesting within reach of its bound). */
export function orderBoundHit(): void {
  orderBounds.hits++;
}
