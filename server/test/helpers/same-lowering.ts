/**
 * A file model as JSON with the ids of each entry point's reads and awaits numbered in the order they appear:
 * ids only tell nodes of one entry point apart (the analysis never compares those of two), so a lowering that
 * numbers them from another start is the same lowering.
 */
import type { FileModel } from '../../src/model/ir';

const ID_LISTS = new Set(['reads', 'awaits']);

function entryJson(entry: unknown): string {
  const order = new Map<number, number>();
  JSON.stringify(entry, (key, v: unknown) => {
    if (key === 'id' && typeof v === 'number' && !order.has(v)) order.set(v, order.size);
    return v;
  });
  const map = (id: number) => order.get(id) ?? `unknown ${id}`;
  return JSON.stringify(entry, (key, v: unknown) => {
    if (key === 'id' && typeof v === 'number') return map(v);
    if (ID_LISTS.has(key) && Array.isArray(v))
      return (v as unknown[]).map((x) => (typeof x === 'number' ? map(x) : x));
    return v;
  });
}

export function modelJson(files: readonly FileModel[]): string {
  return JSON.stringify(
    files.map((f) => ({ ...f, entryPoints: f.entryPoints.map((e) => JSON.parse(entryJson(e)) as unknown) })),
  );
}
