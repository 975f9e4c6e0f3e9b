/** What the lowering of one file shares: ids, await annotations, functions still to lower, timer callbacks. */
import type * as A from '../ast';
import { walk } from '../ast';
import type { AwaitAnnotation, EntryPointIR, Notice, Range } from '../../../model/ir';
import type { AsyncStarSummaries } from './async-star';
import type { FileInfo } from './files';
import type { FuncRef, ModuleContext, Scope } from './scope';

/** Code that runs as (part of) some function but is not an entry point's own body: lowered for annotations. */
export interface PendingBody {
  /** Enclosing function name for annotations. */
  name: string;
  node: A.Func | A.AsyncExp;
  scope: Scope;
}

export class FileContext {
  private nextId = 0;
  readonly annotations = new Map<A.AwaitExp, AwaitAnnotation>();
  readonly pending: PendingBody[] = [];
  /** Bodies already lowered (as an entry point or for annotations). */
  readonly lowered = new Set<A.NodeBase>();
  /** Timer callbacks written inline (`Timer.setTimer(d, func () : async () {…})`), lowered as entry points. */
  readonly timerEntries: EntryPointIR[] = [];
  /** Named functions given to a timer. */
  readonly timerTargets = new Map<string, FuncRef>();
  /** What the lowering left out (too deep, or an entry point that failed), by source offset. */
  readonly notices = new Map<number, Notice>();
  /** `type T = …` declarations of the file, by name (no scoping: enough to read actor types). */
  readonly typeDecs = new Map<string, A.Type>();

  constructor(
    readonly file: FileInfo,
    readonly modules: ModuleContext,
    readonly summaries: AsyncStarSummaries,
  ) {
    walk(file.program, (n) => {
      if (n.kind === 'TypeDec' && !this.typeDecs.has(n.name.name)) this.typeDecs.set(n.name.name, n.type);
    });
  }

  id(): number {
    return this.nextId++;
  }

  range(n: A.NodeBase): Range {
    return this.file.lines.rangeAt(n.start, n.end);
  }

  rangeOf(start: number, end: number): Range {
    return this.file.lines.rangeAt(start, end);
  }

  get text(): string {
    return this.file.text;
  }

  queue(name: string, node: A.Func | A.AsyncExp, scope: Scope): void {
    if (!this.lowered.has(node)) this.pending.push({ name, node, scope });
  }
}
