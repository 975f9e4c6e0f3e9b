/**
 * Inline suppressions, the same comment in Motoko and Rust:
 *
 *   // commit-points: allow(check-then-act, stale-write-back) reason: the ledger deduplicates by memo
 *
 * A comment after code covers its own line; a comment on a line of its own covers the next line that is not
 * itself a comment (so several `allow` comments can be stacked above one line), and when the statement that
 * starts there continues on the following lines (`let r = Call::bounded_wait(…)` / `.with_arg(x)` / `.await;`),
 * the whole statement, since that is where a reader puts the comment. A reason is required, and a
 * suppression that matches nothing is reported, so that suppressions do not outlive the code they excuse.
 */
import type { Range } from '../model/ir';
import type { Finding } from '../rules/types';
import { SUPPRESSION_RULES } from './suppression-rules';

export interface Suppression {
  file: string;
  /** The `commit-points:` comment. */
  range: Range;
  /** The 0-based lines whose findings it suppresses, first and last. */
  covers: { from: number; to: number };
  rules: string[];
  reason?: string;
  /** Why (part of) it cannot be used: a malformed comment or an unknown rule id. */
  problems: string[];
}

const MARKER = /\/\/+\s*commit-points\s*:/;
const ALLOW = /^\s*allow\s*\(([^)]*)\)\s*(?:reason\s*:\s*(.*?))?\s*$/;

/** The suppression comments of one file; `known` are the rule ids an `allow` may name. */
export function parseSuppressions(file: string, text: string, known: readonly string[]): Suppression[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Suppression[] = [];
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m || insideString(line, m.index)) return;
    const own = line.slice(0, m.index).trim() === '';
    const range = { start: { line: i, character: m.index }, end: { line: i, character: line.length } };
    const target = own ? nextCodeLine(lines, i) : i;
    const covers = { from: target, to: own ? statementEnd(lines, target) : i };
    const s: Suppression = { file, range, covers, rules: [], problems: [] };
    const allow = ALLOW.exec(line.slice(m.index + m[0].length));
    if (!allow) {
      s.problems.push(`cannot read this suppression: write \`// commit-points: allow(rule-id) reason: …\``);
    } else {
      for (const id of allow[1].split(',').map((x) => x.trim())) {
        if (!id) continue;
        if (known.includes(id)) s.rules.push(id);
        else
          s.problems.push(
            `\`allow(${id})\`: there is no rule \`${id}\` (the rules are listed in docs/rules/README.md)`,
          );
      }
      if (!allow[1].trim()) s.problems.push('`allow()` names no rule: write `allow(rule-id)`');
      const reason = allow[2]?.trim();
      if (reason) s.reason = reason;
    }
    out.push(s);
  });
  return out;
}

/** Whether `//` at `index` is inside a string literal (an odd number of unescaped quotes before it). */
function insideString(line: string, index: number): boolean {
  const quotes = line.slice(0, index).match(/(?<!\\)"/g);
  return (quotes?.length ?? 0) % 2 === 1;
}

/** The last line of the statement starting at `start`: the first line ending in `;`, `{` or `}` (or blank). */
function statementEnd(lines: string[], start: number): number {
  for (let j = start; j < Math.min(lines.length, start + MAX_STATEMENT_LINES); j++) {
    const code = lines[j].replace(/\/\/.*$/, '').trim();
    if (code === '' || /[;{}]$/.test(code)) return j;
  }
  return start; // No clear end nearby: only the line itself.
}

const MAX_STATEMENT_LINES = 12;

function nextCodeLine(lines: string[], from: number): number {
  for (let j = from + 1; j < lines.length; j++) if (!/^\s*\/\//.test(lines[j])) return j;
  return from + 1;
}

/**
 * Drops the findings a suppression covers, and reports suppressions that are unreadable, give no reason, or
 * cover nothing. The reports use the suppression rules' default severities; the caller applies `[rules]`.
 */
export function applySuppressions(
  findings: Finding[],
  suppressions: Suppression[],
): { kept: Finding[]; reports: Finding[] } {
  const byFile = new Map<string, Suppression[]>();
  for (const s of suppressions) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
  const used = new Set<string>(); // `${suppression index}:${rule}`
  const kept = findings.filter((f) => {
    const line = f.range.start.line;
    const s = byFile
      .get(f.file)
      ?.find((x) => x.covers.from <= line && line <= x.covers.to && x.rules.includes(f.rule));
    if (!s) return true;
    used.add(`${suppressions.indexOf(s)}:${f.rule}`);
    return false;
  });
  const reports: Finding[] = [];
  suppressions.forEach((s, i) => {
    const report = (rule: string, message: string) =>
      reports.push({
        rule,
        severity: SUPPRESSION_RULES.find((r) => r.id === rule)!.severity,
        file: s.file,
        range: s.range,
        entryPoint: '',
        state: [],
        message,
        related: [],
      });
    for (const p of s.problems) report('invalid-suppression', p);
    if (s.rules.length && !s.reason)
      report(
        'suppression-without-reason',
        `\`allow(${s.rules.join(', ')})\` gives no reason: add \`reason: …\` saying why the finding does not apply (it still suppresses)`,
      );
    for (const rule of s.rules) {
      if (!used.has(`${i}:${rule}`))
        report(
          'unused-suppression',
          `\`allow(${rule})\` suppresses nothing: there is no \`${rule}\` finding on line ${s.covers.from + 1}${s.covers.to > s.covers.from ? `–${s.covers.to + 1}` : ''}; remove the comment`,
        );
    }
  });
  return { kept, reports };
}
