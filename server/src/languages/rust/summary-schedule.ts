/**
 * The order in which function summaries are computed. Lowering a function asks for the summaries of the
 * functions it calls; one that is not settled yet is settled first, right there (a nested lowering), so every
 * function is lowered after its callees and an acyclic call graph costs one lowering per function. The strongly
 * connected components of the call graph are found on the way (Tarjan): only a real cycle (mutual or self
 * recursion) is iterated, and only its own functions, until their summaries stop changing.
 *
 * A summary read before it was final (in a cycle, or of a function left for later: nested lowerings are
 * bounded, for the JavaScript stack) is noticed by version: the reader is lowered again once that summary is
 * final. Whatever the order, the result is the fixpoint of the same equations.
 */
import type { FnInfo } from './crate-index';
import { summarise, type FnFacts, type FnSummary, type SummaryMap } from './summaries';

/**
 * Nested lowerings at most: each holds a whole lowering on the stack. Deeper callees are settled later, and every
 * caller above them lowered again: real call chains nest up to 15 deep (orbit). A lowering that runs out of stack
 * before the bound is undone and settled later too (`visitNested`).
 */
const MAX_NESTED = 24;
/** Rounds over a cycle (or over what is left stale at the end) before giving up: pathological recursion. */
const MAX_ROUNDS = 11;

/** What a function nobody settled answers, should it be read anyway: unknown, never "no call". */
const UNSETTLED: FnSummary = { accesses: [], commits: 'unknown' };

/** The same test as `describeError`'s: the JavaScript stack ran out. */
function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

/**
 * The summaries of `fns`, lowering each with `lowerFn` (given the summaries to read, which settles callees on
 * demand). A function that is not `needed` and that no needed function calls (test code only test code calls)
 * is never lowered: its summary says "unknown". A function whose lowering throws gets an empty summary (lowering
 * it for its file fails again and says so there).
 */
export function computeSummaries(
  fns: FnInfo[],
  lowerFn: (fn: FnInfo, s: SummaryMap) => FnFacts,
  needed: (fn: FnInfo) => boolean = () => true,
  /** `summarise`, or a caller's memo of it (the language server's, for facts it kept). */
  summariseFacts: (fn: FnInfo, facts: FnFacts) => FnSummary = summarise,
): SummaryMap {
  return new SummarySchedule(fns, lowerFn, summariseFacts, false).run(fns.filter(needed));
}

/**
 * The summaries of `fns`, each lowered only when first read (by a lowering, or by whoever holds the map): a
 * function nothing reads is never lowered. The answers are those `computeSummaries` gives.
 */
export function summariesOnDemand(
  fns: FnInfo[],
  lowerFn: (fn: FnInfo, s: SummaryMap) => FnFacts,
): SummaryMap {
  return new SummarySchedule(fns, lowerFn, summarise, true).view;
}

/** The summaries map lowering reads: reading one settles it first when it is not yet (see the module comment). */
class OnDemandSummaries extends Map<FnInfo, FnSummary> {
  constructor(private readonly schedule: SummarySchedule) {
    super();
  }
  override get(fn: FnInfo): FnSummary | undefined {
    return this.schedule.read(fn);
  }
  override has(fn: FnInfo): boolean {
    return this.schedule.has(fn);
  }
}

class SummarySchedule {
  private readonly summaries = new Map<FnInfo, FnSummary>();
  readonly view = new OnDemandSummaries(this);
  /** The JSON of a summary lowered again, to tell a changed summary from the same one (see `changed`). */
  private readonly keys = new Map<FnInfo, string>();
  /** Bumped each time a function's summary changes. */
  private readonly version = new Map<FnInfo, number>();
  /** For each function: the version of every summary its latest lowering read. */
  private readonly seen = new Map<FnInfo, Map<FnInfo, number>>();
  private readonly readers = new Map<FnInfo, Set<FnInfo>>();
  /** Callees named and summaries read: the call graph, for the final rounds' order. */
  private readonly edges = new Map<FnInfo, FnInfo[]>();
  /** Functions that read a summary that changed since: lowered again in the final rounds. */
  private readonly stale = new Set<FnInfo>();
  private readonly queue: FnInfo[] = [];
  private queued = 0;
  private visits = 0;
  // Tarjan's bookkeeping over the nested lowerings.
  private readonly order = new Map<FnInfo, number>();
  private readonly low = new Map<FnInfo, number>();
  private readonly stack: FnInfo[] = [];
  private readonly onStack = new Set<FnInfo>();
  /** The lowerings in progress, innermost last, with what each has read so far. */
  private readonly active: { fn: FnInfo; reads: Map<FnInfo, number> }[] = [];

  constructor(
    private readonly fns: FnInfo[],
    private readonly lowerFn: (fn: FnInfo, s: SummaryMap) => FnFacts,
    private readonly summariseFacts: (fn: FnInfo, facts: FnFacts) => FnSummary,
    /** Settles a function read outside any lowering too, and leaves callees it only names alone. */
    private readonly onDemand: boolean,
  ) {
    // Until settled (read in a cycle, or left for later): no access, no commit.
    for (const f of fns) this.summaries.set(f, { accesses: [] });
  }

  run(needed: FnInfo[]): SummaryMap {
    this.settleAll(needed);
    const out: SummaryMap = new Map(this.summaries);
    for (const f of this.fns) if (!this.order.has(f)) out.set(f, UNSETTLED);
    return out;
  }

  /** Settles `fns` (and what their lowerings read), then whatever was left stale. */
  private settleAll(fns: FnInfo[]): void {
    this.queue.push(...fns);
    this.drainQueue();
    // What is still stale (read before a deferred callee settled): rounds in callee-first order.
    for (let round = 0; round < MAX_ROUNDS && this.stale.size; round++) {
      for (const fn of calleesFirst(
        this.fns.filter((f) => this.order.has(f)),
        this.edges,
      )) {
        if (this.stale.delete(fn)) this.settle(fn);
      }
      this.drainQueue();
    }
  }

  private drainQueue(): void {
    while (this.queued < this.queue.length) {
      const fn = this.queue[this.queued++];
      if (!this.order.has(fn)) this.visit(fn);
    }
  }

  has(fn: FnInfo): boolean {
    return this.summaries.has(fn);
  }

  /** Called by lowering: settles `fn` first when it was never lowered, and notes the read. */
  read(fn: FnInfo): FnSummary | undefined {
    const reader = this.active[this.active.length - 1];
    if (!this.summaries.has(fn)) return undefined;
    if (!reader) {
      if (this.onDemand && !this.order.has(fn)) this.settleAll([fn]);
      return this.summaries.get(fn);
    }
    if (!this.order.has(fn)) {
      if (this.active.length > MAX_NESTED) this.queue.push(fn);
      else this.visitNested(fn);
    }
    if (this.onStack.has(fn) && this.onStack.has(reader.fn))
      this.low.set(reader.fn, Math.min(this.low.get(reader.fn)!, this.low.get(fn) ?? Infinity));
    reader.reads.set(fn, this.version.get(fn) ?? 0);
    return this.summaries.get(fn);
  }

  /**
   * A nested lowering that runs out of JavaScript stack is undone (with the lowerings it started that are not
   * finished): those functions are settled later, from the queue, outside any other lowering.
   */
  private visitNested(fn: FnInfo): void {
    const depth = this.stack.length;
    try {
      this.visit(fn);
    } catch (err) {
      if (!isStackOverflow(err)) throw err;
      for (const undone of this.stack.splice(depth)) {
        this.onStack.delete(undone);
        this.order.delete(undone);
        this.low.delete(undone);
        this.queue.push(undone);
      }
    }
  }

  /** Tarjan's visit: settles `fn` (its callees on demand), then iterates its SCC when `fn` is its root. */
  private visit(fn: FnInfo): void {
    const n = this.visits++;
    this.order.set(fn, n);
    this.low.set(fn, n);
    this.stack.push(fn);
    this.onStack.add(fn);
    this.settle(fn);
    if (this.low.get(fn) !== n) return;
    const scc = this.stack.splice(this.stack.lastIndexOf(fn));
    scc.forEach((f) => this.onStack.delete(f));
    // Deepest first: callees before callers inside the cycle too.
    scc.reverse();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const redo = scc.filter((f) => this.isStale(f));
      if (!redo.length) break;
      for (const f of redo) if (this.isStale(f)) this.settle(f);
    }
    for (const f of scc) if (!this.isStale(f)) this.stale.delete(f);
  }

  /** Lowers `fn` with the current summaries and records its summary and what it read. */
  private settle(fn: FnInfo): void {
    const reading = { fn, reads: new Map<FnInfo, number>() };
    this.active.push(reading);
    let facts: FnFacts;
    try {
      facts = this.lowerFn(fn, this.view);
    } catch (err) {
      // Out of stack inside a nested lowering: undone by `visitNested`, settled later from the queue.
      if (this.active.length > 1 && isStackOverflow(err)) throw err;
      facts = { nodes: [] };
    } finally {
      this.active.pop();
    }
    for (const old of this.edgesOf(fn)) this.readers.get(old)?.delete(fn);
    this.seen.set(fn, reading.reads);
    const callees = [...new Set([...(facts.callees ?? []), ...reading.reads.keys()])].filter((c) =>
      this.summaries.has(c),
    );
    this.edges.set(fn, callees);
    for (const c of reading.reads.keys()) {
      let set = this.readers.get(c);
      if (!set) this.readers.set(c, (set = new Set()));
      set.add(fn);
    }
    // Callees it names without reading their summaries are settled too (they are reported on); on demand, only
    // when something reads them.
    if (!this.onDemand)
      for (const c of facts.callees ?? [])
        if (!this.order.has(c) && this.summaries.has(c)) this.queue.push(c);
    const next = this.summariseFacts(fn, facts);
    if (this.changed(fn, next)) {
      this.summaries.set(fn, next);
      this.version.set(fn, (this.version.get(fn) ?? 0) + 1);
      // Readers saw an older version: lowered again (in this SCC's rounds, or else in the final ones).
      for (const r of this.readers.get(fn) ?? []) this.stale.add(r);
    }
    if (this.isStale(fn)) this.stale.add(fn);
    else this.stale.delete(fn);
  }

  /**
   * Whether `next` differs from `fn`'s summary. The first one always does; only a function lowered again (in a
   * cycle, or stale) compares, by JSON, computed then for the old summary too.
   */
  private changed(fn: FnInfo, next: FnSummary): boolean {
    if (!this.version.has(fn)) return true;
    const old = this.keys.get(fn) ?? JSON.stringify(this.summaries.get(fn));
    const key = JSON.stringify(next);
    this.keys.set(fn, key);
    return key !== old;
  }

  private edgesOf(fn: FnInfo): FnInfo[] {
    return this.edges.get(fn) ?? [];
  }

  /** Whether a summary `fn` read has changed since. */
  private isStale(fn: FnInfo): boolean {
    for (const [g, v] of this.seen.get(fn) ?? []) if ((this.version.get(g) ?? 0) !== v) return true;
    return false;
  }
}

/** Callees before callers (DFS post-order over `edges`, iterative for long call chains). */
function calleesFirst(fns: FnInfo[], edges: Map<FnInfo, FnInfo[]>): FnInfo[] {
  const order: FnInfo[] = [];
  const seen = new Set<FnInfo>();
  for (const root of fns) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: { fn: FnInfo; next: number }[] = [{ fn: root, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const callees = edges.get(top.fn) ?? [];
      if (top.next < callees.length) {
        const callee = callees[top.next++];
        if (!seen.has(callee)) {
          seen.add(callee);
          stack.push({ fn: callee, next: 0 });
        }
      } else {
        order.push(top.fn);
        stack.pop();
      }
    }
  }
  return order;
}
