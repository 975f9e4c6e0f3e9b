/**
 * Sends diagnostics only for files whose diagnostics changed since they were last sent: a keystroke in one file
 * of a 200-file crate re-publishes that file (and the few others it affects), not all 200.
 */
import type { Diagnostic } from 'vscode-languageserver';

export type SendDiagnostics = (uri: string, diagnostics: Diagnostic[]) => Promise<void>;

export class DiagnosticsPublisher {
  /** URI → the diagnostics last sent, as JSON (what the editor shows now). */
  private readonly sent = new Map<string, string>();
  /** URI → the list object last sent or found unchanged. */
  private readonly lastList = new Map<string, Diagnostic[]>();
  /** Group → the URIs its last publication covered. */
  private readonly groups = new Map<string, Set<string>>();

  constructor(private readonly send: SendDiagnostics) {}

  /** Publishes a group's diagnostics; files of its previous publication that are gone are cleared. */
  async publish(group: string, files: Iterable<[uri: string, diagnostics: Diagnostic[]]>): Promise<void> {
    const now = new Set<string>();
    for (const [uri, diagnostics] of files) {
      now.add(uri);
      await this.sendIfChanged(uri, diagnostics);
    }
    for (const old of this.groups.get(group) ?? [])
      if (!now.has(old) && !this.inOtherGroup(group, old)) await this.sendIfChanged(old, []);
    this.groups.set(group, now);
  }

  private inOtherGroup(group: string, uri: string): boolean {
    for (const [g, uris] of this.groups) if (g !== group && uris.has(uri)) return true;
    return false;
  }

  private async sendIfChanged(uri: string, diagnostics: Diagnostic[]): Promise<void> {
    // The very list sent last (diagnostics-memo.ts keeps it while nothing changed) needs no comparing.
    if (this.lastList.get(uri) === diagnostics) return;
    this.lastList.set(uri, diagnostics);
    const json = JSON.stringify(diagnostics);
    if (this.sent.get(uri) === json) return;
    this.sent.set(uri, json);
    await this.send(uri, diagnostics);
  }
}
