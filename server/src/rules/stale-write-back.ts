import { sameState } from '../model/analysis';
import type { WriteNode } from '../model/ir';
import { exclusiveAlternatives, stateName } from '../model/ir';
import {
  accessNote,
  awaitFlat,
  commitPoints,
  commitSiteNotes,
  commitSiteText,
  cpLine,
  describeInterleaver,
  finding,
  happensBefore,
  lineOf,
  quote,
  writersOf,
} from './support/helpers';
import { rechecked } from './support/rechecks';
import type { Finding, RelatedLocation, Rule, RuleMeta } from './types';
import type { Access, CommitPointInfo, EntryAnalysis } from '../model/analysis';

const meta: RuleMeta = {
  id: 'stale-write-back',
  severity: 'warning',
  title: 'Value read before a commit point written back after it',
  description:
    'A value read from state before a commit point is written back to that state after it, undoing what other messages changed meanwhile (lost update).',
  fix: 'Re-read the state after the await and apply a relative change (e.g. `balance += amount`) instead of restoring a saved value.',
  languages: ['motoko', 'rust'],
};

/** Both accesses name the same key, or one of them has no simple key. */
function sameKey(a: Access, b: Access): boolean {
  return a.key === undefined || b.key === undefined || a.key === b.key;
}

/**
 * The write's entry is picked by what the awaited call (or one after it) returned, and by nothing read before
 * the await: a new record of the call (a payment keyed by its block index), not the entry read before the
 * await, whatever value it stores. (`store(request.id, request)` after `request.neuron = reply` is keyed by the
 * old request: not fresh.)
 */
function keyPickedAfter(e: EntryAnalysis, cp: CommitPointInfo, cpFlat: number[], w: WriteNode): boolean {
  if (w.freshKey) return true;
  if (!w.keyVal) return false;
  const afterCall = [...e.flow.awaits(w.keyVal)].some(
    (id) => id === cp.await.id || happensBefore(e, cpFlat, e.cfg.awaitNode.get(id) ?? []),
  );
  const readEarlier = [...e.flow.reads(w.keyVal)].some((id) => {
    const r = e.readById.get(id);
    return r !== undefined && !happensBefore(e, cpFlat, r.flat);
  });
  return afterCall && !readEarlier;
}

/** A touched field of a copy stored back whole (`set_state(state)`), beside the `restore` write of the rest. */
function touchedFieldOfStore(e: EntryAnalysis, w: Access): boolean {
  if ((w.node as WriteNode).restore || w.state.field === undefined) return false;
  return e.accesses.some(
    (x) =>
      x.kind === 'write' &&
      (x.node as WriteNode).restore === true &&
      x.state.root === w.state.root &&
      x.file === w.file &&
      x.range.start.line === w.range.start.line &&
      x.range.start.character === w.range.start.character,
  );
}

export const staleWriteBack: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    // What does not depend on the commit point, worked out once per write (asked again at each commit point).
    const storedReads = new Map<Access, Access[] | undefined>();
    const ofStateOf = (e: EntryAnalysis, w: Access): Access[] | undefined => {
      if (storedReads.has(w)) return storedReads.get(w);
      const node = w.node as WriteNode;
      // A field of a copy stored back: the store is one story, told by the write of the copy's other fields.
      // What is stored, not where: a key or position read before the await is not a value written back.
      const reads = touchedFieldOfStore(e, w)
        ? undefined
        : [...e.flow.reads(node.stored ?? node.value)]
            .map((id) => e.readById.get(id))
            .filter((r) => r !== undefined)
            .filter((r) => sameState(r.state, w.state) && !exclusiveAlternatives(r.node.alts, node.alts));
      storedReads.set(w, reads);
      return reads;
    };
    for (const [e, cp] of commitPoints(analysis)) {
      const flat = awaitFlat(e, cp);
      const reported = new Set<string>();
      for (const w of e.accesses) {
        if (w.kind !== 'write' || !happensBefore(e, flat, w.flat)) continue;
        const node = w.node as WriteNode;
        // A helper that reads the state again where it writes it: a relative update (SPEC §5, Re-checks).
        if (node.relative) continue;
        const ofState = ofStateOf(e, w);
        if (!ofState?.length) continue;
        // Compared with the state's current value where it is written: a re-check, not a blind write-back.
        if (rechecked(e, flat, w)) continue;
        // An entry picked by what this call (or a later one) returned is a new record, not the one read before.
        if (keyPickedAfter(e, cp, flat, node)) continue;
        const read = ofState.find((r) => happensBefore(e, r.flat, flat) && !happensBefore(e, flat, r.flat));
        if (!read) continue;
        // Built on a fresh read of the state after the await (`{ current with … }`): a relative update of the
        // current value, not a saved copy written back (SPEC §5, Re-checks).
        if (ofState.some((r) => happensBefore(e, flat, r.flat) && sameKey(r, w))) continue;
        // Another instance of this method, running the same write, is an interleaver too.
        const writers = writersOf(cp, read);
        const name = stateName(w.state);
        if (!writers.length || reported.has(name)) continue;
        reported.add(name);
        const other = writers.find((i) => i.entry !== e) ?? writers[0];
        out.push(
          finding(
            meta,
            e,
            cp.await.range,
            `${quote(name)} is read at line ${lineOf(read.range)} before ${cpLine(cp)}${commitSiteText(cp)} and that value is written back at line ${lineOf(w.range)}: changes made meanwhile by ${describeInterleaver(e, other, read)} are lost.`,
            {
              state: [name],
              commitPoint: cp.await.range,
              related: [
                accessNote(read, 'reads'),
                ...commitSiteNotes(cp),
                accessNote(w, 'writes the stale value of'),
                ...staleCopyNote(node),
              ],
            },
          ),
        );
      }
    }
    return out;
  },
};

/** Where a callee holds the copy it writes back across its own commit point: the window the finding is about. */
function staleCopyNote(w: WriteNode): RelatedLocation[] {
  return w.staleCopy
    ? [
        {
          file: w.staleCopy.file,
          range: w.staleCopy.range,
          message: 'the copy is held across this commit point',
        },
      ]
    : [];
}
