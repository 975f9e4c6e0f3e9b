/**
 * Cursor picks (SPEC §5, Precision): a function that picks the next entry to work on from a position kept in
 * state (`last_updated`, a cursor) and moves that position onto its pick before its first commit point. A
 * concurrent call that runs meanwhile starts its own search after the pick, so it does not pass the same pick
 * again: the read of the scanned state chooses an entry, it is not a check that a second call can pass. The
 * cursor is then a marker written before the await, as SPEC §5 says of locks.
 */
import { forEachNode, type Node, type StatePath, type Val } from '../../model/ir';
import { sameState } from '../../model/state-index';
import type { ReadSources } from './summary-guards';

/**
 * The reads, made before the first commit point (`late` holds what comes after it), whose value a write to
 * another state stores together with a read of that state made before the write, each with that state (the
 * cursor): the new position is worked out from the old one and from what was scanned (`cursor =
 * first_due_after(cursor, items)`). A position given by the caller (a parameter in the value) is no cursor the
 * function keeps, and a store of the pick that no pick reads (a "last seen" for display) keeps nobody away:
 * the old position must also decide the function's result or one of its checks (`decides`, read ids), not only
 * feed a total (`queued = queued + amount_of(pick)`).
 */
export function cursorPicks(
  nodes: Node[],
  sources: ReadSources,
  late: ReadonlySet<Node>,
  params: readonly string[],
  decides: ReadonlySet<number>,
): Map<number, StatePath> {
  const picks = new Map<number, StatePath>();
  const readState = new Map<number, StatePath>();
  forEachNode(nodes, (n) => {
    if (late.has(n)) return;
    if (n.kind === 'read') readState.set(n.id, n.state);
    if (n.kind !== 'write' || n.mark || n.unknown || n.value.awaits.length) return;
    const locals = [...n.value.locals, ...n.value.locals.flatMap((l) => [...(sources.get(l)?.locals ?? [])])];
    if (locals.some((l) => params.includes(l))) return;
    const ids = [...n.value.reads, ...n.value.locals.flatMap((l) => [...(sources.get(l)?.reads ?? [])])];
    // Reads seen so far are the ones made before the write (pre-order).
    const own = (id: number) => {
      const s = readState.get(id);
      return s !== undefined && sameState(s, n.state);
    };
    if (!ids.some((id) => own(id) && decides.has(id))) return;
    for (const id of ids) if (readState.has(id) && !own(id)) picks.set(id, n.state);
  });
  return picks;
}

/** The reads a function's result depends on: its tail value and the values it `return`s. */
export function resultReads(nodes: Node[], sources: ReadSources, tail: Val | undefined): Set<number> {
  const out = new Set<number>();
  const add = (v: Val) => {
    v.reads.forEach((r) => out.add(r));
    v.locals.forEach((l) => sources.get(l)?.reads.forEach((r) => out.add(r)));
  };
  if (tail) add(tail);
  forEachNode(nodes, (n) => {
    if (n.kind === 'exit' && n.how === 'return' && n.value) add(n.value);
  });
  return out;
}
