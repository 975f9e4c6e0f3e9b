/**
 * Helpers that take a map by reference and touch one entry of it, picked by another parameter
 * (`fn add_impl(id: &K, v: &T, map: &mut HashMap<K, T>) { map.insert(*id, v.clone()); }`). At a call site that
 * hands them a state handle for the map, the access is keyed by the argument given for the key, as the same
 * method called on the state itself would be (SPEC §3, Precision: record the key of a map access).
 */
import type { Val } from '../../model/ir';
import type { FnInfo } from './crate-index';
import { field, simpleKey, type MethodCall } from './syntax';
import { union, empty } from './val';

/** A method on a map parameter, as lowered (see `noteParamEntryOp`). */
export interface ParamEntryCall {
  recv: string;
  method: string;
  key: string | undefined;
  /** What the arguments after the key depend on. */
  value: Val;
  argCount: number;
}

/** What a helper does to the map it is given as parameter `param`: one entry, keyed by parameter `keyParam`. */
export interface ParamEntryOp {
  param: number;
  keyParam: number;
  op: 'get' | 'insert' | 'remove';
  /** For `insert`: the parameters the stored value depends on. */
  valueParams?: number[];
}

const OPS: Record<string, ParamEntryOp['op'] | undefined> = {
  get: 'get',
  contains_key: 'get',
  insert: 'insert',
  remove: 'remove',
};

/** Records a method called on a parameter of the function being lowered, for its summary. */
export function noteParamEntryOp(
  facts: { paramEntryCalls?: ParamEntryCall[] },
  fn: FnInfo | undefined,
  m: MethodCall,
  recvName: string,
  argVals: Val[],
): void {
  if (!fn?.params.includes(recvName)) return;
  (facts.paramEntryCalls ??= []).push({
    recv: recvName,
    method: m.name,
    key: simpleKey(m.args[0]),
    value: union(empty(), ...argVals.slice(1)),
    argCount: m.args.length,
  });
}

/**
 * The parameters a helper that never commits touches at one entry only: its single use of the parameter is a
 * `get`/`contains_key`/`insert(k, v)`/`remove` keyed by another parameter, and an inserted value depends on
 * parameters alone (no state read, no call result). Anything else leaves the parameter out.
 */
export function paramEntryOps(
  fn: FnInfo,
  calls: ParamEntryCall[] | undefined,
  commits: boolean,
  paramsOf: (v: Val) => number[] | undefined,
): ParamEntryOp[] {
  if (commits || !calls?.length) return [];
  const body = field(fn.node, 'body')?.text ?? '';
  const out: ParamEntryOp[] = [];
  for (const c of calls) {
    const param = fn.params.indexOf(c.recv);
    const op = OPS[c.method];
    const keyParam = c.key === undefined ? -1 : fn.params.indexOf(c.key.replace(/^\*/, ''));
    if (param < 0 || !op || keyParam < 0 || keyParam === param) continue;
    if (op === 'insert' && c.argCount !== 2) continue;
    if (usesOf(body, c.recv) !== 1 || calls.filter((x) => x.recv === c.recv).length !== 1) continue;
    const valueParams = op === 'insert' ? paramsOf(c.value) : [];
    if (!valueParams) continue;
    out.push({ param, keyParam, op, ...(op === 'insert' ? { valueParams } : {}) });
  }
  return out;
}

/** How often `name` occurs as a whole word in `text`. */
function usesOf(text: string, name: string): number {
  return text.match(new RegExp(`(?<![A-Za-z0-9_.])${name}(?![A-Za-z0-9_])`, 'g'))?.length ?? 0;
}
