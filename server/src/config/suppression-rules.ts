/**
 * Findings about the suppression comments themselves. They are not analysis rules (they never see the model),
 * but they have ids, severities and a doc page like rules so that `[rules]`, SARIF and the editor treat them alike.
 */
import type { RuleMeta } from '../rules/types';
import { docPath, docsBaseUrl } from '../rules/types';

export const SUPPRESSION_RULES: readonly RuleMeta[] = [
  {
    id: 'suppression-without-reason',
    severity: 'warning',
    title: 'Suppression without a reason',
    description:
      'A `commit-points: allow(…)` comment gives no `reason:`; it still suppresses, but reviewers cannot tell why.',
    fix: 'Add `reason: …` after `allow(…)`, saying why the finding does not apply here.',
    languages: ['motoko', 'rust'],
  },
  {
    id: 'invalid-suppression',
    severity: 'warning',
    title: 'Suppression that cannot be read',
    description:
      'A `commit-points:` comment that is not `allow(rule-id, …) reason: …` or names an unknown rule.',
    fix: 'Write `// commit-points: allow(rule-id) reason: …` with ids from docs/rules.',
    languages: ['motoko', 'rust'],
  },
  {
    id: 'unused-suppression',
    severity: 'info',
    title: 'Suppression that suppresses nothing',
    description: 'A `commit-points: allow(…)` comment matches no finding on its line or the line below.',
    fix: 'Remove the comment (the code was fixed, or the rule is off), or move it next to the finding.',
    languages: ['motoko', 'rust'],
  },
];

const CONFIG_DOC = 'docs/configuration.md';

export function isSuppressionRule(id: string): boolean {
  return SUPPRESSION_RULES.some((r) => r.id === id);
}

/** The page that explains a finding's rule, relative to the package root. */
export function findingDocPath(id: string): string {
  return isSuppressionRule(id) ? CONFIG_DOC : docPath(id);
}

/** Where that page is published (SARIF `helpUri`, LSP `codeDescription`). */
export function findingDocUrl(id: string): string {
  return docsBaseUrl + findingDocPath(id) + (isSuppressionRule(id) ? '#inline-suppressions' : '');
}
