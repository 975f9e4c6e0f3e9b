/**
 * The one path a simulated message follows through its method (SPEC §7): by default the path through the most
 * commit points. Computed on the entry point's IR (the analysed model, no syntax) by dynamic programming over
 * its structure: a branch takes its best arm, a loop body runs once (or not at all when that is no worse),
 * `try` runs its body and `finally`, calls are assumed to reply (so `catch` bodies are not taken). Ties prefer
 * arms that do not handle a call's failure, then paths that touch more state, then the first arm.
 *
 * The path is cut into steps at its commit points; every step names the segment it runs (the analysis's
 * numbering) and the state accesses of that segment that lie on the path.
 */
import type { Access, EntryAnalysis } from '../model/analysis';
import type { AwaitNode, Node, ReadNode, StatePath, WriteNode } from '../model/ir';
import { stateName } from '../model/ir';

export interface PlannedStep {
  segment: number;
  reads: StatePath[];
  writes: StatePath[];
  /** The commit point that ends this step (absent for the last step, which ends the message). */
  endsAt?: AwaitNode;
  /** For a self-call at `endsAt`: the entry point that runs as its own message. */
  selfCallee?: string;
}

type Event = { kind: 'access'; node: ReadNode | WriteNode } | { kind: 'await'; node: AwaitNode };

interface Path {
  events: Event[];
  commits: number;
  failures: number;
  accesses: number;
}

interface Plan {
  /** Best path that falls through to what follows. */
  through?: Path;
  /** Best path that leaves the method (return, throw, trap). */
  exit?: Path;
}

const empty = (): Path => ({ events: [], commits: 0, failures: 0, accesses: 0 });

function concat(a: Path, b: Path): Path {
  return {
    events: [...a.events, ...b.events],
    commits: a.commits + b.commits,
    failures: a.failures + b.failures,
    accesses: a.accesses + b.accesses,
  };
}

/**
 * Which outcome of calls the path assumes where it matters: `reply` prefers arms that do not handle a call's
 * failure (the default), `reject` prefers those that do (the witness search uses it for rules whose write
 * happens on failure).
 */
export type Outcome = 'reply' | 'reject';

/** Current preference while planning (planning is synchronous). */
let outcome: Outcome = 'reply';

/** True when `a` is strictly better than `b`. */
function better(a: Path, b: Path): boolean {
  if (a.commits !== b.commits) return a.commits > b.commits;
  if (a.failures !== b.failures)
    return outcome === 'reply' ? a.failures < b.failures : a.failures > b.failures;
  return a.accesses > b.accesses;
}

function best(...paths: (Path | undefined)[]): Path | undefined {
  let out: Path | undefined;
  for (const p of paths) if (p && (!out || better(p, out))) out = p;
  return out;
}

function planList(list: Node[]): Plan {
  let through: Path | undefined = empty();
  let exit: Path | undefined;
  for (const node of list) {
    if (!through) break;
    const p = planNode(node);
    exit = best(exit, p.exit && concat(through, p.exit));
    through = p.through && concat(through, p.through);
  }
  return { ...(through ? { through } : {}), ...(exit ? { exit } : {}) };
}

function planNode(node: Node): Plan {
  switch (node.kind) {
    case 'read':
    case 'write':
      return { through: { events: [{ kind: 'access', node }], commits: 0, failures: 0, accesses: 1 } };
    case 'await':
      return node.commit === 'none'
        ? { through: empty() }
        : { through: { events: [{ kind: 'await', node }], commits: 1, failures: 0, accesses: 0 } };
    case 'branch': {
      const arms = node.arms.map((arm, i) => {
        const p = planList(arm);
        if (!node.failureArms?.[i]) return p;
        const mark = (x: Path | undefined) => x && { ...x, failures: x.failures + 1 };
        return { through: mark(p.through), exit: mark(p.exit) };
      });
      const through = best(...arms.map((a) => a.through), node.exhaustive ? undefined : empty());
      const exit = best(...arms.map((a) => a.exit));
      return { ...(through ? { through } : {}), ...(exit ? { exit } : {}) };
    }
    case 'loop': {
      const body = planList(node.body);
      // Once through the body is preferred over skipping it when it is no worse.
      const through = body.through && !better(empty(), body.through) ? body.through : empty();
      return { through, ...(body.exit ? { exit: body.exit } : {}) };
    }
    case 'block': {
      const body = planList(node.body);
      if (!node.inlined) return body;
      // A `return` in an inlined `async*` body continues after it; only a throw or trap leaves.
      const through = best(body.through, body.exit);
      return { ...(through ? { through } : {}), ...(body.exit ? { exit: body.exit } : {}) };
    }
    case 'try': {
      const body = planList(node.body);
      const fin = node.finallyBody ? planList(node.finallyBody) : { through: empty() };
      const through = body.through && fin.through && concat(body.through, fin.through);
      const exit = best(
        body.through && fin.exit && concat(body.through, fin.exit),
        body.exit && fin.through && concat(body.exit, fin.through),
        body.exit && fin.exit && concat(body.exit, fin.exit),
      );
      return { ...(through ? { through } : {}), ...(exit ? { exit } : {}) };
    }
    case 'exit':
      return node.how === 'propagate' ? { through: empty(), exit: empty() } : { exit: empty() };
    case 'trap':
      return node.always ? { exit: empty() } : { through: empty() };
    default:
      return { through: empty() };
  }
}

/** The steps of the path of an entry point through the most commit points, assuming calls `assume`. */
export function planPath(e: EntryAnalysis, assume: Outcome = 'reply'): PlannedStep[] {
  outcome = assume;
  let path: Path;
  try {
    const plan = planList(e.ir.body);
    path = best(plan.through, plan.exit) ?? empty();
  } finally {
    outcome = 'reply';
  }
  const accessOf = new Map<ReadNode | WriteNode, Access>(e.accesses.map((a) => [a.node, a]));
  const segmentAfter = new Map<AwaitNode, number>();
  for (const cp of e.commitPoints) if (cp.index !== undefined) segmentAfter.set(cp.await, cp.index);
  const steps: PlannedStep[] = [];
  let cur: PlannedStep = { segment: 0, reads: [], writes: [] };
  for (const ev of path.events) {
    if (ev.kind === 'access') {
      const state = accessOf.get(ev.node)?.state ?? ev.node.state;
      (ev.node.kind === 'read' ? cur.reads : cur.writes).push(state);
      continue;
    }
    const next = segmentAfter.get(ev.node);
    if (next === undefined) continue; // not a commit point in the analysis: it does not suspend
    cur.endsAt = ev.node;
    if (ev.node.call?.selfCall && ev.node.call.selfCallee) cur.selfCallee = ev.node.call.selfCallee;
    steps.push(cur);
    cur = { segment: next, reads: [], writes: [] };
  }
  steps.push(cur);
  return steps.map((s) => ({ ...s, reads: uniqueStates(s.reads), writes: uniqueStates(s.writes) }));
}

function uniqueStates(list: StatePath[]): StatePath[] {
  const byName = new Map<string, StatePath>();
  for (const s of list) if (!byName.has(stateName(s))) byName.set(stateName(s), s);
  return [...byName.keys()].sort().map((k) => byName.get(k)!);
}

export function stateNames(list: StatePath[]): string[] {
  return list.map(stateName);
}
