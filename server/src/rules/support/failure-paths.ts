/**
 * Where a failed inter-canister call is handled, and which state those handlers write back. Shared by
 * `no-rollback-on-failure` and `unknown-outcome-compensated`.
 */
import type { Access, CommitPointInfo, EntryAnalysis } from '../../model/analysis';
import { sameState } from '../../model/analysis';
import type { Cfg, FlatNode } from '../../model/cfg';
import type { BranchNode, WriteNode } from '../../model/ir';
import { awaitFlat, happensBefore } from './helpers';

export interface FailureHandling {
  /** Branches after the commit point that test the call's result. */
  resultBranches: BranchNode[];
  /** The await is inside a `try` with a `catch` (Motoko: rejects are caught there). */
  caught: boolean;
  /** Writes on failure paths: failure arms of result branches, `catch` bodies, `finally` bodies. */
  handlerWrites: WriteNode[];
  /** Writes in failure arms of result branches (an error the callee returned). */
  resultWrites: WriteNode[];
  /** Writes in `catch` / `finally` around the await (a reject, Motoko). */
  rejectWrites: WriteNode[];
  /** Writes in `finally` around the await (run on every path). */
  finallyWrites: WriteNode[];
  /** Some result branch distinguishes an unknown outcome. */
  distinguishesUnknown: boolean;
  /**
   * A `catch` turns the reject into a value that reaches a result branch (`switch (try { await f() } catch _
   * { #err(#Rejected) })`): the branch's failure arm handles rejects too.
   */
  rejectReachesResult: boolean;
}

export function failureHandling(e: EntryAnalysis, cp: CommitPointInfo): FailureHandling {
  const flat = awaitFlat(e, cp);
  const id = cp.await.id;
  const { branches, writes } = nodesOf(e.cfg);
  const resultBranches: BranchNode[] = [];
  for (const f of branches) {
    if (f.node.kind !== 'branch' || resultBranches.includes(f.node)) continue;
    if (e.flow.awaits(f.node.cond).has(id) && (flat.includes(f.idx) || happensBefore(e, flat, [f.idx]))) {
      resultBranches.push(f.node);
    }
  }
  const enclosing = flat.flatMap((x) => e.cfg.nodes[x].tryBodies);
  const catching = enclosing.filter((t) => t.catchBody);
  const resultBranchNodes = branches.filter(
    (f) => f.node.kind === 'branch' && resultBranches.includes(f.node),
  );
  const rejectReachesResult = catching.some(
    (t) =>
      !(t.catchBody ?? []).some((n) => n.kind === 'exit' || n.kind === 'trap') &&
      resultBranchNodes.some((f) => !f.tryBodies.includes(t) && f.catchOf !== t),
  );
  const handlerWrites: WriteNode[] = [];
  const resultWrites: WriteNode[] = [];
  const rejectWrites: WriteNode[] = [];
  const finallyWrites: WriteNode[] = [];
  for (const f of writes) {
    if (f.node.kind !== 'write') continue;
    const inFailureArm = f.arms.some(
      ([b, i]) => resultBranches.includes(b) && (b.failureArms ? b.failureArms[i] === true : true),
    );
    const inCatch = f.catchOf !== undefined && catching.includes(f.catchOf);
    const inFinally = f.inFinally && enclosing.length > 0;
    if (inFailureArm) resultWrites.push(f.node);
    if (inCatch || inFinally) rejectWrites.push(f.node);
    if (inFinally) finallyWrites.push(f.node);
    if (inFailureArm || inCatch || inFinally) handlerWrites.push(f.node);
  }
  // Any test for an unknown outcome on the way after the await (result branches, `catch` bodies) counts.
  const after = e.reach.from(flat);
  const distinguishesUnknown = branches.some(
    (f) => f.node.kind === 'branch' && f.node.unknownOutcomeCheck === true && after.has(f.idx),
  );
  return {
    resultBranches,
    caught: catching.length > 0,
    handlerWrites,
    resultWrites,
    rejectWrites,
    finallyWrites,
    distinguishesUnknown,
    rejectReachesResult,
  };
}

/** The branch and write nodes of a CFG, in order: asked at every commit point, picked out once. */
function nodesOf(cfg: Cfg): { branches: FlatNode[]; writes: FlatNode[] } {
  let known = nodesByKind.get(cfg);
  if (!known) {
    known = { branches: [], writes: [] };
    for (const f of cfg.nodes)
      if (f.node.kind === 'branch') known.branches.push(f);
      else if (f.node.kind === 'write') known.writes.push(f);
    nodesByKind.set(cfg, known);
  }
  return known;
}

const nodesByKind = new WeakMap<Cfg, { branches: FlatNode[]; writes: FlatNode[] }>();

/** In-flight writes that an ordinary failure should undo (lock markers have rules of their own). */
export function undoableWrites(cp: CommitPointInfo): Access[] {
  return cp.inFlightWrites.filter((w) => (w.node as WriteNode).mark === undefined);
}

export function compensates(h: FailureHandling, w: Access): boolean {
  return writesBack(h.handlerWrites, w);
}

export function writesBack(writes: WriteNode[], w: Access): boolean {
  return writes.some((hw) => hw !== w.node && sameState(hw.state, w.state) && sameEntry(hw.key, w.key));
}

/**
 * Both writes may change the same entry: one has no simple key, or both name the same key (the caller by any of
 * its names). A refund credited to another account (`to_aid` for a debit of `aid`) restores nothing.
 */
function sameEntry(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a === b) return true;
  const isCaller = (k: string) => k === 'caller' || k.endsWith('.caller');
  return isCaller(a) && isCaller(b);
}
