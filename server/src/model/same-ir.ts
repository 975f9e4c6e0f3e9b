/**
 * Finds the entry points whose IR an analysis made again exactly as the previous one did (a keystroke in one
 * function of a Motoko actor lowers the whole actor again): such an entry point gets the previous IR object
 * back, so that what is kept per IR object (entry-reuse.ts) serves it. "Exactly" is the JSON of the IR with
 * its shared objects written as references: the analysis tells accesses apart by object, so the sharing must
 * be the same too.
 */
import type { EntryPointIR, FileModel } from './ir';

export class SameIr {
  /** File → the JSON of each entry point's IR in its latest analysis → that IR. */
  private readonly latest = new Map<string, Map<string, EntryPointIR>>();
  /** The JSON of IR kept in `latest`, so that an IR object given back is not written out again. */
  private readonly jsonOf = new WeakMap<EntryPointIR, string>();
  /** Entry points given their previous IR back, and those new or changed, since the start. */
  readonly stats = { same: 0, changed: 0 };

  /** The models with each entry point's previous IR where it is the same (a model changes only then). */
  canonical(models: FileModel[]): FileModel[] {
    return models.map((m) => {
      if (!m.entryPoints.length && !this.latest.has(m.file)) return m;
      const before = this.latest.get(m.file) ?? new Map<string, EntryPointIR>();
      const now = new Map<string, EntryPointIR>();
      let changed = false;
      const entryPoints = m.entryPoints.map((ep) => {
        const json = this.jsonOf.get(ep) ?? withReferences(ep);
        const same = before.get(json);
        const kept = same ?? ep;
        if (same && same !== ep) changed = true;
        if (same) this.stats.same++;
        else this.stats.changed++;
        this.jsonOf.set(kept, json);
        now.set(json, kept);
        return kept;
      });
      this.latest.set(m.file, now);
      return changed ? { ...m, entryPoints } : m;
    });
  }
}

/** JSON in which an object met again is `{"$ref": n}`, n counting objects in the order they are met. */
function withReferences(value: unknown): string {
  const seen = new Map<object, number>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object') return v;
    const id = seen.get(v);
    if (id !== undefined) return { $ref: id };
    seen.set(v, seen.size);
    return v;
  });
}
