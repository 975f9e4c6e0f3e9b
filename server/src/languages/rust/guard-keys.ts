/**
 * The value a guard's key has where the guard is taken, when the code fixes it: a local bound to the scrutinee
 * of an enclosing `match` arm that takes one unit variant (`let task_type = task.task_type; match
 * task.task_type { TaskType::Sync => spawn(async move { TaskGuard::new(task_type) … }) }`) is that variant in
 * that arm. Two holders with the same constant key exclude each other; different constants do not.
 */
import { field, namedKids, type SyntaxNode } from './syntax';

const VARIANT_PATH = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)+$/;

export function constantGuardKey(at: SyntaxNode, key: string): string | undefined {
  const bound = boundExpression(at, key);
  for (let n = at.parent; n; n = n.parent) {
    if (n.type !== 'match_arm') continue;
    const pattern = field(n, 'pattern');
    const variant = pattern ? armVariant(pattern) : undefined;
    const scrutinee = n.parent?.parent ? field(n.parent.parent, 'value') : undefined;
    if (!variant || !scrutinee) continue;
    const matched = squash(scrutinee.text);
    if (matched === key || (bound !== undefined && matched === bound)) return variant;
  }
  return undefined;
}

/** `TaskType::Sync` (a unit variant, no bindings, no guard), else nothing. */
function armVariant(pattern: SyntaxNode): string | undefined {
  if (field(pattern, 'condition')) return undefined;
  const kids = namedKids(pattern);
  const p = kids.length === 1 ? kids[0] : pattern;
  const text = squash(p.text);
  return VARIANT_PATH.test(text) ? text : undefined;
}

/** The expression of the nearest `let <name> = …;` before `at` in an enclosing block. */
function boundExpression(at: SyntaxNode, name: string): string | undefined {
  for (let n: SyntaxNode | null = at; n; n = n.parent) {
    const block = n.parent;
    if (!block || block.type !== 'block') continue;
    const before = namedKids(block).filter((k) => k.endIndex <= n.startIndex);
    for (const s of before.reverse()) {
      if (s.type !== 'let_declaration') continue;
      if (field(s, 'pattern')?.text !== name) continue;
      const value = field(s, 'value');
      return value ? squash(value.text) : undefined;
    }
  }
  return undefined;
}

function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

/** A guard taken for a variant written at the call (`TaskGuard::new(TaskType::Rewards)`): that variant. */
export function variantKey(arg: SyntaxNode | undefined): string | undefined {
  const text = arg && squash(arg.text);
  return text && VARIANT_PATH.test(text) ? text : undefined;
}
