/** How calls touch state: methods of state objects and module functions that take a state value first. */

/** Methods/functions that only read the receiver. */
const READS = new Set([
  'get',
  'getOpt',
  'size',
  'vals',
  'values',
  'keys',
  'entries',
  'entriesRev',
  'valsRev',
  'keysRev',
  'contains',
  'containsKey',
  'has',
  'isEmpty',
  'toArray',
  'toVarArray',
  'find',
  'findIndex',
  'peek',
  'peekFront',
  'peekBack',
  'first',
  'last',
  'min',
  'max',
  'minEntry',
  'maxEntry',
  'toText',
  'equal',
  'compare',
  'hash',
  'count',
  'items',
  'toIter',
  'iter',
  'foldLeft',
  'foldRight',
  'forEach',
  'all',
  'any',
  'some',
  'indexOf',
  'lastIndexOf',
  'at',
  'share',
  'toList',
  'toMap',
  'toSet',
  'range',
  'rangeRev',
  'isSubset',
  'size_',
  'capacity',
  'toPure',
  'reduce',
  'join',
  'map',
  'filter',
  'filterMap',
  'mapFilter',
  'mapEntries',
  'clone',
  'freeze',
  'toBuffer',
  'buffer',
  'binarySearch',
  'getFirst',
  'getLast',
  'elem',
  'lookup',
  'reverseValues',
]);

/** Methods/functions that mutate the receiver. */
const WRITES = new Set([
  'put',
  'add',
  'set',
  'delete',
  'remove',
  'insert',
  'clear',
  'append',
  'replace',
  'removeLast',
  'push',
  'pop',
  'sort',
  'filterEntries',
  'update',
  'swap',
  'take',
  'addAll',
  'insertAt',
  'removeAt',
  'pushFront',
  'pushBack',
  'popFront',
  'popBack',
  'reverse',
  'mapInPlace',
  'truncate',
  'reserve',
  'unshift',
  'shift',
  'modify',
  'setAt',
  'retain',
  'removeAll',
  'filterInPlace',
  'deleteAt',
  'put_',
  'addFirst',
  'addLast',
  'removeFirst',
  'fill',
]);

/** Mutators that release a marker. */
const CLEARS = new Set([
  'remove',
  'delete',
  'take',
  'removeAll',
  'removeFirst',
  'removeLast',
  'deleteAt',
  'removeAt',
]);

/** Mutators that may place a marker (with a unit/true value, or on a set). */
const SETS = new Set(['add', 'put', 'insert', 'set', 'put_']);

export type Access = 'read' | 'write';

/** A method call on a state object: unknown methods count as possible writes. */
export function methodAccess(name: string): Access {
  if (WRITES.has(name)) return 'write';
  if (READS.has(name)) return 'read';
  return 'write';
}

/** A module function called with a state value first: by name; unknown → write only for mutable containers. */
export function moduleFunctionAccess(name: string, container: boolean): Access {
  if (WRITES.has(name)) return container ? 'write' : 'read';
  if (READS.has(name)) return 'read';
  return container ? 'write' : 'read';
}

/** A method or module function known to mutate its receiver (others are possible writes of unknown effect). */
export function isKnownWrite(name: string): boolean {
  return WRITES.has(name);
}

/** A method every collection has under that name (`get`, `put`, `delete`, `size`, …). */
export function isCollectionMethod(name: string): boolean {
  return WRITES.has(name) || READS.has(name);
}

export function clearsMarker(name: string): boolean {
  return CLEARS.has(name);
}

export function setsMarker(name: string): boolean {
  return SETS.has(name);
}

/** Names of the standard libraries' trap functions (`Debug.trap`, `Runtime.trap`, `Prim.trap`). */
export function isTrapCall(path: string[]): boolean {
  const last = path[path.length - 1];
  if (last !== 'trap' && last !== 'unreachable') return false;
  return path.length === 1 || /^(Debug|Runtime|Prim|Error)$/.test(path[path.length - 2]);
}

/** The libraries whose `trap` always traps: `mo:base/Debug`, `mo:core/Runtime`, `mo:prim`, `mo:⛔`. */
export function isTrapModule(importPath: string | undefined): boolean {
  return /^mo:(base\/Debug|core\/Debug|base\/Runtime|core\/Runtime|prim|⛔)$/.test(importPath ?? '');
}

/** `Timer.setTimer` / `Timer.recurringTimer` (mo:base/Timer, mo:core/Timer). */
export function isTimerCall(path: string[], importPath: string | undefined): boolean {
  const last = path[path.length - 1];
  if (last !== 'setTimer' && last !== 'recurringTimer') return false;
  if (path.length === 1) return true;
  return /Timer$/.test(importPath ?? '') || path[path.length - 2] === 'Timer';
}

/** Module paths of functional (immutable) libraries: passing a value to them never mutates it. */
export function isFunctionalLibrary(importPath: string | undefined): boolean {
  if (!importPath) return false;
  return (
    /^mo:base\/(Trie|TrieSet|AssocList|List|Deque|OrderedMap|OrderedSet|Iter|Text|Nat\d*|Int\d*|Option|Result|Principal|Blob|Char|Float|Hash|Order|Bool|Debug|Time|Error|Array)$/.test(
      importPath,
    ) ||
    /^mo:core\/(pure\/.*|Iter|Text|Nat\d*|Int\d*|Option|Result|Principal|Blob|Char|Float|Order|Bool|Debug|Time|Error|Array|Runtime)$/.test(
      importPath,
    )
  );
}
