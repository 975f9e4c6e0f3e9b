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
  /** The actor field whose lowering queued it (see `FileContext.owner`). */
  owner?: number;
}

/** What the lowering of one actor field did beyond its own IR (see `FileContext.owner`). */
export interface UnitEffects {
  /** It left a mark outside its own field (queued, lowered or annotated code of another), or made a timer. */
  foreign: boolean;
  /** Another field's lowering left a mark in it. */
  touched: boolean;
  /** It left a notice (something cut or failed). */
  notices: boolean;
}

export class FileContext {
  /** Ids are unique per analysed file: contexts of other files whose code is inlined here share this counter. */
  private readonly ids: { next: number };
  /** Contexts of the other files whose code is inlined into this file's entry points, by file. */
  private readonly others = new Map<FileInfo, FileContext>();
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
  private typeDecsOfFile: Map<string, A.Type> | undefined;
  /**
   * The actor field (by index in `spans`) being lowered now, with everything the lowering of each field did
   * beyond its IR: a field whose lowering stays within its own text can be left out of the next analysis and
   * its previous results used (lowering-reuse.ts). Only kept when `spans` is set.
   */
  owner: number | undefined;
  spans: { start: number; end: number }[] | undefined;
  readonly effects = new Map<number, UnitEffects>();

  constructor(
    readonly file: FileInfo,
    readonly modules: ModuleContext,
    readonly summaries: AsyncStarSummaries,
    /** The analysed file's context, when this one is for code of another file inlined into it. */
    readonly root?: FileContext,
  ) {
    this.ids = root ? root.ids : { next: 0 };
  }

  /**
   * `type T = …` declarations of the file, by name (no scoping: enough to read actor types). Collected on first
   * use: most files whose code is inlined never need them, and a walk of every such file is a large part of the
   * analysis of a file with many imports.
   */
  get typeDecs(): Map<string, A.Type> {
    if (this.typeDecsOfFile) return this.typeDecsOfFile;
    const decs = new Map<string, A.Type>();
    walk(this.file.program, (n) => {
      if (n.kind === 'TypeDec' && !decs.has(n.name.name)) decs.set(n.name.name, n.type);
    });
    return (this.typeDecsOfFile = decs);
  }

  id(): number {
    return this.ids.next++;
  }

  /**
   * The context to lower code of `other` in (its ranges are in that file) as part of this file's entry
   * points: same ids, same summaries. Only quiet lowerings use it: annotations belong to each file's own run.
   */
  forFile(other: FileInfo): FileContext {
    const root = this.root ?? this;
    if (other === root.file) return root;
    let known = root.others.get(other);
    if (!known) {
      known = new FileContext(other, this.modules, this.summaries, root);
      root.others.set(other, known);
    }
    return known;
  }

  /** The file whose entry points are being lowered. */
  get analysedFile(): FileInfo {
    return (this.root ?? this).file;
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
    if (this.lowered.has(node)) return;
    this.pending.push({ name, node, scope, ...(this.owner !== undefined ? { owner: this.owner } : {}) });
    this.mark(node.start);
  }

  /** Records an await's annotation (the first one stays). */
  annotate(node: A.AwaitExp, annotation: AwaitAnnotation): void {
    if (this.annotations.has(node)) return;
    this.annotations.set(node, annotation);
    this.mark(node.start);
  }

  /** Records that a body was lowered (it is not queued again). */
  markLowered(node: A.NodeBase): void {
    this.lowered.add(node);
    this.mark(node.start);
  }

  notice(at: number, notice: Notice): void {
    this.notices.set(at, notice);
    if (this.owner !== undefined) this.effectsOf(this.owner).notices = true;
    this.mark(at);
  }

  addTimerEntry(entry: EntryPointIR): void {
    this.timerEntries.push(entry);
    if (this.owner !== undefined) this.effectsOf(this.owner).foreign = true;
  }

  addTimerTarget(name: string, ref: FuncRef): void {
    this.timerTargets.set(name, ref);
    if (this.owner !== undefined) this.effectsOf(this.owner).foreign = true;
  }

  /** The actor field whose text holds `offset`, or undefined. */
  unitAt(offset: number): number | undefined {
    const spans = this.spans;
    if (!spans) return undefined;
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (offset < spans[mid].start) hi = mid - 1;
      else if (offset >= spans[mid].end) lo = mid + 1;
      else return mid;
    }
    return undefined;
  }

  effectsOf(unit: number): UnitEffects {
    let e = this.effects.get(unit);
    if (!e) this.effects.set(unit, (e = { foreign: false, touched: false, notices: false }));
    return e;
  }

  /** A mark at `offset` by the current owner's lowering: outside its own field, both fields are told. */
  private mark(offset: number): void {
    if (this.owner === undefined || !this.spans) return;
    const at = this.unitAt(offset);
    if (at === this.owner) return;
    this.effectsOf(this.owner).foreign = true;
    if (at !== undefined) this.effectsOf(at).touched = true;
  }
}
