/**
 * Rust file models kept between analyses (the language server's), so that a keystroke re-lowers the edited file
 * and the files that read a summary it changed, not the whole crate. A kept model is reused only when lowering
 * the file again would make the same model:
 * - the unit's crates, options and file outlines (rust-outline.ts) are what they were, so the crate index is
 *   the same except inside function bodies that declare nothing;
 * - the file's text is what it was;
 * - every summary and guard its lowering read is the same (compared as JSON, as the summaries' fixpoint does).
 */
import type { FileModel } from '../model/ir';
import type { CrateIndex, FnInfo } from '../languages/rust/crate-index';
import type { GuardInfo } from '../languages/rust/guards';
import type { FileReads, FunctionOutput, RustModelStore } from '../languages/rust/model-reuse';
import type { FnFacts, FnSummary, SummaryMap } from '../languages/rust/summaries';
import type { Tree } from 'web-tree-sitter';
import { cutsAfterBodyEdit, outlineWithCuts, type Cut } from './rust-outline';

/** What a kept model read: function (by its place in the unit's function list, and name) → value as JSON. */
type Reads = [ordinal: number, name: string, json: string][];

interface Kept {
  text: string;
  model: FileModel;
  summaries: Reads;
  guards: Reads;
}

/** A summary lowering's facts, with the callees as places in the function list (they are new objects each time). */
interface KeptFacts {
  name: string;
  /** Where the function is and its text (for one a macro generated: the whole text of the file it is in). */
  text: string;
  facts: FnFacts;
  callees: number[] | undefined;
  reads: Reads;
  /** `summarise` of the facts: it reads the function's header (outside its body), so it holds as they do. */
  summary?: FnSummary;
}

/** A function's output for its file's model (`FunctionOutput`), with what it read. */
interface KeptOutput {
  name: string;
  text: string;
  firstId: number;
  output: FunctionOutput;
  summaries: Reads;
  guards: Reads;
}

/** A function is lowered for its summary a few times in one fixpoint, with different callee summaries. */
const FACTS_PER_FN = 3;

/** File models and summary facts reused and made, over all units since the start. */
export interface CacheStats {
  modelsReused: number;
  modelsMade: number;
  factsReused: number;
  factsMade: number;
  functionsReused: number;
  functionsMade: number;
  /** Analyses that brought the previous analysis's crate indexes up to date instead of building them. */
  indexesReused: number;
}

/** The kept models of one workspace unit, valid while its fingerprint holds. */
class UnitModels implements RustModelStore {
  fingerprint: readonly string[] = [];
  private readonly kept = new Map<string, Kept>();
  private readonly facts = new Map<number, KeptFacts[]>();
  private readonly outputs = new Map<number, KeptOutput>();
  private fns: FnInfo[] = [];
  private ordinal = new Map<FnInfo, number>();
  private summaries: SummaryMap = new Map();
  private guards = new Map<FnInfo, GuardInfo>();
  private readonly json = new WeakMap<object, string>();
  /** The kept entry of the facts objects given out or kept in this analysis. */
  private readonly entryOf = new WeakMap<FnFacts, KeptFacts>();
  /** The unit's crate indexes: valid while the fingerprint holds, as this store is. */
  private indexes: CrateIndex[] | undefined;

  constructor(private readonly stats: CacheStats) {}

  keptIndexes(): CrateIndex[] | undefined {
    const kept = this.indexes;
    // Given out once: brought to the new texts, or built again and kept anew, by the analysis that takes them.
    this.indexes = undefined;
    return kept;
  }

  keepIndexes(indexes: CrateIndex[] | undefined, reused: boolean): void {
    this.indexes = indexes;
    if (reused) this.stats.indexesReused++;
  }

  begin(fns: FnInfo[]): void {
    this.fns = fns;
    this.ordinal = new Map(fns.map((f, i) => [f, i]));
  }

  reuseFacts(fn: FnInfo, current: SummaryMap): FnFacts | undefined {
    const i = this.ordinal.get(fn);
    const text = ownText(fn);
    for (const k of (i === undefined ? undefined : this.facts.get(i)) ?? []) {
      if (k.name !== fn.name || k.text !== text) continue;
      if (!this.sameRead(k.reads, current)) continue;
      this.stats.factsReused++;
      const facts = k.callees ? { ...k.facts, callees: k.callees.map((c) => this.fns[c]) } : k.facts;
      this.entryOf.set(facts, k);
      return facts;
    }
    return undefined;
  }

  keepFacts(fn: FnInfo, facts: FnFacts, read: Set<FnInfo>, current: SummaryMap): void {
    this.stats.factsMade++;
    const i = this.ordinal.get(fn);
    const reads = this.reads(read, current);
    const callees = facts.callees?.map((c) => this.ordinal.get(c));
    if (i === undefined || !reads || callees?.some((c) => c === undefined)) return;
    const text = ownText(fn);
    const list = this.facts.get(i)?.filter((k) => k.text === text) ?? [];
    const entry: KeptFacts = {
      name: fn.name,
      text,
      facts,
      callees: callees as number[] | undefined,
      reads,
    };
    this.entryOf.set(facts, entry);
    list.unshift(entry);
    this.facts.set(i, list.slice(0, FACTS_PER_FN));
  }

  summaryOf(fn: FnInfo, facts: FnFacts, make: (fn: FnInfo, facts: FnFacts) => FnSummary): FnSummary {
    const k = this.entryOf.get(facts);
    if (k?.summary) return k.summary;
    const summary = make(fn, facts);
    if (k) k.summary = summary;
    return summary;
  }

  settled(summaries: SummaryMap, guards: Map<FnInfo, GuardInfo>): void {
    this.summaries = summaries;
    this.guards = guards;
  }

  reuseFunction(fn: FnInfo, firstId: number): { output: FunctionOutput; reads: FileReads } | undefined {
    const i = this.ordinal.get(fn);
    const k = i === undefined ? undefined : this.outputs.get(i);
    if (!k || k.name !== fn.name || k.firstId !== firstId || k.text !== ownText(fn)) return undefined;
    if (!this.same(k.summaries, this.summaries) || !this.same(k.guards, this.guards)) return undefined;
    this.stats.functionsReused++;
    const fns = (reads: Reads) => new Set(reads.map(([c]) => this.fns[c]));
    return { output: k.output, reads: { summaries: fns(k.summaries), guards: fns(k.guards) } };
  }

  keepFunction(fn: FnInfo, firstId: number, output: FunctionOutput, read: FileReads): void {
    this.stats.functionsMade++;
    const i = this.ordinal.get(fn);
    if (i === undefined) return;
    const summaries = this.reads(read.summaries, this.summaries);
    const guards = this.reads(read.guards, this.guards);
    if (summaries && guards)
      this.outputs.set(i, { name: fn.name, text: ownText(fn), firstId, output, summaries, guards });
    else this.outputs.delete(i);
  }

  reuse(path: string, text: string): FileModel | undefined {
    const k = this.kept.get(path);
    if (!k || k.text !== text) return undefined;
    if (!this.same(k.summaries, this.summaries) || !this.same(k.guards, this.guards)) return undefined;
    this.stats.modelsReused++;
    return k.model;
  }

  keep(path: string, text: string, model: FileModel, read: FileReads): void {
    this.stats.modelsMade++;
    const summaries = this.reads(read.summaries, this.summaries);
    const guards = this.reads(read.guards, this.guards);
    if (summaries && guards) this.kept.set(path, { text, model, summaries, guards });
    else this.kept.delete(path);
  }

  /**
   * Whether reading `current` now gives what was read, read through `get` in the same order as lowering read
   * it: the summary schedule settles a callee on its first read and notes who read which version (so a reuse
   * is lowered again should a callee in its cycle change later). Looking without `get` would see callees not
   * settled yet.
   */
  private sameRead(reads: Reads, current: SummaryMap): boolean {
    for (const [i, name, json] of reads) {
      const fn = this.fns[i];
      if (!fn || fn.name !== name || this.asJson(current.get(fn)) !== json) return false;
    }
    return true;
  }

  /** The reads as kept, or undefined when one is of a function outside the list (not reusable then). */
  private reads(fns: Set<FnInfo>, values: Map<FnInfo, object>): Reads | undefined {
    const out: Reads = [];
    for (const fn of fns) {
      const i = this.ordinal.get(fn);
      if (i === undefined) return undefined;
      out.push([i, fn.name, this.asJson(values.get(fn))]);
    }
    return out;
  }

  /** Whether `values` holds what was read; looked up without `get`, which a map may record (ReadSummaries). */
  private same(reads: Reads, values: Map<FnInfo, object>): boolean {
    for (const [i, name, json] of reads) {
      const fn = this.fns[i];
      if (!fn || fn.name !== name || this.asJson(peek(values, fn)) !== json) return false;
    }
    return true;
  }

  private asJson(value: object | undefined): string {
    if (value === undefined) return '-';
    let j = this.json.get(value);
    if (j === undefined) this.json.set(value, (j = JSON.stringify(value)));
    return j;
  }
}

export class RustModelCache {
  private readonly units = new Map<string, UnitModels>();
  private readonly outlines = new Map<
    string,
    { text: string; macros: string; outline: string; cuts: Cut[] }
  >();
  /** Models reused and files lowered, over all units since the start. */
  readonly stats: CacheStats = {
    modelsReused: 0,
    modelsMade: 0,
    factsReused: 0,
    factsMade: 0,
    functionsReused: 0,
    functionsMade: 0,
    indexesReused: 0,
  };

  /**
   * The store for an analysis of the unit `key` whose crates, options and outlines are `fingerprint`: its
   * kept models, or none when the fingerprint changed.
   */
  storeFor(key: string, fingerprint: readonly string[]): RustModelStore {
    let unit = this.units.get(key);
    if (!unit || !sameParts(unit.fingerprint, fingerprint)) {
      unit = new UnitModels(this.stats);
      unit.fingerprint = fingerprint;
      this.units.set(key, unit);
    }
    return unit;
  }

  /** The file's outline (rust-outline.ts), computed again only when its text or the crate's macros changed. */
  outlineOf(path: string, text: string, tree: Tree | null, macros: Set<string>): string {
    const macrosKey = [...macros].sort().join(',');
    const hit = this.outlines.get(path);
    if (hit && hit.text === text && hit.macros === macrosKey) return hit.outline;
    // A keystroke inside a body that declares nothing leaves the outline as it was: only that body is looked at.
    const cuts =
      hit && tree && hit.macros === macrosKey && cutsAfterBodyEdit(hit.text, hit.cuts, tree, text, macros);
    if (hit && cuts) {
      this.outlines.set(path, { ...hit, text, cuts });
      return hit.outline;
    }
    const made = tree
      ? outlineWithCuts(tree, text, macros)
      : { outline: `\u0000not parsed\u0000${text}`, cuts: [] };
    this.outlines.set(path, { text, macros: macrosKey, ...made });
    return made.outline;
  }
}

/** `map.get(key)` without an override of `get` (ReadSummaries records reads). */
function peek<K, V>(map: Map<K, V>, key: K): V | undefined {
  return Map.prototype.get.call(map, key) as V | undefined;
}

/**
 * What a function's summary lowering reads of its own file, beside the outline: its text where it is. (It
 * reads no other body: what it learns of its callees comes from their summaries.) Positions after it are the
 * same too while the outline is, since the outline keeps where each body ends.
 */
function ownText(fn: FnInfo): string {
  if (fn.file.expansionOf) return `${fn.file.expansionOf.text}\u0000${fn.file.text}`;
  const { row, column } = fn.node.startPosition;
  return `${row}:${column}\u0000${fn.file.text.slice(fn.node.startIndex, fn.node.endIndex)}`;
}

function sameParts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
