/** Findings and parse errors → LSP diagnostics, per file. Plain functions over the model; tests call them directly. */
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import type { FileModel } from '../model/ir';
import type { Finding, Severity } from '../rules/types';
import { findingDocUrl } from '../config/suppression-rules';

const severity: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The URIs of paths met (a crate's files and the files their findings point at, every keystroke). */
const uris = new Map<string, string>();
const MAX_URIS = 20_000;

export function uriOf(path: string): string {
  let uri = uris.get(path);
  if (uri === undefined) {
    if (uris.size >= MAX_URIS) uris.clear();
    uris.set(path, (uri = pathToFileURL(path).href));
  }
  return uri;
}

/**
 * The diagnostic of each finding as last made, with what else it depended on: a keystroke changes a few
 * findings of a file (the others are the same objects, rules/support/findings-reuse.ts), so only theirs are made
 * again, and the publisher compares the others by identity (publish.ts). Findings are never changed once made.
 */
export class FindingDiagnostics {
  private readonly made = new WeakMap<Finding, { others: Finding[]; href: string; diagnostic: Diagnostic }>();

  /** The diagnostic of `f` told once for `others` too, linking to `href`: `make`'s, or the same as last time. */
  get(f: Finding, others: Finding[], href: string, make: () => Diagnostic): Diagnostic {
    const m = this.made.get(f);
    if (m && m.href === href && sameItems(m.others, others)) return m.diagnostic;
    const diagnostic = make();
    this.made.set(f, { others, href, diagnostic });
    return diagnostic;
  }
}

function sameItems<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * `docLink` gives the link of a rule's page (see rule-links.ts); by default the published page. `made` (the
 * language server's) hands back the diagnostics of findings it made them for before.
 */
export function diagnosticsFor(
  file: FileModel,
  findings: Finding[],
  docLink: (rule: string) => string = findingDocUrl,
  made?: FindingDiagnostics,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (file.skipped) {
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: 'commit-points',
      message: `Not analysed: ${file.skipped}`,
    });
  }
  for (const n of file.notices ?? []) {
    out.push({
      range: n.range,
      severity: DiagnosticSeverity.Information,
      source: 'commit-points',
      message: `Partly analysed: ${n.message}`,
    });
  }
  for (const e of file.parseErrors) {
    out.push({
      range: e.range,
      severity: DiagnosticSeverity.Error,
      source: 'commit-points',
      message: `${e.message} (the rest of the file is still analysed)`,
    });
  }
  // One diagnostic per rule and place: a helper's await reached from several entry points (an inlined
  // `async*` body, a shared function) tells its story once, naming the other entry points.
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.file !== file.file) continue;
    const key = `${f.rule}@${f.range.start.line}:${f.range.start.character}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [f, ...others] of groups.values()) {
    const href = docLink(f.rule);
    const make = () => findingDiagnostic(f, others, href);
    out.push(made ? made.get(f, others, href, make) : make());
  }
  return out;
}

/** The diagnostic of a finding, told once for the `others` found at the same place by the same rule. */
function findingDiagnostic(f: Finding, others: Finding[], href: string): Diagnostic {
  const related: DiagnosticRelatedInformation[] = f.related.map((r) => ({
    location: { uri: uriOf(r.file), range: r.range },
    message: r.message,
  }));
  const also = [...new Set(others.map((o) => o.entryPoint).filter((n) => n !== f.entryPoint))];
  return {
    range: f.range,
    severity: severity[f.severity],
    source: 'commit-points',
    code: f.rule,
    codeDescription: { href },
    message: also.length
      ? `${f.message} (Also reached from ${also.map((n) => `\`${n}\``).join(', ')}.)`
      : f.message,
    relatedInformation: related,
  };
}
