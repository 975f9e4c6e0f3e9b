/**
 * The link of a finding's rule page (diagnostic `codeDescription`). Our VS Code client ships the pages and opens
 * them with a command (`command:` links are what its hover and Problems panel allow besides web links); other
 * editors get the published page.
 */
import { findingDocPath, findingDocUrl } from '../config/suppression-rules';

export const OPEN_RULE_DOC = 'commitPoints.openRuleDoc';

export function ruleDocLink(rule: string, bundled: boolean): string {
  if (!bundled) return findingDocUrl(rule);
  return `command:${OPEN_RULE_DOC}?${encodeURIComponent(JSON.stringify([findingDocPath(rule)]))}`;
}
