/**
 * The project file `commit-points.toml`: what it may contain, and its validation. Every problem is reported
 * (not only the first) with the file, the line when it can be found, and what was expected, because a
 * configuration that is silently half-applied is worse than none.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import type { EntryKind } from '../model/ir';
import { rules } from '../rules/registry';
import type { Severity } from '../rules/types';
import { SUPPRESSION_RULES } from './suppression-rules';

// smol-toml ships a CommonJS build under its `require` condition; only its types are ECMAScript-only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml, TomlError } = require('smol-toml') as typeof SmolToml;

export const CONFIG_FILE_NAME = 'commit-points.toml';

export type RuleSetting = Severity | 'off';

export interface ProjectConfig {
  /** The file it was read from; absent for the defaults. */
  file?: string;
  /** Paths in the file (`ignore.paths`) are relative to this folder. */
  dir: string;
  rules: Record<string, RuleSetting>;
  /** `.gitignore`-style patterns: findings in these files are not reported. */
  ignorePaths: string[];
  /** State names (`LOGGER`, `STATE.metrics`, `*_LOG`): findings only about them are dropped, and they do not make interleavers. */
  ignoreState: string[];
  /** Rust function paths (globs allowed) whose futures perform an inter-canister call. */
  callFunctions: string[];
  /** Rust attribute name (last path segment) → the kind of entry point it declares. */
  entryAttributes: Record<string, EntryKind>;
}

export function defaultConfig(dir: string): ProjectConfig {
  return { dir, rules: {}, ignorePaths: [], ignoreState: [], callFunctions: [], entryAttributes: {} };
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.join('\n'));
  }
}

const SETTINGS: RuleSetting[] = ['error', 'warning', 'info', 'off'];
/** Kinds an attribute can declare; timers, spawns and self-calls are found from the code, not attributes. */
const ATTRIBUTE_KINDS: EntryKind[] = [
  'update',
  'query',
  'composite-query',
  'init',
  'pre-upgrade',
  'post-upgrade',
  'heartbeat',
  'inspect',
  'low-memory',
];

/** Every id a `[rules]` entry or an `allow(…)` may name. */
export function knownRuleIds(): string[] {
  return [...rules.map((r) => r.meta.id), ...SUPPRESSION_RULES.map((r) => r.id)];
}

export function loadProjectConfig(file: string): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`${file}: cannot read the file: ${(err as Error).message}`]);
  }
  return parseProjectConfig(text, file);
}

/** Parses and validates the text of a project file; throws `ConfigError` listing every problem. */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    const where = err instanceof TomlError ? `:${err.line}:${err.column}` : '';
    const first = (err as Error).message.split('\n')[0];
    throw new ConfigError(file, [`${file}${where}: not valid TOML: ${first}`]);
  }
  const config = defaultConfig(dirname(file));
  config.file = file;
  const problems: string[] = [];
  const report = (key: string, message: string) => {
    const line = lineOfKey(text, key);
    problems.push(`${file}${line ? `:${line}` : ''}: ${message}`);
  };

  const table = (key: string, allowed: string[]): Record<string, unknown> | undefined => {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (!isTable(v)) {
      report(key, `\`${key}\` must be a table (\`[${key}]\`), not ${typeName(v)}`);
      return undefined;
    }
    if (allowed.length) unknownKeys(v, allowed, key, report);
    return v;
  };
  unknownKeys(doc, ['rules', 'ignore', 'rust'], '', report);

  const ruleTable = table('rules', []);
  const ids = knownRuleIds();
  for (const [id, setting] of Object.entries(ruleTable ?? {})) {
    if (!ids.includes(id)) {
      const guess = closest(id, ids);
      report(id, `unknown rule \`${id}\` in [rules]${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
    } else if (typeof setting !== 'string' || !SETTINGS.includes(setting as RuleSetting)) {
      report(id, `rules.${id} must be one of ${quoted(SETTINGS)}, not ${shown(setting)}`);
    } else config.rules[id] = setting as RuleSetting;
  }

  const ignore = table('ignore', ['paths', 'state']);
  config.ignorePaths = stringList(ignore?.paths, 'ignore.paths', report);
  config.ignoreState = stringList(ignore?.state, 'ignore.state', report);
  for (const s of config.ignoreState) {
    if (!/^[A-Za-z_*][A-Za-z0-9_*]*(\.[A-Za-z0-9_*]+)?$/.test(s))
      report(s, `ignore.state: \`${s}\` is not a state name (\`ROOT\` or \`ROOT.field\`, \`*\` allowed)`);
  }

  const rust = table('rust', ['call-functions', 'entry-attributes']);
  config.callFunctions = stringList(rust?.['call-functions'], 'rust.call-functions', report);
  const attrs = rust?.['entry-attributes'];
  if (attrs !== undefined) {
    if (!isTable(attrs)) {
      report(
        'entry-attributes',
        `rust.entry-attributes must be a table of attribute = "kind", not ${typeName(attrs)}`,
      );
    } else {
      for (const [name, kind] of Object.entries(attrs)) {
        if (typeof kind !== 'string' || !ATTRIBUTE_KINDS.includes(kind as EntryKind)) {
          report(
            name,
            `rust.entry-attributes.${name} must be one of ${quoted(ATTRIBUTE_KINDS)}, not ${shown(kind)}`,
          );
          continue;
        }
        // `#[my_macros::guarded_update]` is recognised by its last segment, as the built-in attributes are.
        config.entryAttributes[name.split('::').pop()!.trim()] = kind as EntryKind;
      }
    }
  }
  if (problems.length) throw new ConfigError(file, problems);
  return config;
}

function unknownKeys(
  v: Record<string, unknown>,
  allowed: string[],
  prefix: string,
  report: (key: string, message: string) => void,
): void {
  for (const k of Object.keys(v)) {
    if (allowed.includes(k)) continue;
    const guess = closest(k, allowed);
    const where = prefix ? `in [${prefix}]` : 'at the top level';
    report(
      k,
      `unknown key \`${k}\` ${where} (expected ${quoted(allowed)}${guess ? `; did you mean \`${guess}\`?` : ''})`,
    );
  }
}

function stringList(v: unknown, name: string, report: (key: string, message: string) => void): string[] {
  if (v === undefined) return [];
  const key = name.split('.').pop()!;
  if (!Array.isArray(v)) {
    report(key, `${name} must be an array of strings, not ${typeName(v)}`);
    return [];
  }
  const bad: unknown = (v as unknown[]).find((x) => typeof x !== 'string' || x.trim() === '');
  if (bad !== undefined) {
    report(key, `${name} must be an array of non-empty strings; found ${shown(bad)}`);
    return [];
  }
  return v as string[];
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (isTable(v)) return 'a table';
  if (v instanceof Date) return 'a date';
  return `a ${typeof v === 'bigint' ? 'number' : typeof v}`;
}

function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : typeName(v);
}

function quoted(xs: string[]): string {
  return xs.map((x) => `\`${x}\``).join(', ');
}

/** The first line that defines `key` (as `key =`, `"key" =` or `[key]`), for error messages. */
function lineOfKey(text: string, key: string): number | undefined {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^\\s*(?:\\[\\s*)?|[{,]\\s*)["']?${k}["']?\\s*(?:=|\\])|["']${k}["']`);
  const i = text.split(/\r?\n/).findIndex((l) => re.test(l));
  return i >= 0 ? i + 1 : undefined;
}

/** The allowed word nearest to a misspelling (edit distance at most a third of its length). */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
