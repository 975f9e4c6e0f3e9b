/**
 * Whether a body reaches a commit point on every path, some paths, or none (SPEC §2): the four values a
 * function summary carries. `must` needs a committing await on every path that ends normally (paths that only
 * fail — `?`, `return Err(…)`, a trap — do not count); an await that only may commit makes the body `unknown`
 * unless some path definitely commits (`may`); `never` needs no await that could commit at all.
 */
import type { AwaitNode, Node } from './ir';

export type CommitSummary = 'must' | 'may' | 'unknown' | 'never';

interface Flow {
  /** Some path reaches the end of the sequence. */
  falls: boolean;
  /** Every path that reaches the end has committed. */
  committedAtEnd: boolean;
  /** Some path left by a normal `return` before committing. */
  leaked: boolean;
}

function flow(nodes: Node[], committedIn: boolean): Flow {
  let committed = committedIn;
  let leaked = false;
  const stop = (): Flow => ({ falls: false, committedAtEnd: true, leaked });
  for (const n of nodes) {
    switch (n.kind) {
      case 'await':
        if (n.commit === 'commit') committed = true;
        break;
      case 'exit':
        // A `?` only leaves on failure; the path goes on otherwise.
        if (n.how === 'propagate') break;
        if (n.how === 'return' && !n.error && !committed) leaked = true;
        return stop();
      case 'trap':
        if (n.always) return stop();
        break;
      case 'branch': {
        let falls = !n.exhaustive;
        let all = n.exhaustive || committed;
        for (const arm of n.arms) {
          const f = flow(arm, committed);
          leaked ||= f.leaked;
          if (f.falls) {
            falls = true;
            all &&= f.committedAtEnd;
          }
        }
        if (!falls) return stop();
        committed = all;
        break;
      }
      case 'loop':
        // The body may run zero times: it never makes the code after it committed.
        leaked ||= flow(n.body, committed).leaked;
        break;
      case 'block':
      case 'try': {
        const f = flow(n.body, committed);
        leaked ||= f.leaked;
        if (n.kind === 'try' && n.catchBody) leaked ||= flow(n.catchBody, committedIn).leaked;
        if (!f.falls) return stop();
        committed = f.committedAtEnd;
        break;
      }
      default:
        break;
    }
  }
  return { falls: true, committedAtEnd: committed, leaked };
}

function awaitKinds(nodes: Node[], seen: Set<string>): void {
  for (const n of nodes) {
    if (n.kind === 'await') seen.add(n.commit);
    else if (n.kind === 'branch') n.arms.forEach((a) => awaitKinds(a, seen));
    else if (n.kind === 'loop' || n.kind === 'block') awaitKinds(n.body, seen);
    else if (n.kind === 'try') {
      awaitKinds(n.body, seen);
      awaitKinds(n.catchBody ?? [], seen);
      awaitKinds(n.finallyBody ?? [], seen);
    }
  }
}

export function commitSummary(nodes: Node[]): CommitSummary {
  const kinds = new Set<string>();
  awaitKinds(nodes, kinds);
  if (!kinds.has('commit')) return kinds.has('maybe') ? 'unknown' : 'never';
  const f = flow(nodes, false);
  return !f.leaked && (!f.falls || f.committedAtEnd) ? 'must' : 'may';
}

/**
 * The nodes that some path reaches after an await `commits` says may commit: in order, through the arms that
 * fall through (an arm that returns does not lead to what follows the branch), without loop back edges.
 * Conservative: a path goes on past a trap.
 */
export function afterCommitNodes(
  nodes: Node[],
  commits: (n: AwaitNode) => boolean,
  onEveryPath = false,
): Set<Node> {
  const out = new Set<Node>();
  const walk = (ns: Node[], committedIn: boolean): boolean | undefined => {
    let committed = committedIn;
    for (const n of ns) {
      if (committed) out.add(n);
      if (n.kind === 'await') committed ||= commits(n);
      // Not at an unconditional trap: one in a closure (`unwrap_or_else(|| trap(…))`) is lowered in line.
      else if (n.kind === 'exit' && n.how !== 'propagate') return undefined;
      else if (n.kind === 'branch') {
        const outs = n.arms.map((arm) => walk(arm, committed));
        if (!n.exhaustive) outs.push(committed);
        const falling = outs.filter((o): o is boolean => o !== undefined);
        if (!falling.length) return undefined;
        committed = onEveryPath ? falling.every((o) => o) : falling.some((o) => o);
      } else if (n.kind === 'loop' || n.kind === 'block') committed = walk(n.body, committed) ?? committed;
      else if (n.kind === 'try') {
        const body = walk(n.body, committed);
        const caught = walk(n.catchBody ?? [], committed || body === true);
        committed = walk(n.finallyBody ?? [], committed || !!body || !!caught) ?? committed;
      }
    }
    return committed;
  };
  walk(nodes, false);
  return out;
}
