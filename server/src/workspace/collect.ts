/**
 * Finds the `.mo` and `.rs` files under the paths the user names, skipping `target/`, `node_modules/`, `.git/`
 * and whatever the `.gitignore` files on the way ignore.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isIgnored, parseGitignore, type IgnoreRule } from './gitignore';

const ALWAYS_SKIPPED = new Set(['target', 'node_modules', '.git', '.dfx', '.mops', '.vessel']);
export const SOURCE_EXTENSIONS = ['.mo', '.rs'];

interface IgnoreScope {
  dir: string;
  rules: IgnoreRule[];
}

export interface Collected {
  files: string[];
  /** Paths that do not exist or are not sources (usage errors). */
  missing: string[];
}

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext));
}

export function collectSources(paths: string[]): Collected {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      missing.push(p);
      continue;
    }
    const st = statSync(p);
    if (st.isFile()) {
      if (isSourceFile(p)) files.push(p);
      else missing.push(p);
      continue;
    }
    walk(p, inheritedScopes(resolve(p)), files);
  }
  return { files: [...new Set(files)], missing };
}

/** `.gitignore` files in the folders above a starting folder, up to the repository root. */
function inheritedScopes(abs: string): IgnoreScope[] {
  const scopes: IgnoreScope[] = [];
  let dir = dirname(abs);
  for (;;) {
    const gi = join(dir, '.gitignore');
    if (existsSync(gi)) scopes.unshift({ dir, rules: parseGitignore(readFileSync(gi, 'utf8')) });
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  return scopes;
}

function ignored(scopes: IgnoreScope[], abs: string, isDir: boolean): boolean {
  return scopes.some((s) => isIgnored(s.rules, relative(s.dir, abs).split(sep).join('/'), isDir));
}

function walk(dir: string, scopes: IgnoreScope[], out: string[]): void {
  const abs = resolve(dir);
  const gi = join(abs, '.gitignore');
  const here = existsSync(gi)
    ? [...scopes, { dir: abs, rules: parseGitignore(readFileSync(gi, 'utf8')) }]
    : scopes;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED.has(entry.name) || ignored(here, resolve(path), true)) continue;
      walk(path, here, out);
    } else if (entry.isFile() && isSourceFile(entry.name) && !ignored(here, resolve(path), false)) {
      out.push(path);
    }
  }
}
