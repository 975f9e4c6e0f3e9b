/**
 * The project file as the language server uses it: the configuration for each analysed file, and the file's
 * own problems published as diagnostics on it (an invalid file falls back to the defaults, so the inline
 * suppressions still apply while the user fixes it).
 */
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { ConfigCache, folderOf } from '../config/find-config';
import { ConfigError, defaultConfig, type ProjectConfig } from '../config/project-config';
import { uriOf } from './diagnostics';

export class ProjectConfigs {
  private readonly cache = new ConfigCache();
  /** Project files with problems published, and the text published (to avoid resending it). */
  private readonly published = new Map<string, string>();

  constructor(private readonly connection: Connection) {}

  configFor(path: string): ProjectConfig {
    try {
      const config = this.cache.configFor(path);
      if (config.file) this.publish(config.file, []);
      return config;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.publish(err.file, err.problems);
      return defaultConfig(folderOf(path));
    }
  }

  private publish(file: string, problems: string[]): void {
    const key = problems.join('\n');
    if ((this.published.get(file) ?? '') === key) return;
    this.published.set(file, key);
    const diagnostics: Diagnostic[] = problems.map((p) => {
      // Problems read `FILE:LINE[:COLUMN]: message`; the line, when known, places the diagnostic.
      const rest = p.startsWith(file) ? p.slice(file.length) : p;
      const m = /^:(\d+)(?::\d+)?: (.*)$/s.exec(rest);
      const line = m ? Number(m[1]) - 1 : 0;
      return {
        range: { start: { line, character: 0 }, end: { line, character: 1000 } },
        severity: DiagnosticSeverity.Error,
        source: 'commit-points',
        message: m ? m[2] : rest.replace(/^: /, ''),
      };
    });
    void this.connection.sendDiagnostics({ uri: uriOf(file), diagnostics });
    if (problems.length)
      this.connection.console.error(`invalid project file, using the defaults:\n${problems.join('\n')}`);
  }
}
