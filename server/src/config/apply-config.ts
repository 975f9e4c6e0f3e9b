/**
 * Filters the rules' findings through the project configuration and the inline suppressions. The pipeline calls
 * this once for the command line and the language server alike; rules never read configuration.
 */
import { relative, resolve, sep } from 'node:path';
import type { Finding } from '../rules/types';
import { isIgnored, parseGitignore, type IgnoreRule } from '../workspace/gitignore';
import { knownRuleIds, type ProjectConfig } from './project-config';
import { applySuppressions, parseSuppressions } from './suppressions';

/**
 * `files` are all analysed files (a suppression in a file without findings is still checked); `textOf` gives
 * their text as analysed (the editor's unsaved buffer, not the disk).
 */
export function applyProjectConfig(
  findings: Finding[],
  config: ProjectConfig,
  files: string[],
  textOf: (file: string) => string | undefined,
): Finding[] {
  const ignoredState = stateMatcher(config.ignoreState);
  const configured = findings
    .filter((f) => !(f.state.length > 0 && f.state.every(ignoredState)))
    .flatMap((f) => withSetting(f, config));
  const known = knownRuleIds();
  const suppressions = files.flatMap((file) => {
    const text = textOf(file);
    return text === undefined ? [] : parseSuppressions(file, text, known);
  });
  const { kept, reports } = applySuppressions(configured, suppressions);
  const inIgnoredPath = pathMatcher(config);
  return [...kept, ...reports.flatMap((f) => withSetting(f, config))]
    .filter((f) => !inIgnoredPath(f.file))
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character ||
        a.rule.localeCompare(b.rule),
    );
}

function withSetting(f: Finding, config: ProjectConfig): Finding[] {
  const setting = config.rules[f.rule];
  if (setting === undefined) return [f];
  return setting === 'off' ? [] : [{ ...f, severity: setting }];
}

/** `ROOT` ignores the root and all its fields; `ROOT.field` only that field; `*` matches within a name. */
export function stateMatcher(patterns: string[]): (state: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map(escape).join('[A-Za-z0-9_]*')}(\\..*)?$`));
  return (state) => res.some((re) => re.test(state));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Paths relative to the configuration's folder, matched like `.gitignore` lines (a folder covers its files). */
export function pathMatcher(config: ProjectConfig): (file: string) => boolean {
  if (!config.ignorePaths.length) return () => false;
  const rules: IgnoreRule[] = parseGitignore(config.ignorePaths.join('\n'));
  const cache = new Map<string, boolean>();
  return (file) => {
    let hit = cache.get(file);
    if (hit === undefined) {
      const rel = relative(config.dir, resolve(file)).split(sep).join('/');
      const parts = rel.split('/');
      hit =
        !rel.startsWith('../') &&
        (parts.some(
          (_, i) => i < parts.length - 1 && isIgnored(rules, parts.slice(0, i + 1).join('/'), true),
        ) ||
          isIgnored(rules, rel, false));
      cache.set(file, hit);
    }
    return hit;
  };
}
