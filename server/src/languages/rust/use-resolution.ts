/**
 * `use` declarations of one file, so that `Call::bounded_wait`, an aliased `call`, or a glob-imported
 * `raw_rand` resolve to the full path the call-API table knows.
 */
import { MAX_NESTING } from '../../model/limits';
import { descendantsOf, allKids, field, namedKids, type SyntaxNode } from './syntax';

export interface UseMap {
  /** Local name → full path (`C2` → `ic_cdk::call::Call`). */
  aliases: Map<string, string>;
  /** Modules imported with `::*`. */
  globs: string[];
}

function join(prefix: string, rest: string): string {
  return prefix ? `${prefix}::${rest}` : rest;
}

/** Past `MAX_NESTING` levels of `{…}` the rest of a use tree is ignored (no real code nests that deep). */
function collect(node: SyntaxNode, prefix: string, out: UseMap, depth = 0): void {
  if (depth > MAX_NESTING) return;
  const text = (n: SyntaxNode): string => n.text.replace(/\s+/g, '');
  switch (node.type) {
    case 'identifier':
    case 'scoped_identifier':
    case 'crate':
    case 'super': {
      const full = join(prefix, text(node));
      out.aliases.set(full.split('::').pop()!, full);
      return;
    }
    case 'self':
      if (prefix) out.aliases.set(prefix.split('::').pop()!, prefix);
      return;
    case 'use_as_clause': {
      const p = field(node, 'path');
      const alias = field(node, 'alias');
      // `use m::{self as alias}` names the module itself.
      if (p && alias) out.aliases.set(alias.text, p.type === 'self' ? prefix : join(prefix, text(p)));
      return;
    }
    case 'use_wildcard': {
      const p = namedKids(node)[0];
      out.globs.push(p ? join(prefix, text(p)) : prefix);
      return;
    }
    case 'scoped_use_list': {
      const p = field(node, 'path');
      const list = field(node, 'list');
      if (list) collect(list, p ? join(prefix, text(p)) : prefix, out, depth + 1);
      return;
    }
    case 'use_list':
      for (const k of allKids(node)) if (k.isNamed) collect(k, prefix, out, depth + 1);
      return;
    default:
      return;
  }
}

export function collectUses(root: SyntaxNode): UseMap {
  const out: UseMap = { aliases: new Map(), globs: [] };
  for (const decl of descendantsOf(root, 'use_declaration')) if (decl) addUse(decl, out);
  return out;
}

/** Adds what one `use` declaration imports to `out`. */
export function addUse(decl: SyntaxNode, out: UseMap): void {
  const arg = field(decl, 'argument');
  if (arg) collect(arg, '', out);
}

/** Expands the first segment of a path through the file's aliases (`Call::bounded_wait` → `ic_cdk::call::Call::bounded_wait`). */
export function expandPath(path: string, uses: UseMap): string {
  // Called for every path lowering meets: no split and join.
  const end = path.indexOf('::');
  const head = end < 0 ? path : path.slice(0, end);
  const full = uses.aliases.get(head);
  if (full && full !== head) return end < 0 ? full : full + path.slice(end);
  return path.startsWith('::') ? path.slice(2) : path;
}
