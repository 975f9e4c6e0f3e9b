/**
 * Sends diagnostics only for files whose diagnostics changed since they were last sent: a keystroke in one file
 * of a 200-file crate re-publishes that file (and the few others it affects), not all 200.
 */
import type { Diagnostic } from 'vscode-languageserver';

export type SendDiagnostics = (uri: string, diagnostics: Diagnostic[]) => Promise<void>;

export class DiagnosticsPublisher {
  /**
   * URI → the diagnostics last sent or found the same as those (what the editor shows now). Diagnostics are never
   * changed once made, and those of unchanged findings are the very objects sent before (diagnostics.ts).
   */
  private readonly sent = new Map<string, Diagnostic[]>();
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
    const before = this.sent.get(uri);
    this.sent.set(uri, diagnostics);
    if (before && sameDiagnostics(before, diagnostics)) return;
    await this.send(uri, diagnostics);
  }
}

/**
 * Whether two lists would be sent as the same JSON (up to the order of keys): the same objects are not looked
 * into, so a keystroke that moves one warning compares that one, not the file's hundreds of kilobytes of them.
 */
export function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  return a === b || (a.length === b.length && a.every((d, i) => sameJson(d, b[i])));
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // JSON leaves out keys whose value is undefined.
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  return (
    keys.length === Object.keys(y).filter((k) => y[k] !== undefined).length &&
    keys.every((k) => sameJson(x[k], y[k]))
  );
}
