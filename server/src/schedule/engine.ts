/**
 * The execution engine of a scenario: messages, the canister's input queue and the single execution order.
 *
 * Every message follows its planned path (path.ts). Running a queue item runs one step of one message: a
 * `request` starts a message (its segment 0), a `response` resumes it after the commit point it is suspended
 * at. At the end of a step:
 * - a self-call (Motoko private `async` function) enqueues the callee as its own message (a request); the
 *   caller's response becomes ready when the callee's message completes;
 * - any other commit point sends a call to another canister, whose response is enqueued at once: the other
 *   canister answers after every message already waiting here (the earliest a reply can arrive);
 * - the last step completes the message.
 *
 * Queue disciplines (`Discipline`):
 * - `ic`: one FIFO queue for requests and other canisters' responses, except that the response to a self-call
 *   goes to the front: it is handled right after the callee's message completes, before anything else waiting.
 * - `fifo`: every request and response, self-call responses included, goes to the back of one FIFO queue.
 * The adversarial search (witness.ts) uses the `ic` insertion order but may take any waiting item next.
 */
import type { EntryAnalysis } from '../model/analysis';
import type { StatePath } from '../model/ir';
import { stateName } from '../model/ir';
import { planPath, type PlannedStep } from './path';
import type { SimMessage, SimStep, StepSource } from './types';

export type Discipline = 'ic' | 'fifo';

export class SimulationError extends Error {}

export interface Msg {
  id: string;
  entry: EntryAnalysis;
  plan: PlannedStep[];
  /** Index of the next planned step to run. */
  next: number;
  /** The message whose self-call created this one. */
  caller?: number;
}

export interface QueueItem {
  kind: 'request' | 'response';
  msg: number;
}

/** One executed step, with what the witness monitors need. */
export interface ExecStep {
  step: number;
  msg: number;
  planned: PlannedStep;
  /** Index of `planned` in the message's plan. */
  index: number;
}

/** Entry points of one canister and their planned paths (computed once per scenario). */
export class Program {
  private readonly plans = new Map<EntryAnalysis, PlannedStep[]>();
  readonly byName = new Map<string, EntryAnalysis>();

  /** `rejecting`: this entry point's messages take the path on which their calls fail (witness search). */
  constructor(
    readonly entries: EntryAnalysis[],
    readonly rejecting?: EntryAnalysis,
  ) {
    for (const e of entries) if (!this.byName.has(e.ir.name)) this.byName.set(e.ir.name, e);
  }

  plan(e: EntryAnalysis): PlannedStep[] {
    let p = this.plans.get(e);
    if (!p) this.plans.set(e, (p = planPath(e, e === this.rejecting ? 'reject' : 'reply')));
    return p;
  }

  /** The entry point a self-call runs, when it is part of the canister. */
  callee(step: PlannedStep): EntryAnalysis | undefined {
    return step.selfCallee !== undefined ? this.byName.get(step.selfCallee) : undefined;
  }
}

export class Run {
  msgs: Msg[] = [];
  queue: QueueItem[] = [];
  steps: ExecStep[] = [];
  private counters = new Map<string, number>();

  constructor(
    readonly program: Program,
    readonly maxSteps: number,
  ) {}

  /** Adds `count` requests for `entry` in arrival order. */
  arrive(entry: EntryAnalysis, count: number): void {
    for (let i = 0; i < count; i++) this.queue.push({ kind: 'request', msg: this.newMessage(entry) });
  }

  private newMessage(entry: EntryAnalysis, caller?: number): number {
    const n = (this.counters.get(entry.ir.name) ?? 0) + 1;
    this.counters.set(entry.ir.name, n);
    this.msgs.push({
      id: `${entry.ir.name}#${n}`,
      entry,
      plan: this.program.plan(entry),
      next: 0,
      ...(caller !== undefined ? { caller } : {}),
    });
    return this.msgs.length - 1;
  }

  clone(): Run {
    const r = new Run(this.program, this.maxSteps);
    r.msgs = this.msgs.map((m) => ({ ...m }));
    r.queue = [...this.queue];
    r.steps = [...this.steps];
    r.counters = new Map(this.counters);
    return r;
  }

  /** Takes the queue item at `index`, runs its step and enqueues what it causes under `discipline`. */
  exec(index: number, discipline: Discipline): ExecStep {
    if (this.steps.length >= this.maxSteps) {
      throw new SimulationError(
        `the scenario did not finish within ${this.maxSteps} steps (a self-call that calls itself again?)`,
      );
    }
    const [item] = this.queue.splice(index, 1);
    const m = this.msgs[item.msg];
    const planned = m.plan[m.next];
    const exec: ExecStep = { step: this.steps.length + 1, msg: item.msg, planned, index: m.next };
    this.steps.push(exec);
    m.next++;
    if (planned.endsAt) {
      const callee = this.program.callee(planned);
      if (callee) this.queue.push({ kind: 'request', msg: this.newMessage(callee, item.msg) });
      else this.queue.push({ kind: 'response', msg: item.msg });
    } else if (m.caller !== undefined) {
      const response: QueueItem = { kind: 'response', msg: m.caller };
      if (discipline === 'ic') this.queue.unshift(response);
      else this.queue.push(response);
    }
    return exec;
  }

  /** Runs to the end, always taking the head of the queue. */
  finish(discipline: Discipline): void {
    while (this.queue.length) this.exec(0, discipline);
  }

  /** A key for the state of the run (what can still happen), for the search's memo. */
  key(): string {
    const msgs = this.msgs.map((m) => `${m.entry.ir.name}:${m.next}:${m.caller ?? ''}`).join(',');
    const queue = this.queue
      .map((q) => `${q.kind[0]}${q.msg}`)
      .sort()
      .join(',');
    return `${msgs}|${queue}`;
  }

  messagesJson(): SimMessage[] {
    return this.msgs.map((m) => ({ id: m.id, entryPoint: m.entry.ir.name }));
  }

  stepsJson(): SimStep[] {
    return this.steps.map((s) => {
      const m = this.msgs[s.msg];
      return {
        step: s.step,
        message: m.id,
        entryPoint: m.entry.ir.name,
        segment: s.planned.segment,
        reads: names(s.planned.reads),
        writes: names(s.planned.writes),
      };
    });
  }

  /** Each step's code: its segment on the message's path and the commit point that ends it. */
  sourcesJson(): StepSource[] {
    return this.steps.map((s) => {
      const m = this.msgs[s.msg];
      const file = m.entry.file;
      const resumedAt = s.index > 0 ? m.plan[s.index - 1].endsAt : undefined;
      const endsAt = s.planned.endsAt;
      const start = resumedAt ? resumedAt.range.start : m.entry.ir.range.start;
      let end = endsAt ? endsAt.range.end : m.entry.ir.range.end;
      // A loop can lead back to an earlier commit point: the segment then runs on to the method's end.
      if (end.line < start.line || (end.line === start.line && end.character < start.character))
        end = m.entry.ir.range.end;
      const range = { start, end };
      return {
        step: s.step,
        segment: { file, range },
        ...(endsAt ? { commitPoint: { file, range: endsAt.range } } : {}),
      };
    });
  }
}

function names(list: StatePath[]): string[] {
  return list.map(stateName);
}
