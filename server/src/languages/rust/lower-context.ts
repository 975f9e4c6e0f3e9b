/**
 * The state shared by the modules that lower one Rust function body: the crate-wide environment, the scope
 * table, the facts collected for the function's summary, and the helpers that emit IR nodes with their ranges.
 * The lowering modules are functions over this context, so each concern reads on its own while they all
 * append to the same node lists in evaluation order.
 */
import type {
  AwaitAnnotation,
  EntryPointIR,
  Node,
  Notice,
  Range,
  StatePath,
  TrapCause,
  Val,
  WriteNode,
} from '../../model/ir';
import type { Future } from './awaits';
import { Scopes, type StateRef } from './binding-scopes';
import type { CrateIndex, FnInfo, ParsedFile } from './crate-index';
import type { GuardLookup } from './guards';
import type { FnFacts, SummaryMap } from './summaries';
import type { StateCopy } from './state-copies';
import { rangeOf, type SyntaxNode } from './syntax';
import { union } from './val';

export interface Env {
  index: CrateIndex;
  summaries: SummaryMap;
  guards: GuardLookup;
  extraCallFunctions: string[];
  /** Workspace modules that re-export all of ic-cdk: their paths are read as `ic_cdk::…`. */
  cdkFacades: string[];
  /** Summary rounds: no annotations or spawned entry points are collected. */
  summaryMode: boolean;
  /** Parses a snippet of Rust (macro arguments); results are cached by the caller. */
  parseSnippet?: (text: string) => SyntaxNode | undefined;
}

/** Per-file output shared by all functions lowered in the file. */
export interface FileOut {
  nextId: number;
  awaits: AwaitAnnotation[];
  spawned: EntryPointIR[];
  /** What the lowering left out (expressions nested too deeply). */
  notices?: Notice[];
}

/** What lowering an expression yields: its dependencies and, when it has one, the state, future or caller it is. */
export interface Ex {
  val: Val;
  ref?: StateRef;
  future?: Future;
  caller?: boolean;
  bool?: boolean;
  /** The value is a whole copy of state as read (see `state-copies.ts`). */
  copy?: StateCopy;
}

/** Implemented by `BodyLowerer`, which dispatches each expression to the module of its concern. */
export abstract class LowerContext {
  readonly scopes = new Scopes();
  /** The helper whose accesses are being emitted (`mutate_state`), reported as `via` on reads and writes. */
  via: string | undefined;
  /** Closures and async blocks being lowered in place: `return` and `?` there do not leave the method. */
  closureDepth = 0;
  /**
   * The async block a scheduler's task method returns (`Box::pin(async move { … })`): it is that entry point's
   * own body, so its `return` and `?` leave the entry point.
   */
  ownFutureBody: SyntaxNode | undefined;
  /** How many expressions enclose the one being lowered (see `MAX_NESTING`). */
  depth = 0;
  /** While lowering a re-parsed macro argument: its offset in the file (snippet indices + shift). */
  shift = 0;
  readonly callerNames: string[] = [];
  /** What the function's summary is built from, besides its nodes. */
  readonly facts: Omit<FnFacts, 'nodes'> = {};
  /** Await id → the call API it reaches, so an async block awaiting it can name it. */
  readonly apiOfAwait = new Map<number, string>();

  constructor(
    readonly env: Env,
    readonly file: ParsedFile,
    readonly out: FileOut,
    /** Enclosing function name, for annotations and spawned entry names. */
    readonly name: string,
    readonly fn?: FnInfo,
    /** False when re-lowering a function of the file for a timer: its awaits are annotated under its own name. */
    readonly annotate = true,
  ) {}

  /** Lowers the function's body with its parameters bound. */
  abstract lowerFunction(fn: FnInfo): FnFacts;
  /** Lowers a closure or async block given to a timer or spawn as its own body. */
  abstract lowerDetached(node: SyntaxNode): Node[];
  /** Lowers a block's statements into `out`; returns the tail expression's value. */
  abstract block(block: SyntaxNode, out: Node[]): Ex;
  /** Lowers an expression's nodes into `out`, in evaluation order. */
  abstract expr(node: SyntaxNode, out: Node[]): Ex;
  /** A lowerer for another body of this file (a timer or spawned entry point), sharing the file's output. */
  abstract nested(name: string, fn: FnInfo | undefined, annotate: boolean): LowerContext;

  /** The value of an expression; a state handle consumed as a value is a read of that state. */
  valOf(ex: Ex, node: SyntaxNode, out: Node[]): Val {
    return ex.ref ? union(ex.val, this.read(ex.ref.state, node, out, undefined, ex.ref.anchor)) : ex.val;
  }

  value(node: SyntaxNode, out: Node[]): Val {
    return this.valOf(this.expr(node, out), node, out);
  }

  // ---- emitting -----------------------------------------------------------------------------------------

  range(node: SyntaxNode): Range {
    if (this.shift === 0) return rangeOf(this.file.lines, node);
    return this.file.lines.rangeAt(node.startIndex + this.shift, node.endIndex + this.shift);
  }

  id(): number {
    return this.out.nextId++;
  }

  read(state: StatePath, node: SyntaxNode, out: Node[], written?: string, anchor?: SyntaxNode): Val {
    const id = this.id();
    const key = written && this.scopes.resolveKey(written);
    out.push({
      kind: 'read',
      id,
      range: this.span(node, anchor),
      state,
      ...(key ? { key } : {}),
      ...this.viaField(),
    });
    return { reads: [id], locals: [], awaits: [] };
  }

  write(
    state: StatePath,
    node: SyntaxNode,
    out: Node[],
    value: Val,
    written?: string,
    mark?: 'set' | 'clear',
    anchor?: SyntaxNode,
    replayed?: Pick<
      WriteNode,
      | 'fromCall'
      | 'handled'
      | 'step'
      | 'resync'
      | 'rechecked'
      | 'staleCopy'
      | 'restore'
      | 'recordOf'
      | 'keyVal'
      | 'freshKey'
      | 'generatedKey'
      | 'valueReadsState'
      | 'pruning'
    >,
  ): void {
    const key = written && this.scopes.resolveKey(written);
    out.push({
      kind: 'write',
      range: this.span(node, anchor),
      state,
      value,
      ...(key ? { key } : {}),
      ...(mark ? { mark } : {}),
      ...replayed,
      ...this.viaField(),
    });
  }

  /** `from`: where the trap is reported from (the `unwrap`/`expect` method name), when not the node's start. */
  trap(
    node: SyntaxNode,
    out: Node[],
    cause: TrapCause,
    extra: { value?: Val; cond?: Val; always?: boolean },
    from?: SyntaxNode,
  ): void {
    const range = from ? { start: this.range(from).start, end: this.range(node).end } : this.range(node);
    out.push({ kind: 'trap', range, cause, ...extra });
  }

  /** The range of an access: from the handle's anchor, if any, to the end of `node`. */
  private span(node: SyntaxNode, anchor?: SyntaxNode): Range {
    const r = this.range(node);
    return anchor && anchor.startIndex <= node.startIndex
      ? { start: this.range(anchor).start, end: r.end }
      : r;
  }

  private viaField(): { via?: string } {
    return this.via ? { via: this.via } : {};
  }
}
