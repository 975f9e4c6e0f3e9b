/**
 * Lowers an entry point's structured IR into a control-flow graph of its events, with what the analysis asks
 * of it: reachability, the segment each event runs in, which conditions control it, whether it runs in a loop
 * or in a `finally`, and the local data flow (flow-insensitive per entry point).
 */
import type { AwaitNode, BranchNode, EntryPointIR, Node, TryNode, Val } from './ir';

export interface FlatNode {
  idx: number;
  node: Node;
  succ: number[];
  /** Conditions that decide whether this event runs (enclosing arms, earlier guards in enclosing blocks). */
  controls: Val[];
  /** Enclosing `try` nodes whose `finally` covers this event (innermost last). */
  tries: TryNode[];
  inFinally: boolean;
  inCatch: boolean;
  inLoop: boolean;
  /** Branch arms enclosing this event: [branch, arm index]. */
  arms: [BranchNode, number][];
  /** `try` nodes whose body encloses this event (rejects here may reach their `catch`). */
  tryBodies: TryNode[];
  /** The `try` whose `catch` body this event is in. */
  catchOf?: TryNode;
}

export interface Cfg {
  nodes: FlatNode[];
  entry: number[];
  /** Every flat node of an IR node (a `finally` body is lowered twice: normal and exceptional flow). */
  flatOf: Map<Node, number[]>;
  readNode: Map<number, number[]>;
  awaitNode: Map<number, number[]>;
  /** Awaits in source (lowering) order. */
  awaits: AwaitNode[];
}

interface Ctx {
  controls: Val[];
  tries: TryNode[];
  inFinally: boolean;
  inCatch: boolean;
  inLoop: boolean;
  arms: [BranchNode, number][];
  tryBodies: TryNode[];
  catchOf?: TryNode;
  /** Nodes that leave the method from within the innermost `try` (they run its `finally`). */
  exits: number[];
  /** Awaits and throws within the innermost `try` body (they may reach its `catch`). */
  throwers: number[];
  /** Inside an inlined `async*` body: its `return`s, which continue after the body. */
  inlineReturns?: number[];
}

export function buildCfg(ep: EntryPointIR): Cfg {
  const nodes: FlatNode[] = [];
  const flatOf = new Map<Node, number[]>();
  const readNode = new Map<number, number[]>();
  const awaitNode = new Map<number, number[]>();
  const awaits: AwaitNode[] = [];
  const seenAwaits = new Set<number>();

  const add = (node: Node, preds: number[], ctx: Ctx): number => {
    const idx = nodes.length;
    nodes.push({
      idx,
      node,
      succ: [],
      controls: ctx.controls,
      tries: ctx.tries,
      inFinally: ctx.inFinally,
      inCatch: ctx.inCatch,
      inLoop: ctx.inLoop,
      arms: ctx.arms,
      tryBodies: ctx.tryBodies,
      ...(ctx.catchOf ? { catchOf: ctx.catchOf } : {}),
    });
    for (const p of preds) nodes[p].succ.push(idx);
    push(flatOf, node, idx);
    if (node.kind === 'read') push(readNode, node.id, idx);
    if (node.kind === 'await') {
      push(awaitNode, node.id, idx);
      if (!seenAwaits.has(node.id)) {
        seenAwaits.add(node.id);
        awaits.push(node);
      }
    }
    return idx;
  };

  /** Lowers a statement list; returns the predecessors of whatever follows it. */
  const seq = (list: Node[], preds: number[], outer: Ctx): number[] => {
    let ctx = outer;
    let cur = preds;
    for (const node of list) {
      switch (node.kind) {
        case 'branch': {
          const b = add(node, cur, ctx);
          const ends: number[] = node.exhaustive ? [] : [b];
          node.arms.forEach((arm, i) => {
            const armCtx = { ...ctx, controls: [...ctx.controls, node.cond], arms: [...ctx.arms, [node, i]] };
            ends.push(...seq(arm, [b], armCtx as Ctx));
          });
          cur = ends;
          if (node.arms.some(alwaysExits)) ctx = { ...ctx, controls: [...ctx.controls, node.cond] };
          break;
        }
        case 'loop': {
          const head = add(node, cur, ctx);
          const bodyCtx: Ctx = {
            ...ctx,
            inLoop: true,
            controls: node.cond ? [...ctx.controls, node.cond] : ctx.controls,
          };
          const bodyEnd = seq(node.body, [head], bodyCtx);
          for (const p of bodyEnd) nodes[p].succ.push(head);
          cur = [head];
          break;
        }
        case 'block':
          if (node.inlined) {
            const returns: number[] = [];
            cur = [...seq(node.body, cur, { ...ctx, inlineReturns: returns }), ...returns];
          } else cur = seq(node.body, cur, ctx);
          break;
        case 'try':
          cur = lowerTry(node, cur, ctx);
          break;
        case 'exit': {
          const e = add(node, cur, ctx);
          if (node.how === 'return' && ctx.inlineReturns) {
            ctx.inlineReturns.push(e);
            cur = [];
            break;
          }
          ctx.exits.push(e);
          if (node.how === 'throw') ctx.throwers.push(e);
          if (node.how === 'propagate') {
            cur = [e];
            if (node.cond) ctx = { ...ctx, controls: [...ctx.controls, node.cond] };
          } else cur = [];
          break;
        }
        case 'trap': {
          const t = add(node, cur, ctx);
          if (node.always) cur = [];
          else {
            cur = [t];
            if (node.cond) ctx = { ...ctx, controls: [...ctx.controls, node.cond] };
          }
          break;
        }
        case 'await': {
          const a = add(node, cur, ctx);
          if (node.commit !== 'none') ctx.throwers.push(a);
          cur = [a];
          break;
        }
        default:
          cur = [add(node, cur, ctx)];
      }
    }
    return cur;
  };

  const lowerTry = (node: TryNode, preds: number[], ctx: Ctx): number[] => {
    const inner: Ctx = {
      ...ctx,
      tries: node.finallyBody ? [...ctx.tries, node] : ctx.tries,
      tryBodies: [...ctx.tryBodies, node],
      exits: [],
      throwers: [],
    };
    const bodyEnd = seq(node.body, preds, inner);
    let ends = bodyEnd;
    const exits = [...inner.exits];
    if (node.catchBody) {
      const catchCtx: Ctx = {
        ...inner,
        tryBodies: ctx.tryBodies,
        inCatch: true,
        catchOf: node,
        exits: [],
        throwers: [],
      };
      ends = [...ends, ...seq(node.catchBody, inner.throwers, catchCtx)];
      exits.push(...catchCtx.exits);
      ctx.throwers.push(...catchCtx.throwers);
    } else ctx.throwers.push(...inner.throwers);
    if (!node.finallyBody) {
      ctx.exits.push(...exits);
      return ends;
    }
    const finCtx: Ctx = { ...ctx, inFinally: true };
    // Normal flow continues after `finally`; leaving flow (return, throw, reject) runs it and leaves.
    const normal = seq(node.finallyBody, ends, finCtx);
    const leaving = exits.length ? seq(node.finallyBody, exits, { ...finCtx, exits: [], throwers: [] }) : [];
    ctx.exits.push(...leaving);
    return normal;
  };

  const root: Ctx = {
    controls: [],
    tries: [],
    inFinally: false,
    inCatch: false,
    inLoop: false,
    arms: [],
    tryBodies: [],
    exits: [],
    throwers: [],
  };
  const first = nodes.length;
  seq(ep.body, [], root);
  const entry = nodes.length > first ? [first] : [];
  return { nodes, entry, flatOf, readNode, awaitNode, awaits };
}

/** True when running `list` always leaves the method (return, throw, unconditional trap). */
export function alwaysExits(list: Node[]): boolean {
  const last = list[list.length - 1];
  if (!last) return false;
  switch (last.kind) {
    case 'exit':
      return last.how !== 'propagate';
    case 'trap':
      return last.always === true;
    case 'block':
      // An inlined body's `return` continues after it.
      return !last.inlined && alwaysExits(last.body);
    case 'branch':
      return last.exhaustive && last.arms.every(alwaysExits);
    default:
      return false;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Nodes reachable from `from` by one or more steps. `inOrder`: only forward edges — nodes are numbered in
 * lowering order, so an edge to a lower number is a loop's back edge.
 */
export function reachableFrom(cfg: Cfg, from: number[], inOrder = false): Set<number> {
  const seen = new Set<number>();
  const stack: number[] = [];
  // Successors pushed in place (no array per node): asked for many nodes of large bodies.
  const pushNext = (n: number) => {
    for (const s of cfg.nodes[n].succ) if (!inOrder || s > n) stack.push(s);
  };
  for (const f of from) pushNext(f);
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    pushNext(n);
  }
  return seen;
}

/** Reachability queries on one CFG, memoised per node: the analysis and the rules ask the same ones often. */
export class Reachability {
  private readonly memo = new Map<number, Set<number>>();

  constructor(private readonly cfg: Cfg) {}

  /** Nodes reachable from any of `from` by one or more steps. */
  from(from: number[]): Set<number> {
    if (from.length === 1) return this.fromNode(from[0]);
    const out = new Set<number>();
    for (const f of from) for (const n of this.fromNode(f)) out.add(n);
    return out;
  }

  /**
   * Nodes that reach some node of `to` by one or more steps: one backward search answers "can this happen
   * before `to`" for every node, where `before` would search forward from each of them.
   */
  reaching(to: number[]): Set<number> {
    const preds = this.predecessors();
    const seen = new Set<number>();
    const stack = to.flatMap((n) => preds[n]);
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const p of preds[n]) stack.push(p);
    }
    return seen;
  }

  /**
   * Nodes that reach some node of `to` within one iteration (no loop back edge), by one or more steps: the
   * backward counterpart of `beforeInOrder`, so "which accesses happen before this commit point" is one search
   * per commit point, not a forward one from every access. Memoised for a single node.
   */
  reachingInOrder(to: number[]): NodeSet {
    if (to.length === 1) {
      let r = this.backwardMemo.get(to[0]);
      if (!r) this.backwardMemo.set(to[0], (r = this.searchBackInOrder(to)));
      return r;
    }
    return this.searchBackInOrder(to);
  }

  private readonly backwardMemo = new Map<number, NodeSet>();

  private searchBackInOrder(to: number[]): NodeSet {
    const preds = this.predecessors();
    const seen = new NodeSet(this.cfg.nodes.length);
    // A forward edge goes to a higher number (see `reachableFrom`), so its source is a lower one.
    const stack = to.flatMap((n) => preds[n].filter((p) => p < n));
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const p of preds[n]) if (p < n) stack.push(p);
    }
    return seen;
  }

  private preds?: number[][];

  private predecessors(): number[][] {
    if (!this.preds) {
      const preds: number[][] = this.cfg.nodes.map(() => []);
      for (const f of this.cfg.nodes) for (const s of f.succ) preds[s].push(f.idx);
      this.preds = preds;
    }
    return this.preds;
  }

  /** Some node of `a` reaches some node of `b` (so `a` can happen before `b`). */
  before(a: number[], b: number[]): boolean {
    return a.some((x) => {
      const r = this.fromNode(x);
      return b.some((y) => r.has(y));
    });
  }

  /**
   * Like `before`, but within one iteration: loop back edges are not followed, so a write made after the call
   * of one iteration is not "before" the call of the next (SPEC §5, order without back edges).
   */
  beforeInOrder(a: number[], b: number[]): boolean {
    return a.some((x) => {
      const r = this.forwardFrom(x);
      return b.some((y) => r.has(y));
    });
  }

  private fromNode(n: number): Set<number> {
    let r = this.memo.get(n);
    if (!r) this.memo.set(n, (r = reachableFrom(this.cfg, [n])));
    return r;
  }

  // Bit sets: asked from many nodes of large bodies, a set per node would hold a number per node reached.
  private readonly forwardMemo = new Map<number, NodeSet>();

  private forwardFrom(n: number): NodeSet {
    if (this.cfg.nodes.length <= ALL_FORWARD_SETS_UP_TO) return (this.allForward ??= this.forwardSets())[n];
    let r = this.forwardMemo.get(n);
    if (!r) this.forwardMemo.set(n, (r = this.searchForwardInOrder(n)));
    return r;
  }

  private allForward?: NodeSet[];

  /**
   * Every node's forward set at once: a forward edge goes to a higher number, so a node reaches its forward
   * successors and what they reach, already known when the nodes are taken from the last one back. One pass of
   * word-wide unions instead of a search from every node the rules ask about.
   */
  private forwardSets(): NodeSet[] {
    const { nodes } = this.cfg;
    const sets: NodeSet[] = new Array<NodeSet>(nodes.length);
    for (let n = nodes.length - 1; n >= 0; n--) {
      const set = new NodeSet(nodes.length);
      for (const s of nodes[n].succ)
        if (s > n) {
          set.add(s);
          set.addAll(sets[s]);
        }
      sets[n] = set;
    }
    return sets;
  }

  /** `reachableFrom(cfg, [from], true)` into a bit set. */
  private searchForwardInOrder(from: number): NodeSet {
    const { nodes } = this.cfg;
    const seen = new NodeSet(nodes.length);
    const stack = nodes[from].succ.filter((s) => s > from);
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const s of nodes[n].succ) if (s > n) stack.push(s);
    }
    return seen;
  }
}

/**
 * Up to this many nodes, the forward sets of every node are worked out together (a bit per pair of nodes: 2 MB
 * at the limit); a larger CFG searches from each node asked about.
 */
const ALL_FORWARD_SETS_UP_TO = 4096;

/** A set of the flat nodes of one CFG, one bit each. */
export class NodeSet {
  private readonly bits: Uint32Array;

  constructor(size: number) {
    this.bits = new Uint32Array((size + 31) >>> 5);
  }

  has(n: number): boolean {
    return (this.bits[n >>> 5] & (1 << (n & 31))) !== 0;
  }

  add(n: number): void {
    this.bits[n >>> 5] |= 1 << (n & 31);
  }

  /** Adds every node of `other` (a set of the same CFG). */
  addAll(other: NodeSet): void {
    const to = this.bits;
    const from = other.bits;
    for (let i = 0; i < to.length; i++) to[i] |= from[i];
  }
}

/**
 * Segments: segment 0 holds what runs from the entry, segment k what runs after the k-th commit point, up to
 * (and including) the next commit point. A `maybe` await starts a segment and also lets its own continue.
 */
export function computeSegments(cfg: Cfg, splitting: AwaitNode[]): Map<number, Set<number>> {
  const segOf = new Map<number, Set<number>>();
  const splitIds = new Map(splitting.map((a, i) => [a.id, i + 1] as const));
  const walk = (starts: number[], seg: number) => {
    const stack = [...starts];
    const seen = new Set<number>();
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      let set = segOf.get(n);
      if (!set) segOf.set(n, (set = new Set()));
      set.add(seg);
      const node = cfg.nodes[n].node;
      if (node.kind === 'await' && splitIds.has(node.id) && node.commit === 'commit') continue;
      stack.push(...cfg.nodes[n].succ);
    }
  };
  walk(cfg.entry, 0);
  for (const a of splitting) {
    for (const f of cfg.awaitNode.get(a.id) ?? []) walk(cfg.nodes[f].succ, splitIds.get(a.id)!);
  }
  return segOf;
}

/** Resolves a value's dependencies through locals to the reads and awaits it depends on. */
export class DataFlow {
  private readonly localDeps = new Map<
    string,
    { reads: Set<number>; awaits: Set<number>; locals: Set<string> }
  >();

  /** Names the body binds a value to (the others a value names are parameters). */
  private readonly bound = new Set<string>();

  constructor(cfg: Cfg) {
    const direct = new Map<string, Val[]>();
    for (const f of cfg.nodes) {
      if (f.node.kind === 'local') push(direct, f.node.name, f.node.value);
    }
    for (const name of direct.keys()) this.bound.add(name);
    const resolving = new Set<string>();
    const resolve = (name: string): { reads: Set<number>; awaits: Set<number>; locals: Set<string> } => {
      const done = this.localDeps.get(name);
      if (done) return done;
      const out = { reads: new Set<number>(), awaits: new Set<number>(), locals: new Set<string>() };
      if (resolving.has(name)) return out;
      resolving.add(name);
      for (const v of direct.get(name) ?? []) {
        v.reads.forEach((r) => out.reads.add(r));
        v.awaits.forEach((a) => out.awaits.add(a));
        for (const l of v.locals) {
          out.locals.add(l);
          const sub = resolve(l);
          sub.reads.forEach((r) => out.reads.add(r));
          sub.awaits.forEach((a) => out.awaits.add(a));
          sub.locals.forEach((x) => out.locals.add(x));
        }
      }
      resolving.delete(name);
      this.localDeps.set(name, out);
      return out;
    };
    for (const name of direct.keys()) resolve(name);
  }

  // The rules ask about the same values again and again (per commit point, per write): each answer is worked out
  // once per value, and shared, so it must not be changed by the caller.
  private readonly readsOf = new WeakMap<Val, ReadonlySet<number>>();
  private readonly localsOf = new WeakMap<Val, ReadonlySet<string>>();
  private readonly awaitsOf = new WeakMap<Val, ReadonlySet<number>>();

  reads(v: Val | undefined): ReadonlySet<number> {
    if (!v) return NO_IDS;
    let out = this.readsOf.get(v);
    if (!out) {
      const all = new Set<number>(v.reads);
      for (const l of v.locals) this.localDeps.get(l)?.reads.forEach((r) => all.add(r));
      this.readsOf.set(v, (out = all));
    }
    return out;
  }

  /** The locals (and parameters) a value depends on, through the locals it names. */
  locals(v: Val | undefined): ReadonlySet<string> {
    if (!v) return NO_NAMES;
    let out = this.localsOf.get(v);
    if (!out) {
      const all = new Set<string>(v.locals);
      for (const l of v.locals) this.localDeps.get(l)?.locals.forEach((x) => all.add(x));
      this.localsOf.set(v, (out = all));
    }
    return out;
  }

  /** The parameters (names with no value bound in the body) a value depends on, through the locals it names. */
  params(v: Val | undefined): Set<string> {
    return new Set([...this.locals(v)].filter((l) => !this.bound.has(l)));
  }

  awaits(v: Val | undefined): ReadonlySet<number> {
    if (!v) return NO_IDS;
    let out = this.awaitsOf.get(v);
    if (!out) {
      const all = new Set<number>(v.awaits);
      for (const l of v.locals) this.localDeps.get(l)?.awaits.forEach((a) => all.add(a));
      this.awaitsOf.set(v, (out = all));
    }
    return out;
  }
}

const NO_IDS: ReadonlySet<number> = new Set();
const NO_NAMES: ReadonlySet<string> = new Set();

/** Every value an event consumes (for "is this read used after the commit point"). */
export function valuesOf(node: Node): Val[] {
  switch (node.kind) {
    case 'write':
    case 'local':
      return [node.value];
    case 'await':
      return node.args ? [node.args] : [];
    case 'branch':
      return [node.cond];
    case 'loop':
      return node.cond ? [node.cond] : [];
    case 'exit':
      return [node.value, node.cond].filter((v): v is Val => v !== undefined);
    case 'trap':
      return [node.value, node.cond].filter((v): v is Val => v !== undefined);
    default:
      return [];
  }
}
