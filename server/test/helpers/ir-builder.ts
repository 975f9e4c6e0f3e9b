/** Builds IR by hand for model tests: positions are synthetic (one event per line). */
import type { AwaitNode, EntryPointIR, FileModel, Node, Range, StatePath, Val } from '../../src/model/ir';

let line = 0;
let nextId = 1;
const r = (): Range => ({ start: { line: line, character: 4 }, end: { line: line++, character: 9 } });
const v = (x: Partial<Val> = {}): Val => ({
  reads: x.reads ?? [],
  locals: x.locals ?? [],
  awaits: x.awaits ?? [],
});
const path = (s: string): StatePath => {
  const [root, field] = s.split('.');
  return field ? { root: root, field } : { root: root };
};

export const b = {
  reset() {
    line = 0;
    nextId = 1;
  },
  read(state: string, key?: string): Node & { id: number } {
    return { kind: 'read', id: nextId++, state: path(state), range: r(), ...(key ? { key } : {}) };
  },
  write(state: string, value: Partial<Val> = {}, extra: { key?: string; mark?: 'set' | 'clear' } = {}): Node {
    return { kind: 'write', state: path(state), value: v(value), range: r(), ...extra };
  },
  local(name: string, value: Partial<Val>): Node {
    return { kind: 'local', name, value: v(value), range: r() };
  },
  await(commit: AwaitNode['commit'], extra: Partial<AwaitNode> = {}): AwaitNode {
    const range = r();
    return {
      kind: 'await',
      id: nextId++,
      keyword: 'await',
      commit,
      reason: `test ${commit}`,
      exprRange: range,
      handling: 'bound',
      call: { callee: 'ledger.transfer', wait: 'bounded', selfCall: false },
      range,
      ...extra,
    };
  },
  branch(
    cond: Partial<Val>,
    arms: Node[][],
    extra: { exhaustive?: boolean; failureArms?: boolean[] } = {},
  ): Node {
    return {
      kind: 'branch',
      cond: v(cond),
      arms,
      exhaustive: extra.exhaustive ?? false,
      range: r(),
      ...extra,
    };
  },
  loop(body: Node[]): Node {
    return { kind: 'loop', body, range: r() };
  },
  ret(): Node {
    return { kind: 'exit', how: 'return', range: r() };
  },
  trap(cause: 'unwrap' | 'panic', value?: Partial<Val>): Node {
    return {
      kind: 'trap',
      cause,
      range: r(),
      ...(value ? { value: v(value) } : {}),
      ...(cause === 'panic' ? { always: true } : {}),
    };
  },
  entry(name: string, body: Node[], kind: EntryPointIR['kind'] = 'update'): EntryPointIR {
    const range = r();
    // `caller` in these bodies stands for a local the frontend saw bound from the message's caller.
    return { name, kind, nameRange: range, range, params: [], body, callerNames: ['caller'] };
  },
  file(entryPoints: EntryPointIR[], language: FileModel['language'] = 'rust'): FileModel {
    return {
      file: 'test.rs',
      language,
      canister: 'c',
      parseErrors: [],
      entryPoints,
      awaits: [],
      stateDecls: [],
    };
  },
};
