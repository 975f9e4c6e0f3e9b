/**
 * Inline expectations in fixtures, checked through one helper: under a code line, a comment line whose `^`s start
 * at the finding's (or await's) column, then `<severity>: <rule-id>[: message substring]` or
 * `<commit|maybe|none>[: reason substring]`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileModel } from '../../src/model/ir';
import type { Finding } from '../../src/rules/types';
import { analyzeSources, type WorkspaceResult } from '../../src/workspace/analyze';
import { repoRoot } from './paths';

export interface Expectation {
  file: string;
  line: number; // 0-based
  column: number; // 0-based UTF-16
  what: 'finding' | 'await';
  severity?: string;
  rule?: string;
  kind?: string;
  substring?: string;
}

const ANNOTATION =
  /^\s*\/\/\s*(\^+)\s+(error|warning|info|commit|maybe|none)(?::\s*([a-z0-9-]+))?(?::\s*(.*\S))?\s*$/;

export function parseExpectations(file: string, text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) {
      target = i;
      return;
    }
    const column = line.indexOf('^');
    const word = m[2];
    if (word === 'commit' || word === 'maybe' || word === 'none') {
      const sub = [m[3], m[4]].filter(Boolean).join(': ');
      out.push({ file, line: target, column, what: 'await', kind: word, ...(sub ? { substring: sub } : {}) });
    } else {
      assert.ok(m[3], `${file}:${i + 1}: an annotation needs a rule id after the severity`);
      out.push({
        file,
        line: target,
        column,
        what: 'finding',
        severity: word,
        rule: m[3],
        ...(m[4] ? { substring: m[4] } : {}),
      });
    }
  });
  return out;
}

/** Every source file of a fixture case: a single file, or a folder analysed as one crate/workspace. */
export function caseFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(mo|rs)$/.test(e.name)) out.push(p);
    }
  };
  walk(path);
  return out.sort();
}

export async function analyzeCase(
  path: string,
): Promise<{ result: WorkspaceResult; texts: Map<string, string> }> {
  const texts = new Map<string, string>();
  const sources = caseFiles(path).map((p) => {
    const text = readFileSync(p, 'utf8');
    const rel = relative(repoRoot, p);
    texts.set(rel, text);
    return { path: rel, text };
  });
  const errors: string[] = [];
  const result = await analyzeSources(sources, {
    onInternalError: (w, e) => errors.push(`${w}: ${String(e)}`),
  });
  assert.deepEqual(errors, [], 'no internal errors');
  return { result, texts };
}

const key = (file: string, line: number, col: number, what: string) =>
  `${file}:${line + 1}:${col + 1} ${what}`;

/**
 * Compares findings (optionally only those of `ruleFilter`, and only at or above `info`) and, when `checkAwaits`,
 * every await's kind, with the file's annotations. Fails with a readable diff.
 */
export function checkExpectations(
  texts: Map<string, string>,
  result: WorkspaceResult,
  opts: { ruleFilter?: string; checkAwaits: boolean },
): void {
  const expected: Expectation[] = [...texts].flatMap(([file, text]) => parseExpectations(file, text));
  const want = new Map<string, Expectation>();
  for (const e of expected) {
    if (e.what === 'finding' && opts.ruleFilter && e.rule !== opts.ruleFilter) continue;
    if (e.what === 'await' && !opts.checkAwaits) continue;
    want.set(key(e.file, e.line, e.column, e.what === 'finding' ? `${e.severity}: ${e.rule}` : e.kind!), e);
  }
  const got = new Map<string, Finding | FileModel['awaits'][number]>();
  for (const f of result.findings) {
    if (opts.ruleFilter && f.rule !== opts.ruleFilter) continue;
    if (!texts.has(f.file)) continue;
    got.set(key(f.file, f.range.start.line, f.range.start.character, `${f.severity}: ${f.rule}`), f);
  }
  if (opts.checkAwaits) {
    for (const file of result.files) {
      for (const a of file.awaits)
        got.set(key(file.file, a.range.start.line, a.range.start.character, a.commit), a);
    }
  }
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const unexpected = [...got.keys()].filter((k) => !want.has(k));
  const describe = (k: string) => {
    const g = got.get(k);
    return g ? `${k} — ${'message' in g ? g.message : g.reason}` : k;
  };
  assert.ok(
    !missing.length && !unexpected.length,
    `expectations differ\n  missing:\n    ${missing.join('\n    ') || '-'}\n  unexpected:\n    ${unexpected.map(describe).join('\n    ') || '-'}`,
  );
  for (const [k, e] of want) {
    if (!e.substring) continue;
    const g = got.get(k)!;
    const text = 'message' in g ? g.message : g.reason;
    assert.ok(text.includes(e.substring), `${k}: "${text}" should contain "${e.substring}"`);
  }
}
