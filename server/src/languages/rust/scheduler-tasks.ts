/**
 * Tasks of a task scheduler crate outside the workspace: the scheduler runs each task's method from a timer,
 * every task in a future of its own, so that method is an entry point like a timer body (SPEC §3). The
 * scheduler itself is not in the workspace, so its `spawn` cannot be followed to the task.
 */
import type { FnInfo } from './crate-index';
import { expandPath } from './use-resolution';
import { callArgs, field, namedKids, type SyntaxNode } from './syntax';

/** Trait path → the method the scheduler runs. */
const SCHEDULER_TASK_METHODS: Record<string, string> = {
  // bitfinity canister-sdk: `Scheduler::run` spawns `Task::execute` of every due task.
  'ic_task_scheduler::task::Task': 'execute',
};

/** Whether `fn` is the method a scheduler outside the workspace runs for each of its tasks. */
export function isSchedulerTask(fn: FnInfo): boolean {
  const owner = fn.node.parent?.type === 'declaration_list' ? fn.node.parent.parent : null;
  const trait = owner?.type === 'impl_item' ? field(owner, 'trait') : undefined;
  if (!trait) return false;
  const path = expandPath(traitPath(trait), fn.file.uses);
  return Object.hasOwn(SCHEDULER_TASK_METHODS, path) && SCHEDULER_TASK_METHODS[path] === fn.name;
}

/** `Task`, `task::Task`, `Task<Ctx>`: the path as written, without generic arguments. */
function traitPath(trait: SyntaxNode): string {
  const base = trait.type === 'generic_type' ? (field(trait, 'type') ?? trait) : trait;
  return base.text.replace(/\s+/g, '').replace(/^::/, '');
}

/** The async block the method returns as its tail, bare or pinned (`Box::pin(async move { … })`). */
export function returnedAsyncBlock(fn: FnInfo): SyntaxNode | undefined {
  const body = field(fn.node, 'body');
  const stmts = body ? namedKids(body).filter((k) => !k.isExtra) : [];
  let tail: SyntaxNode | undefined = stmts[stmts.length - 1];
  if (tail?.type === 'expression_statement') tail = namedKids(tail)[0];
  if (tail?.type === 'call_expression' && /(^|::)pin$/.test(field(tail, 'function')?.text ?? '')) {
    const args = callArgs(tail);
    tail = args.length === 1 ? args[0] : undefined;
  }
  return tail?.type === 'async_block' ? tail : undefined;
}
