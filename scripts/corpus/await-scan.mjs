// A lexical census of the awaits in canister code, independent of the analysis under test: the label sampler
// draws from it, so an await the frontends miss can still be drawn. Comments and strings are skipped; test code
// (test folders and files, `#[cfg(test)]` and `#[test]` items, Motoko `*.test.mo`) is left out.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const SKIPPED_DIRS = new Set(['target', 'node_modules', '.git', '.dfx', '.mops', '.vessel']);
const TEST_DIRS = new Set([
  'test',
  'tests',
  'test_utils',
  'test-utils',
  'testing',
  'integration-tests',
  'integration_tests',
  'benches',
  'examples',
  'e2e',
  'mocks',
  'mock',
  'fake',
  'fakes',
  'fixtures',
]);

export function isTestPath(rel) {
  const parts = rel.split(sep);
  const base = parts[parts.length - 1];
  if (parts.slice(0, -1).some((p) => TEST_DIRS.has(p))) return true;
  return /(^|_)tests?\.rs$|^build\.rs$|\.test\.mo$|^test_.*\.rs$/.test(base);
}

export function listFiles(dir, ext, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(p, ext, out);
    else if (entry.isFile() && entry.name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** The nearest Cargo.toml of a Rust file mentions ic-cdk (or a wrapper of it): the crate is built for a canister. */
export function inCanisterCrate(file, root, cache = new Map()) {
  for (let dir = dirname(file); dir.startsWith(root); dir = dirname(dir)) {
    if (cache.has(dir)) return cache.get(dir);
    const toml = join(dir, 'Cargo.toml');
    if (existsSync(toml)) {
      const answer = /ic[-_](cdk|exports|canister)\b/.test(readFileSync(toml, 'utf8'));
      cache.set(dir, answer);
      return answer;
    }
    if (dir === dirname(dir)) break;
  }
  return false;
}

/** Replaces comments and string/char literals by spaces, keeping line and column positions. */
function blankNonCode(text, language) {
  const out = text.split('');
  const n = text.length;
  const blank = (a, b) => {
    for (let k = a; k < b && k < n; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? n : e;
      blank(i, end);
      i = end;
    } else if (c === '/' && d === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') (depth++, (j += 2));
        else if (text[j] === '*' && text[j + 1] === '/') (depth--, (j += 2));
        else j++;
      }
      blank(i, j);
      i = j;
    } else if (
      language === 'rust' &&
      c === 'r' &&
      (d === '#' || d === '"') &&
      !/\w/.test(text[i - 1] ?? '')
    ) {
      const m = /^r(#*)"/.exec(text.slice(i, i + 260));
      if (!m) {
        i++;
        continue;
      }
      const close = '"' + m[1];
      const e = text.indexOf(close, i + m[0].length);
      const end = e < 0 ? n : e + close.length;
      blank(i, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      blank(i, j + 1);
      i = j + 1;
    } else if (c === "'") {
      // A char literal ('x', '\n', '\u{..}'); a Rust lifetime ('a) has no closing quote right after.
      const m = /^'(\\[^']{1,10}|[^'\\\n])'/.exec(text.slice(i, i + 14));
      if (m) {
        blank(i, i + m[0].length);
        i += m[0].length;
      } else i++;
    } else i++;
  }
  return out.join('');
}

/** Offsets of Rust items marked `#[cfg(test)]`, `#[test]` or `#[…::test]`: from the attribute to the item's end. */
function rustTestRanges(code) {
  const ranges = [];
  const re = /#\[\s*(cfg\s*\(\s*test\s*\)|(?:\w+::)*test\b[^\]]*)\]/g;
  for (let m; (m = re.exec(code));) {
    let j = m.index + m[0].length;
    // The item ends at the `;` or at the brace that closes its first `{`.
    while (j < code.length && code[j] !== '{' && code[j] !== ';') j++;
    if (code[j] === ';') {
      ranges.push([m.index, j]);
      continue;
    }
    let depth = 0;
    for (; j < code.length; j++) {
      if (code[j] === '{') depth++;
      else if (code[j] === '}' && --depth === 0) break;
    }
    ranges.push([m.index, j]);
    re.lastIndex = j;
  }
  return ranges;
}

/** Every await keyword of a file: `{ line, column, keyword }`, 1-based, columns in UTF-16 units. */
export function scanAwaits(text, language) {
  const code = blankNonCode(text, language);
  const found = [];
  const re = language === 'rust' ? /\.\s*(await)\b/g : /\b(await)(\*|\?)?(?![\w])/g;
  const excluded = language === 'rust' ? rustTestRanges(code) : [];
  const lineStarts = [0];
  for (let k = 0; k < code.length; k++) if (code[k] === '\n') lineStarts.push(k + 1);
  const lineOf = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (let m; (m = re.exec(code));) {
    const at = m.index + m[0].indexOf('await');
    if (excluded.some(([a, b]) => at >= a && at <= b)) continue;
    const line = lineOf(at);
    found.push({
      line: line + 1,
      column: at - lineStarts[line] + 1,
      keyword: language === 'rust' ? '.await' : 'await' + (m[2] ?? ''),
    });
  }
  return found;
}

/** Files of modules declared `#[cfg(test)] mod name;`: `name.rs` and `name/` beside the declaring module. */
function cfgTestModuleFiles(files) {
  const prefixes = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const re = /#\[\s*cfg\s*\(\s*test\s*\)\s*\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;/g;
    for (let m; (m = re.exec(text));) {
      const stem = file.slice(file.lastIndexOf(sep) + 1, -3);
      const dir = ['mod', 'lib', 'main'].includes(stem) ? dirname(file) : join(dirname(file), stem);
      prefixes.push(join(dir, m[1] + '.rs'), join(dir, m[1]) + sep);
    }
  }
  return prefixes;
}

/** The canister-code awaits of one corpus project, as `{ path, line, column, keyword }` with repo-relative paths. */
export function projectAwaits(project, dir) {
  const ext = project.language === 'rust' ? '.rs' : '.mo';
  const off = (project.notCanisterCode ?? []).map((p) => p.replace(/\/$/, ''));
  const crateCache = new Map();
  const out = [];
  for (const sub of project.paths) {
    const base = join(dir, sub);
    if (!existsSync(base)) continue;
    const files = listFiles(base, ext).sort();
    const testModules = project.language === 'rust' ? cfgTestModuleFiles(files) : [];
    for (const file of files) {
      if (testModules.some((t) => file === t || file.startsWith(t))) continue;
      const rel = relative(dir, file);
      if (off.some((o) => rel === o || rel.startsWith(o + sep))) continue;
      if (isTestPath(rel)) continue;
      if (project.language === 'rust' && !inCanisterCrate(file, dir, crateCache)) continue;
      const text = readFileSync(file, 'utf8');
      for (const a of scanAwaits(text, project.language)) out.push({ path: rel.split(sep).join('/'), ...a });
    }
  }
  return out;
}
