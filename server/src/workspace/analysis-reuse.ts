/**
 * The language server's analysis kept between keystrokes: entry points' own analyses (model/entry-reuse.ts) and
 * their findings (rules/support/findings-reuse.ts). State the project declares irrelevant changes interleavers without
 * changing an entry point, so findings are kept only while that setting is the same.
 */
import { EntryReuse } from '../model/entry-reuse';
import { SameIr } from '../model/same-ir';
import { FindingsReuse } from '../rules/support/findings-reuse';

export class AnalysisReuse {
  /** Gives an entry point lowered again the same its previous IR object (a Motoko actor is lowered whole). */
  readonly sameIr = new SameIr();
  readonly entries = new EntryReuse();
  private findingsNow = new FindingsReuse(this.entries);
  private ignoredKey = '';

  /** The findings kept for analyses with this `ignore-state` setting (those of another one are dropped). */
  findingsFor(ignoredState: readonly string[]): FindingsReuse {
    const key = JSON.stringify(ignoredState);
    if (key !== this.ignoredKey) {
      this.ignoredKey = key;
      this.findingsNow = new FindingsReuse(this.entries);
    }
    return this.findingsNow;
  }
}
