/**
 * The language server's Motoko lowering kept between keystrokes: a keystroke in one function of an actor lowers
 * that function and what depends on it, and takes every other field's entry point and await annotations from
 * the previous analysis (the very same IR objects, so that their analyses and findings are kept too:
 * model/entry-reuse.ts). A field is taken over only when its lowering cannot come out otherwise:
 *
 * - the file around the fields (imports, the actor's header, what lies between fields), the files it imports,
 *   the record fields the file assigns and the `mo:` packages are the same, and neither version has a syntax
 *   error;
 * - the field's text and position are the same, and so are those of every field it reaches by name
 *   (actor-units.ts), none of which holds code that a changed field reaches (caches of helper summaries and
 *   inlined bodies are filled by whichever field comes first);
 * - its lowering left no mark in another field's text nor another field's in its (queued bodies, annotations),
 *   made no timer and left no notice;
 * - neither lowering met a bound whose answer depends on the order of lowering (bounds.ts).
 *
 * Otherwise the field is lowered again; if a lowering that took fields over meets such a bound, or reaches a
 * field it took over after all, the file is lowered again whole.
 */
import type { EntryPointIR, FileModel } from '../../../model/ir';
import type * as A from '../ast';
import { ActorUnitFacts, type ActorUnit, unitsToLower } from './actor-units';
import { analyzeFile, findActor, type KeptUnit, type UnitLowering } from './analyze-file';
import { orderBounds } from './bounds';
import type { FileInfo } from './files';
import { assignedFieldsIn, setAssignedFields } from './lower-state';
import type { ModuleContext } from './scope';
import { markPhase } from '../../../workspace/timings';

interface KeptLowering {
  /** The text around the actor's fields. */
  frame: string[];
  units: ActorUnit[];
  /** Per field: what its lowering gave, when it can be taken over. */
  kept: (KeptUnit | undefined)[];
  assigned: string;
  /** The other files read, with their texts. */
  imports: Map<string, string>;
  packages: string;
  /** The lowering met a bound that depends on the order of lowering: the next one lowers everything. */
  orderSensitive: boolean;
}

export class MotokoLoweringReuse {
  private readonly byFile = new Map<string, KeptLowering>();
  private readonly facts = new ActorUnitFacts();
  /** Fields lowered and taken over, and whole lowerings done again, since the start. */
  readonly stats = { lowered: 0, reused: 0, redone: 0 };

  /** The file's model, taking over what it can of the previous lowering of the same file. */
  analyze(file: FileInfo, modules: ModuleContext, packages: string): FileModel {
    const actor = file.errors.length ? undefined : findActor(file.program);
    if (!actor) {
      this.byFile.delete(file.abs);
      return analyzeFile(file, modules);
    }
    const units = this.facts.unitsOf(file, actor.fields);
    this.facts.settle();
    const frame = frameOf(file.text, actor.fields);
    // What the file assigns, walking only the fields that changed.
    const byField = new Map<A.Node, string[]>(actor.fields.map((f, i) => [f, units[i].assigned]));
    const assignedSet = assignedFieldsIn(file.program, (n) => byField.get(n));
    setAssignedFields(file.program, assignedSet);
    const assigned = [...assignedSet].sort().join(',');
    markPhase('motoko-units');
    const before = this.byFile.get(file.abs);
    const kept = before
      ? this.keptFrom(before, { units, frame, assigned, packages }, modules)
      : new Map<number, KeptUnit>();
    const spans = actor.fields.map((f) => ({ start: f.start, end: f.end }));
    markPhase('motoko-kept');

    let hits = orderBounds.hits;
    let lowering: UnitLowering = { spans, kept };
    let model = analyzeFile(file, modules, lowering);
    if (kept.size && (orderBounds.hits !== hits || lowering.result?.keptReached)) {
      this.stats.redone++;
      hits = orderBounds.hits;
      lowering = { spans, kept: new Map() };
      model = analyzeFile(file, modules, lowering);
    }
    markPhase('motoko-lower');
    const result = lowering.result!;
    const imports = new Map(lowering.kept.size ? before?.imports : undefined);
    for (const f of modules.files.all()) if (f.abs !== file.abs) imports.set(f.abs, f.text);
    this.byFile.set(file.abs, {
      frame,
      units,
      kept: units.map((_u, i) => {
        const taken = lowering.kept.get(i);
        if (taken) {
          this.stats.reused++;
          return taken;
        }
        this.stats.lowered++;
        const e = result.effects.get(i);
        if (e && (e.foreign || e.touched || e.notices)) return undefined;
        const entry: EntryPointIR | undefined = result.entries.get(i);
        return { ...(entry ? { entry } : {}), annotations: result.annotations.get(i) ?? new Map() };
      }),
      assigned,
      imports,
      packages,
      orderSensitive: orderBounds.hits !== hits,
    });
    return model;
  }

  /** The fields of the file's new version whose previous lowering can be taken over, by index. */
  private keptFrom(
    before: KeptLowering,
    now: { units: ActorUnit[]; frame: string[]; assigned: string; packages: string },
    modules: ModuleContext,
  ): Map<number, KeptUnit> {
    const kept = new Map<number, KeptUnit>();
    const { units } = now;
    if (
      before.orderSensitive ||
      before.units.length !== units.length ||
      before.assigned !== now.assigned ||
      before.packages !== now.packages ||
      before.frame.length !== now.frame.length ||
      before.frame.some((t, i) => t !== now.frame[i])
    )
      return kept;
    for (const [abs, text] of before.imports) if (modules.files.get(abs)?.text !== text) return kept;
    const changed = new Set<number>();
    const mentions = new Map<number, Set<string>>();
    const declared = new Map<number, string[]>();
    units.forEach((u, i) => {
      const old = before.units[i];
      if (u.key === old.key) return;
      changed.add(i);
      mentions.set(i, new Set([...old.mentions, ...u.mentions]));
      declared.set(i, [...old.declared, ...u.declared]);
    });
    const lower = unitsToLower(units, changed, mentions, declared);
    units.forEach((_u, i) => {
      const k = before.kept[i];
      if (k && !lower.has(i)) kept.set(i, k);
    });
    return kept;
  }
}

/** The text before, between and after the actor's fields. */
function frameOf(text: string, fields: A.DecField[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const f of fields) {
    out.push(text.slice(at, f.start));
    at = f.end;
  }
  // What follows the actor is usually its closing brace; anything more must also stay where it was.
  const tail = text.slice(at);
  out.push(/^[\s;}]*$/.test(tail) ? tail : `${at}:${tail}`);
  return out;
}
