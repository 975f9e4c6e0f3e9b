/**
 * The state reads a function checks before its first commit point: reads whose value decides a condition that
 * can stop the function before it commits (an early `return`, a `?`, an `assert!`) or that decides whether its
 * commit point runs at all. At a call site they are the caller's checks too, so check-then-act sees
 * check → `.await` → act even when the check sits in a helper (SPEC §5: a helper that reads state and decides
 * is a check of that state).
 */
import { alwaysExits } from '../../model/cfg';
import { afterCommitNodes } from '../../model/commit-paths';
import type { Node, Val } from '../../model/ir';

/** Per local: the read ids and the locals its value depends on, transitively through other locals. */
export type ReadSources = Map<string, { reads: Set<number>; locals: Set<string> }>;

export function readSources(nodes: Node[]): ReadSources {
  const direct = new Map<string, Val[]>();
  const visit = (ns: Node[]): void => {
    for (const n of ns) {
      if (n.kind === 'local') direct.set(n.name, [...(direct.get(n.name) ?? []), n.value]);
      else if (n.kind === 'branch') n.arms.forEach(visit);
      else if (n.kind === 'loop' || n.kind === 'block') visit(n.body);
      else if (n.kind === 'try') [n.body, n.catchBody ?? [], n.finallyBody ?? []].forEach(visit);
    }
  };
  visit(nodes);
  const done: ReadSources = new Map();
  const resolving = new Set<string>();
  const resolve = (name: string): { reads: Set<number>; locals: Set<string> } => {
    const known = done.get(name);
    if (known) return known;
    const out = { reads: new Set<number>(), locals: new Set<string>() };
    if (resolving.has(name)) return out;
    resolving.add(name);
    for (const v of direct.get(name) ?? []) {
      v.reads.forEach((r) => out.reads.add(r));
      for (const l of v.locals) {
        out.locals.add(l);
        const sub = resolve(l);
        sub.reads.forEach((r) => out.reads.add(r));
        sub.locals.forEach((x) => out.locals.add(x));
      }
    }
    resolving.delete(name);
    done.set(name, out);
    return out;
  };
  for (const name of direct.keys()) resolve(name);
  return done;
}

function readsOf(v: Val, sources: ReadSources): number[] {
  return [...v.reads, ...v.locals.flatMap((l) => [...(sources.get(l)?.reads ?? [])])];
}

function localsOf(v: Val, sources: ReadSources): string[] {
  return [...v.locals, ...v.locals.flatMap((l) => [...(sources.get(l)?.locals ?? [])])];
}

function commitsWithin(ns: Node[]): boolean {
  return ns.some(
    (n) =>
      (n.kind === 'await' && n.commit !== 'none') ||
      (n.kind === 'branch' && n.arms.some(commitsWithin)) ||
      ((n.kind === 'loop' || n.kind === 'block') && commitsWithin(n.body)) ||
      (n.kind === 'try' && commitsWithin(n.body)),
  );
}

/**
 * What decides, before the first commit point, whether the function goes on to commit: the ids of the reads,
 * and the indices of the parameters (a snapshot the caller read and passed in is checked here).
 */
export function guardsOf(nodes: Node[], params: string[]): { reads: Set<number>; params: number[] } {
  const sources = readSources(nodes);
  const out = new Set<number>();
  const locals = new Set<string>();
  const add = (v: Val | undefined) => {
    if (!v) return;
    readsOf(v, sources).forEach((r) => out.add(r));
    localsOf(v, sources).forEach((l) => locals.add(l));
  };
  // Only what runs before a commit point on its path: an arm that returned before an await does not make
  // what follows the branch late.
  const late = afterCommitNodes(nodes, (n) => n.commit !== 'none');
  const walk = (ns: Node[]): void => {
    for (const n of ns) {
      if (late.has(n)) continue;
      switch (n.kind) {
        case 'branch':
          if (n.arms.some(alwaysExits) || n.arms.some(commitsWithin)) add(n.cond);
          n.arms.forEach(walk);
          break;
        case 'exit':
          if (n.how === 'propagate') add(n.cond);
          break;
        case 'trap':
          if (!n.always) add(n.cond);
          break;
        case 'loop':
        case 'block':
          walk(n.body);
          break;
        case 'try':
          walk(n.body);
          break;
        default:
          break;
      }
    }
  };
  walk(nodes);
  return { reads: out, params: params.flatMap((p, i) => (locals.has(p) ? [i] : [])) };
}
