/**
 * Stable identities of findings, for SARIF `partialFingerprints` and the baseline. An identity must survive
 * edits elsewhere in the file (so no line numbers, and no names that embed them, such as `tick::timer@42`) and
 * the checkout's location (so no absolute paths), and it must be unique per finding in one run.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../rules/types';

export interface FingerprintInput {
  /** The file relative to a root the caller chooses (`/`-separated). */
  relPath: string;
  /** The text of the finding's first line as analysed. */
  lineText: string | undefined;
}

/** `@123` in generated entry-point names (timers, spawns) is a line number. */
export function stableEntryName(name: string): string {
  return name.replace(/@\d+/g, '@');
}

export function normalisedLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * One fingerprint per finding, in the order given. Findings with identical content (the same rule, file, entry
 * point, state and line text) are told apart by their order among themselves, which edits elsewhere keep.
 */
export function fingerprints(findings: Finding[], input: (f: Finding) => FingerprintInput): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const { relPath, lineText } = input(f);
    const base = [
      f.rule,
      relPath,
      stableEntryName(f.entryPoint),
      [...f.state].sort().join(','),
      normalisedLine(lineText),
    ].join('\u0000');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return createHash('sha256').update(`${base}\u0000${n}`).digest('hex').slice(0, 32);
  });
}
