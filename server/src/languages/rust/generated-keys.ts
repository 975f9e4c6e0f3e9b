/**
 * Keys a message generates (SPEC §5, Precision): a value drawn from a random number generator kept in state, or
 * taken from a counter the same code steps before any commit point, is new in each message that takes it. An
 * entry written under such a key is one no other message writes, and a timer or spawned task handed such a key
 * by the code that starts it owns that entry: another run of the same task holds another key.
 */
import { afterCommitNodes } from '../../model/commit-paths';
import { forEachNode, type EntryPointIR, type Node, type StatePath, type Val } from '../../model/ir';
import { readSources } from './summary-guards';

/**
 * State that is a random number generator (`RNG`, `RUNTIME_STATE.rng`, `runtime_rng`): each draw is new. A seed
 * (`random_seed`) is not: it stays the same until it is replaced.
 */
const RANDOM_SOURCE = /(?:^|_)(?:rng|prng|csprng)(?:_|$)/i;

function isRandomSource(state: StatePath): boolean {
  return RANDOM_SOURCE.test(state.field ?? state.root);
}

/**
 * The ids of reads in `nodes` whose value is new in each message: of a random source, or of a counter the code
 * also steps by a constant (`let id = s.next_id; s.next_id += 1`), with no commit point before either.
 */
export function generatorReads(nodes: Node[], late = lateNodes(nodes)): Set<number> {
  const early: Node[] = [];
  forEachNode(nodes, (n) => void (late.has(n) || early.push(n)));
  const readState = new Map<number, StatePath>();
  for (const n of early) if (n.kind === 'read') readState.set(n.id, n.state);
  const same = (a: StatePath, b: StatePath) => a.root === b.root && a.field === b.field && a.sub === b.sub;
  const stepped = early.flatMap((n) =>
    n.kind === 'write' && !n.mark && (n.step || readsOnly(n.value, n.state, readState, same))
      ? [n.state]
      : [],
  );
  const out = new Set<number>();
  for (const [id, state] of readState)
    if (isRandomSource(state) || stepped.some((s) => same(s, state))) out.add(id);
  return out;
}

function lateNodes(nodes: Node[]): Set<Node> {
  return afterCommitNodes(nodes, (n) => n.commit !== 'none');
}

/** `count += 1`: a value reading only the state written, no local or call. */
function readsOnly(
  value: Val,
  state: StatePath,
  readState: Map<number, StatePath>,
  same: (a: StatePath, b: StatePath) => boolean,
): boolean {
  if (!value.reads.length || value.locals.length || value.awaits.length) return false;
  return value.reads.every((id) => {
    const r = readState.get(id);
    return r !== undefined && same(r, state);
  });
}

/** Whether `val` (directly or through the locals it names) depends on a generated value. */
function generated(val: Val, gen: Set<number>, sources: ReturnType<typeof readSources>): boolean {
  if (val.reads.some((id) => gen.has(id))) return true;
  return val.locals.some((l) => [...(sources.get(l)?.reads ?? [])].some((id) => gen.has(id)));
}

/**
 * Marks the writes of `nodes` whose key is generated here (`generatedKey`): inserts of a new entry, made before
 * any commit point like the draw itself (a write under that key after an await may meet a task handed the key
 * meanwhile). A write replayed from a callee keeps the mark the callee's summary gave it.
 */
export function markGeneratedKeys(nodes: Node[]): void {
  const late = lateNodes(nodes);
  const gen = generatorReads(nodes, late);
  if (!gen.size) return;
  const sources = readSources(nodes);
  forEachNode(nodes, (n) => {
    if (n.kind === 'write' && n.keyVal && !n.mark && !late.has(n) && generated(n.keyVal, gen, sources))
      n.generatedKey = true;
  });
}

/** Per spawned entry point: its keys named after locals of the code that starts it (key → that local). */
const captured = new WeakMap<EntryPointIR, Map<string, string>>();

/** Notes which keys of a timer's or spawned task's accesses are locals it captures from the code starting it. */
export function noteCapturedKeys(entry: EntryPointIR, outer: (name: string) => string | undefined): void {
  const bound = new Set<string>();
  const keys = new Set<string>();
  forEachNode(entry.body, (n) => {
    if (n.kind === 'local') bound.add(n.name.replace(/#\d+$/, ''));
    if ((n.kind === 'read' || n.kind === 'write') && n.key && /^[A-Za-z_]\w*$/.test(n.key)) keys.add(n.key);
  });
  const map = new Map<string, string>();
  for (const k of keys) {
    const local = bound.has(k) || entry.params.includes(k) ? undefined : outer(k);
    if (local) map.set(k, local);
  }
  if (map.size) captured.set(entry, map);
}

/**
 * Once the code that starts them is lowered (`nodes`): the keys of each spawned entry point that hold a value
 * that code generated (`instanceKeys`): each run of the task is handed its own.
 */
export function setInstanceKeys(spawned: EntryPointIR[], nodes: Node[]): void {
  const withCaptures = spawned.filter((e) => captured.has(e));
  if (!withCaptures.length) return;
  const gen = generatorReads(nodes);
  if (!gen.size) return;
  const sources = readSources(nodes);
  for (const e of withCaptures) {
    const keys = [...captured.get(e)!].flatMap(([key, local]) =>
      generated({ reads: [], locals: [local], awaits: [] }, gen, sources) ? [key] : [],
    );
    if (keys.length) e.instanceKeys = keys;
  }
}
