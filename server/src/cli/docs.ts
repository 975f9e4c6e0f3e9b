/** Finds the rule documentation shipped next to the bundle (dist/../docs) or the sources. */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findingDocPath } from '../config/suppression-rules';
import { docPath } from '../rules/types';

const candidates = [
  join(__dirname, '..'),
  join(__dirname, '..', '..', '..'),
  join(__dirname, '..', '..', '..', '..'),
];

export function packageRoot(): string | undefined {
  return candidates.find((c) => existsSync(join(c, 'docs', 'rules')));
}

/** A path to the rule's page a person can open: relative to the working folder when inside it. */
export function localDocPath(id: string): string | undefined {
  const root = packageRoot();
  if (!root) return undefined;
  const abs = join(root, findingDocPath(id));
  if (!existsSync(abs)) return undefined;
  const rel = relative(process.cwd(), abs);
  return rel.startsWith('..') ? abs : rel;
}

export function docMarkdown(id: string): string | undefined {
  const root = packageRoot();
  if (!root) return undefined;
  const abs = join(root, docPath(id));
  return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
}
