/**
 * The language server's findings of the previous analysis, per entry point and rule, for the rules that find
 * per entry point (`Rule.perEntryPoint`). A keystroke changes one entry point's analysis; the others are reused
 * (model/entry-reuse.ts), and so are their findings unless their interleavers changed: an interleaver that is
 * another entry point's new analysis, or another list of them, has them found again.
 */
import type { Analysis, EntryAnalysis } from '../../model/analysis';
import type { EntryReuse } from '../../model/entry-reuse';
import type { Finding, Rule } from '../types';

/** An entry point's findings by rule, valid for the interleavers they were found with. */
interface Slot {
  touching: string;
  byRule: Map<string, Finding[]>;
}

export class FindingsReuse {
  /** Keyed by the kept entry analysis (`EntryReuse.originOf`): the same object while it is reused. */
  private readonly kept = new WeakMap<EntryAnalysis, Slot>();
  /** This analysis's copy → its slot, so that the interleavers are compared once per analysis. */
  private readonly slots = new WeakMap<EntryAnalysis, Slot | null>();
  private readonly ids = new WeakMap<EntryAnalysis, number>();
  private nextId = 1;
  /** Rule runs on one entry point, and findings of one entry point and rule reused, since the start. */
  readonly stats = { found: 0, reused: 0 };

  constructor(private readonly entries: EntryReuse) {}

  /**
   * What `rule.check(analysis)` finds, entry point by entry point in the analysis's order (as the rule itself
   * goes), each found again only when it must be. A throw is the rule's: it loses all its findings, as it would.
   */
  findings(rule: Rule, analysis: Analysis): Finding[] {
    const out: Finding[] = [];
    for (const e of analysis.entryPoints) {
      const slot = this.slotOf(e);
      let found = slot?.byRule.get(rule.meta.id);
      if (found) this.stats.reused++;
      else {
        found = rule.check({ files: analysis.files, entryPoints: [e] });
        this.stats.found++;
        slot?.byRule.set(rule.meta.id, found);
      }
      out.push(...found);
    }
    return out;
  }

  private slotOf(e: EntryAnalysis): Slot | undefined {
    const known = this.slots.get(e);
    if (known !== undefined) return known ?? undefined;
    const origin = this.entries.originOf(e);
    const touching = origin && this.touchingKey(e);
    let slot: Slot | undefined;
    if (origin && touching !== undefined) {
      slot = this.kept.get(origin);
      if (slot?.touching !== touching) this.kept.set(origin, (slot = { touching, byRule: new Map() }));
    }
    this.slots.set(e, slot ?? null);
    return slot;
  }

  /**
   * The interleavers of each commit point, as the kept analyses they are copies of (and whether a lock rules
   * them out): the conflict groups between two unchanged analyses are the same, so this names everything a
   * rule reads of them. Undefined when one was not analysed through `EntryReuse`.
   */
  private touchingKey(e: EntryAnalysis): string | undefined {
    // Past the memory budget no interleaver was computed: what was found then is not kept for later.
    if (e.exposureSkipped !== undefined) return undefined;
    const parts: string[] = [];
    for (const cp of e.commitPoints) {
      const ids: string[] = [];
      for (const i of cp.touching) {
        const origin = this.entries.originOf(i.entry);
        if (!origin) return undefined;
        ids.push(`${this.idOf(origin)}${i.excludedByLock ? '!' : ''}`);
      }
      parts.push(ids.join(','));
    }
    return parts.join(';');
  }

  private idOf(origin: EntryAnalysis): number {
    let id = this.ids.get(origin);
    if (id === undefined) this.ids.set(origin, (id = this.nextId++));
    return id;
  }
}
