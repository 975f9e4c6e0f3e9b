/**
 * The diagnostics of each file as last made, reused while the file's model and the findings shown for it are the
 * same objects: after a keystroke in one file of a 200-file crate, the other files' models and findings are
 * kept (rust-model-cache.ts, findings-reuse.ts), and their diagnostics need not be made and compared again.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { FileModel } from '../model/ir';
import type { Finding } from '../rules/types';
import { FindingDiagnostics } from './diagnostics';

interface Made {
  file: FileModel;
  findings: Finding[];
  diagnostics: Diagnostic[];
}

export class DiagnosticsMemo {
  private readonly made = new Map<string, Made>();
  /** When a file's are made again, the diagnostics of its findings that are still the same objects are kept. */
  private readonly perFinding = new FindingDiagnostics();

  /** The diagnostics of `file` showing `findings`: made by `make` unless both are what they were for `uri`. */
  get(
    uri: string,
    file: FileModel,
    findings: Finding[],
    make: (perFinding: FindingDiagnostics) => Diagnostic[],
  ): Diagnostic[] {
    const m = this.made.get(uri);
    if (m && m.file === file && sameItems(m.findings, findings)) return m.diagnostics;
    const diagnostics = make(this.perFinding);
    this.made.set(uri, { file, findings, diagnostics });
    return diagnostics;
  }
}

function sameItems<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
