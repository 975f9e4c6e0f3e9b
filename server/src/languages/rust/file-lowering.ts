/**
 * Which functions must be lowered again for their file's model. That lowering adds to the model only await
 * annotations (an `.await`, a `join!`, a `select!`), entry points started with `spawn` or `set_timer…`, notices
 * (an expression nested too deeply, a failure) and, for an entry point, its body; the nodes it makes otherwise
 * are what the summary lowering of the same function already made. So a function that is no entry point, whose
 * text names none of those, and whose summary lowering met no nesting limit and did not fail, is not lowered
 * again (the await ids of the functions after it in the file start lower: ids are only told apart, never read
 * as values).
 */
import type { FnInfo, ParsedFile } from './crate-index';

/** What an annotation or a spawned entry point needs written in the function (a superset: a comment counts). */
const MAY_ADD = /await|join|select|spawn|set_timer/;
/** A file that imports `spawn` or a timer under another name may start entry points with any name. */
const SPAWNS = /spawn|set_timer/;

const renamesSpawn = new WeakMap<ParsedFile, boolean>();

function importsSpawn(file: ParsedFile): boolean {
  let known = renamesSpawn.get(file);
  if (known === undefined) {
    known = [...file.uses.aliases.values()].some((full) => SPAWNS.test(full));
    renamesSpawn.set(file, known);
  }
  return known;
}

/** Whether lowering `fn` for its file's model may add more than its summary lowering showed. */
export function mayAddToFileModel(fn: FnInfo): boolean {
  return importsSpawn(fn.file) || MAY_ADD.test(fn.node.text);
}

/**
 * Whether `fn` may start an entry point (`spawn`, `set_timer…`): only its file lowering makes those. One that
 * cannot adds nothing to its file's model but the await annotations its summary lowering made too.
 */
export function maySpawn(fn: FnInfo): boolean {
  return importsSpawn(fn.file) || SPAWNS.test(fn.node.text);
}
