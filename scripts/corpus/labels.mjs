// The labelled set (accuracy/labels/*.json): awaits, warnings and bugs, each referenced as
// `owner/name@commit:path:line[:column]` (no code is copied into the repo).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './manifest.mjs';

export function parseRef(ref) {
  const m = /^([^@]+)@([0-9a-f]{40}):(.+?):(\d+)(?::(\d+))?$/.exec(ref);
  if (!m) throw new Error(`not a label reference: ${ref}`);
  return {
    repo: m[1],
    commit: m[2],
    path: m[3],
    line: Number(m[4]),
    column: m[5] ? Number(m[5]) : undefined,
  };
}

export function loadLabels() {
  const dir = join(repoRoot, 'accuracy', 'labels');
  const out = { awaits: [], warnings: [], bugs: [], samples: [] };
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const data = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const kind = name.split('-')[0];
    if (kind === 'sample') {
      out.samples.push({ file: name, ...data });
      continue;
    }
    const list = out[kind];
    if (!list)
      throw new Error(
        `accuracy/labels/${name}: the name must start with awaits-, warnings-, bugs- or sample-`,
      );
    for (const item of data.items) list.push({ ...item, source: name, at: parseRef(item.ref) });
  }
  return out;
}

/** The key a warning label and a finding share: rule, file, line, entry point and state. */
export function warningKey(repo, path, line, rule, entryPoint, state) {
  return [repo, path, line, rule, entryPoint, [...state].sort().join(',')].join('|');
}
