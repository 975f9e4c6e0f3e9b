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

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

/** `docLink` gives the link of a rule's page (see rule-links.ts); by default the published page. */
export function diagnosticsFor(
  file: FileModel,
  findings: Finding[],
  docLink: (rule: string) => string = findingDocUrl,
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
  for (const e of file.parseErrors) {
    out.push({
      range: e.range,
      severity: DiagnosticSeverity.Error,
      source: 'commit-points',
      message: `${e.message} (the rest of the file is still analysed)`,
    });
  }
  for (const f of findings) {
    if (f.file !== file.file) continue;
    const related: DiagnosticRelatedInformation[] = f.related.map((r) => ({
      location: { uri: uriOf(r.file), range: r.range },
      message: r.message,
    }));
    out.push({
      range: f.range,
      severity: severity[f.severity],
      source: 'commit-points',
      code: f.rule,
      codeDescription: { href: docLink(f.rule) },
      message: f.message,
      relatedInformation: related,
    });
  }
  return out;
}
