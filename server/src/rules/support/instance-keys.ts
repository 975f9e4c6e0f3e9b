/**
 * Entries a timer or spawned task owns (SPEC §5, Precision). The code that starts the task generates a key (a
 * random draw, a counter it steps), writes the entry under it and hands the key to the task (`instanceKeys`):
 * another run of the same task was handed another key, and code that only inserts under keys it generates
 * itself (`generatedKey`) writes other entries. Neither can change the entry the task checked.
 */
import type { Access, EntryAnalysis, Interleaver } from '../../model/analysis';
import type { WriteNode } from '../../model/ir';

/** Every write `i` makes to `check`'s state is to an entry other than the one `e` checked under its own key. */
export function touchesOtherEntriesOnly(e: EntryAnalysis, check: Access, i: Interleaver): boolean {
  const key = check.key;
  if (key === undefined || !e.ir.instanceKeys?.includes(key)) return false;
  const writes = i
    .groupsWith(check)
    .filter((g) => g.theirs.kind === 'write')
    .flatMap((g) => g.theirs.accesses);
  return writes.every((w) => (w.node as WriteNode).generatedKey || (i.entry === e && w.key === key));
}
