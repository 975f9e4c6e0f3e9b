/** What a rule is and what it reports. Rules see only the analysed model (`Analysis`), never syntax. */
import type { Analysis } from '../model/analysis';
import type { Language, Range } from '../model/ir';

export type Severity = 'error' | 'warning' | 'info';

export interface RuleMeta {
  id: string;
  severity: Severity;
  title: string;
  /** One sentence: what the rule reports. */
  description: string;
  /** The recommended fix, one or two sentences. */
  fix: string;
  languages: Language[];
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  /** The commit point's `await` keyword, or the offending expression for rules not tied to one. */
  range: Range;
  entryPoint: string;
  state: string[];
  /** The `await` keyword of the commit point the finding is about, if any. */
  commitPoint?: Range;
  message: string;
  related: RelatedLocation[];
}

export interface Rule {
  meta: RuleMeta;
  check(analysis: Analysis): Finding[];
  /**
   * Each entry point's findings depend on that entry point and its commit points' interleavers (`touching`)
   * only, never on what the rule found for another: the language server reuses them for an entry point whose
   * analysis and interleavers did not change (findings-reuse.ts). A rule that dedupes across entry points
   * must not say so.
   */
  perEntryPoint?: true;
}

/** The rule's documentation page, relative to the package root (shipped with the extension and the CLI). */
export function docPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** Where the documentation is published (SARIF `helpUri`, LSP `codeDescription`). */
export const docsBaseUrl = 'https://github.com/canister-commit-points/canister-commit-points/blob/main/';

export function docUrl(id: string): string {
  return docsBaseUrl + docPath(id);
}
