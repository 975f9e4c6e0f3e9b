import type { TrapNode } from '../model/ir';
import type { Access, CommitPointInfo, EntryAnalysis } from '../model/analysis';
import { sameState } from '../model/analysis';
import type { WriteNode } from '../model/ir';
import { stateName } from '../model/ir';
import {
  accessNote,
  awaitFlat,
  commitPoints,
  cpLine,
  finding,
  inCalleeText,
  lineOf,
  quote,
} from './support/helpers';
import { isRecordWrite, operationWrites } from './support/relevance';
import { isGuardedSubtraction } from './support/traps';
import type { Finding, RelatedLocation, Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  id: 'trap-after-commit',
  severity: 'warning',
  title: 'Code after a commit point may trap',
  description:
    'Code after a commit point may trap while earlier segments already changed state: the trap rolls back only to the commit point, not to the start of the method.',
  fix: 'Avoid traps after the await (handle the error instead), or restore the state in cleanup (`finally` / a `Drop` guard).',
  languages: ['motoko', 'rust'],
};

const causeText: Record<TrapNode['cause'], string> = {
  unwrap: '`unwrap` may panic',
  expect: '`expect` may panic',
  'unwrap-helper': 'it unwraps or traps',
  panic: 'this panics',
  index: 'indexing may go out of bounds',
  assert: 'the assertion may fail',
  underflow: '`Nat` subtraction may underflow',
  trap: 'this traps',
  'null-unwrap': '`!` on `null` traps',
  unreachable: 'this traps',
};

export const trapAfterCommit: Rule = {
  meta,
  perEntryPoint: true,
  check(analysis) {
    const out: Finding[] = [];
    for (const [e, cp] of commitPoints(analysis)) {
      const operation = operationWrites(e, cp, true);
      const records = recordsMadeInCall(e, cp);
      if (!operation.length && !records.length) continue;
      const traps: { node: TrapNode; related: RelatedLocation }[] = [];
      const halfDone = new Set<Access>();
      const undone = new Set<Access>();
      for (const f of e.cfg.nodes) {
        const n = f.node;
        if (n.kind !== 'trap' || f.inFinally || !e.segOf.get(f.idx)?.has(cp.index!)) continue;
        // An unwrapped call result is `unwrap-call-result`'s finding.
        if ((n.cause === 'unwrap' || n.cause === 'expect') && n.value && e.flow.awaits(n.value).size > 0)
          continue;
        if (traps.some((t) => t.node === n)) continue;
        if (isGuardedSubtraction(e, f.idx, n)) continue;
        const left = operation.length ? leftHalfDone(e, cp, f.idx, n, operation) : [];
        // A trap on the callee's error undoes what the callee recorded after its last commit point.
        const lost = reactsToCall(e, cp, f.idx, n)
          ? records.filter((x) => e.reach.beforeInOrder(x.flat, [f.idx]))
          : [];
        if (!left.length && !lost.length) continue;
        left.forEach((w) => halfDone.add(w));
        lost.forEach((w) => undone.add(w));
        // A trap in a called function is shown where it is, in that function.
        const site = n.inCallee;
        traps.push({
          node: n,
          related: site
            ? {
                file: site.file,
                range: site.range,
                message: `${causeText[n.cause]}, in ${quote(site.fn)} (called at line ${lineOf(n.range)})`,
              }
            : { file: n.file ?? e.file, range: n.range, message: causeText[n.cause] },
        });
      }
      if (!traps.length) continue;
      if (!halfDone.size) {
        out.push(recordUndoneFinding(e, cp, traps, [...undone]));
        continue;
      }
      const changed = operation.filter((w) => halfDone.has(w));
      const names = [...new Set(changed.map((w) => stateName(w.state)))];
      const first = traps[0].node;
      out.push(
        finding(
          meta,
          e,
          cp.await.range,
          `Code after ${cpLine(cp)} may trap (${trapPlace(e, first)}: ${causeText[first.cause]}${inCalleeText(first)}); the trap rolls back only to this commit point, so the earlier change${names.length === 1 ? '' : 's'} to ${names.map(quote).join(', ')} stay${names.length === 1 ? 's' : ''}.`,
          {
            state: names,
            commitPoint: cp.await.range,
            related: [...traps.map((t) => t.related), ...changed.map((w) => accessNote(w, 'changes'))],
          },
        ),
      );
    }
    return out;
  },
};

/** `line 12`, or `helper.mo:12` when the trap is in code of another file run inline. */
function trapPlace(e: EntryAnalysis, trap: TrapNode): string {
  if (!trap.file || trap.file === e.file) return `line ${lineOf(trap.range)}`;
  return `${trap.file.split(/[\\/]/).pop()}:${lineOf(trap.range)}`;
}

/**
 * The harm test (SPEC §5, Precision): which of the operation's earlier changes a trap at `at` leaves half done.
 * All of them when the trap is how the method reacts to this call's failure (its condition or value comes from
 * the call's result, or it always traps in a branch on that result); otherwise those whose state the code after the trap was going to write again, the
 * completion the trap skips. A trap with nothing of the operation after it leaves a consistent state: the
 * committed change and the call both happened.
 */
function leftHalfDone(
  e: EntryAnalysis,
  cp: CommitPointInfo,
  at: number,
  trap: TrapNode,
  operation: readonly Access[],
): readonly Access[] {
  if (reactsToCall(e, cp, at, trap)) return operation;
  const completions = e.accesses.filter((x) => {
    if (x.kind !== 'write') return false;
    const node = x.node as WriteNode;
    // A clear counts (removing the pending record completes it); the operation's own lock sets are not in `operation`.
    return !node.unknown && node.mark !== 'set' && e.reach.beforeInOrder([at], x.flat);
  });
  return operation.filter((w) => completions.some((x) => sameState(x.state, w.state)));
}

/** The trap is how the method reacts to this call's failure: its condition or value comes from the result. */
function reactsToCall(e: EntryAnalysis, cp: CommitPointInfo, at: number, trap: TrapNode): boolean {
  const id = cp.await.id;
  return (
    e.flow.awaits(trap.cond).has(id) ||
    e.flow.awaits(trap.value).has(id) ||
    // An unconditional trap in a branch on the result (`if r.is_err() { panic!(…) }`, `case (#err m) Debug.trap(m)`);
    // a conditional one merely placed after `if let Err(e) = … { return … }` sits on the success path.
    (trap.always === true && e.cfg.nodes[at].controls.some((c) => e.flow.awaits(c).has(id)))
  );
}

/**
 * The records of committed calls that the awaited callee makes after its own last commit point and may then
 * return an error (SPEC §5, Traps): a trap on that error rolls back to that commit point, undoing the record
 * while the recorded call's effect (a refund, a transfer) stays.
 */
function recordsMadeInCall(e: EntryAnalysis, cp: CommitPointInfo): Access[] {
  const flat = awaitFlat(e, cp);
  return e.accesses.filter((x) => {
    if (x.kind !== 'write') return false;
    const node = x.node as WriteNode;
    return (
      !!node.recordOf?.errorAfter &&
      !isRecordWrite(x) &&
      e.reach.beforeInOrder(flat, x.flat) &&
      x.flat.some((i) => e.segOf.get(i)?.has(cp.index!))
    );
  });
}

function recordUndoneFinding(
  e: EntryAnalysis,
  cp: CommitPointInfo,
  traps: { node: TrapNode; related: RelatedLocation }[],
  undone: Access[],
): Finding {
  const names = [...new Set(undone.map((w) => stateName(w.state)))];
  const first = traps[0].node;
  const calls = new Map<string, RelatedLocation>();
  for (const w of undone) {
    const at = (w.node as WriteNode).recordOf!.at;
    calls.set(`${at.file}:${at.range.start.line}:${at.range.start.character}`, {
      file: at.file,
      range: at.range,
      message: 'the recorded call commits here: its effect stays',
    });
  }
  return finding(
    meta,
    e,
    cp.await.range,
    `Code after ${cpLine(cp)} may trap on the callee's error (${trapPlace(e, first)}: ${causeText[first.cause]}${inCalleeText(first)}); the callee recorded a call it made after its last commit point and then returned the error, so the trap rolls back that record of ${names.map(quote).join(', ')} while the call's effect stays.`,
    {
      state: names,
      commitPoint: cp.await.range,
      related: [
        ...traps.map((t) => t.related),
        ...calls.values(),
        ...undone.map((w) => accessNote(w, 'records the call in')),
      ],
    },
  );
}
