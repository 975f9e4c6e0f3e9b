/**
 * Type-checks small Motoko programs with the official compiler (npm `motoko`), so that the fixtures of the
 * frontend tests are real Motoko. The core library it ships and the base library (`motoko@3.20.0`, installed as
 * `motoko-base`) are loaded, so `mo:core/…` and `mo:base/…` imports resolve.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

interface Compiler {
  write(path: string, text: string): void;
  check(path: string): unknown;
  loadPackage(pkg: unknown): void;
}

let compiler: Compiler | undefined;

function load(): Compiler {
  if (compiler) return compiler;
  const before = new Set(process.listeners('uncaughtException'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mo = require('motoko') as Compiler;
  // Loading `motoko` installs a handler that exits the process: remove it.
  for (const l of process.listeners('uncaughtException')) {
    if (!before.has(l)) process.removeListener('uncaughtException', l);
  }
  for (const pkg of ['motoko/packages/latest/core.json', 'motoko-base/packages/latest/base.json'])
    mo.loadPackage(
      JSON.parse(readFileSync(join(repoRoot, 'node_modules', ...pkg.split('/')), 'utf8')) as unknown,
    );
  compiler = mo;
  return mo;
}

/** The official compiler's errors for `main` (with the other files beside it), as `line:col message`. */
export function typeErrors(files: Record<string, string>, main: string): string[] {
  const mo = load();
  for (const [p, text] of Object.entries(files)) mo.write(p, text);
  const diags = mo.check(main);
  if (!Array.isArray(diags)) return [];
  return (diags as { severity?: number; message?: string; range?: { start?: { line: number } } }[])
    .filter((d) => d.severity === 1)
    .map((d) => `${(d.range?.start?.line ?? 0) + 1}: ${d.message ?? ''}`);
}
