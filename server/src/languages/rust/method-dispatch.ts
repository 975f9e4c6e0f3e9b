/**
 * Which code a method call runs, from its receiver's type: the method of a concrete workspace type (its own or
 * a trait's default), a client type's call API, or — for `dyn Trait`, `impl Trait` and `T: Trait` receivers —
 * every workspace impl of the trait, combined (SPEC §2): `commit` when every impl must commit, `none` only when
 * every impl never does and no impl can exist outside the workspace, else `maybe`.
 */
import type { CallInfo, CommitKind } from '../../model/ir';
import type { Future } from './awaits';
import { callFreeTypeMethod, clientTypeMethod } from './client-crate-apis';
import type { CrateIndex, FnInfo } from './crate-index';
import type { LowerContext } from './lower-context';
import type { RecvType } from './receiver-types';

export type MethodTarget =
  | { kind: 'fn'; fn: FnInfo }
  | { kind: 'api'; api: string }
  /** A library method known to make no inter-canister call. */
  | { kind: 'callFree'; name: string }
  /** `complete`: every impl there can be is among `fns`. */
  | { kind: 'impls'; traitName: string; fns: FnInfo[]; complete: boolean };

function methodOf(
  index: CrateIndex,
  typeName: string,
  traitName: string | undefined,
  m: string,
): FnInfo | undefined {
  return index.methodsByName.get(m)?.find((f) => f.typeName === typeName && f.traitName === traitName);
}

/** The method `m` of trait `trait` for type `typeName`: the impl's own, else the trait's default. */
function traitMethod(index: CrateIndex, trait: string, typeName: string, m: string): FnInfo | undefined {
  return methodOf(index, typeName, trait, m) ?? methodOf(index, trait, trait, m);
}

/** Per crate: the target of each (receiver type, method), asked once per call site and lowering. */
const resolved = new WeakMap<CrateIndex, Map<string, MethodTarget | undefined>>();

export function resolveMethod(cx: LowerContext, type: RecvType, m: string): MethodTarget | undefined {
  const index = cx.env.index;
  let known = resolved.get(index);
  if (!known) resolved.set(index, (known = new Map<string, MethodTarget | undefined>()));
  const key = `${type.kind === 'named' ? `${type.name} ${type.path}` : `: ${type.traits.join(' + ')}`} .${m}`;
  if (!known.has(key)) known.set(key, targetOf(index, type, m));
  return known.get(key);
}

function targetOf(index: CrateIndex, type: RecvType, m: string): MethodTarget | undefined {
  // A bare trait name as a type (`&Signer`, pre-2021 trait objects) is a bound.
  if (type.kind === 'named' && index.types.traits.has(type.name))
    type = { kind: 'bound', traits: [type.name] };
  if (type.kind === 'named') {
    const segs = type.path.split('::');
    // A type of another crate of the workspace: its own method there.
    const dep = segs.length >= 2 ? index.deps.get(segs[0]) : undefined;
    const inDep = dep?.methods.get(`${type.name}::${m}`);
    if (inDep && inDep.typeName !== inDep.traitName) return { kind: 'fn', fn: inDep };
    // A type of another crate is never a workspace type of the same name.
    const foreign = segs.length >= 2 && !index.modules.has(segs[0]) && segs[0] !== index.crateName;
    if (foreign) return clientTarget(type.path, m);
    const own = (index.methodsByName.get(m) ?? []).filter(
      (f) => f.typeName === type.name && f.typeName !== f.traitName,
    );
    if (own.length === 1) return { kind: 'fn', fn: own[0] };
    // Two types of that name, or two traits giving it that method: whichever it is, combined.
    if (own.length > 1) return { kind: 'impls', traitName: type.name, fns: own, complete: true };
    // A trait default the type inherits from one of its workspace impls.
    for (const [trait, impls] of index.types.traitImpls) {
      if (!impls.some((i) => i.typeName === type.name && !i.methods.has(m))) continue;
      const fallback = index.types.traits.get(trait)?.methods.has(m)
        ? methodOf(index, trait, trait, m)
        : undefined;
      if (fallback) return { kind: 'fn', fn: fallback };
    }
    // A client type of a known crate, unless the workspace declares a type of that name itself.
    return index.types.structFields.has(type.name) ? undefined : clientTarget(type.path, m);
  }
  const trait = type.traits.map((t) => index.types.traits.get(t)).find((t) => t?.methods.has(m));
  if (!trait) return undefined;
  const impls = index.types.traitImpls.get(trait.name) ?? [];
  const fns = impls.map((i) => traitMethod(index, trait.name, i.typeName, m));
  // Impls in the crates that depend on this one (the trait is theirs through the dependency), with this
  // crate's default when they do not write the method.
  for (const d of index.dependents)
    for (const i of d.types.traitImpls.get(trait.name) ?? [])
      fns.push(methodOf(d, i.typeName, trait.name, m) ?? methodOf(index, trait.name, trait.name, m));
  const found = fns.filter((f): f is FnInfo => !!f);
  const closed = (!trait.isPub || index.closed) && !index.types.namesInMacros.has(trait.name);
  const complete = found.length > 0 && found.length === fns.length && closed;
  return { kind: 'impls', traitName: trait.name, fns: found, complete };
}

function clientTarget(path: string, m: string): MethodTarget | undefined {
  const api = clientTypeMethod(path, m);
  if (api) return { kind: 'api', api };
  const name = callFreeTypeMethod(path, m);
  return name ? { kind: 'callFree', name } : undefined;
}

/** The future of a call dispatched to every impl of a trait, classified from the impls' summaries. */
export function dispatchFuture(
  cx: LowerContext,
  target: Extract<MethodTarget, { kind: 'impls' }>,
  shown: string,
): Future {
  const summaries = target.fns.map((f) => cx.env.summaries.get(f));
  const commits = summaries.map((s) => s?.commits ?? 'unknown');
  const types = target.fns.map((f) => f.typeName ?? '?').join(', ');
  const of = `\`${shown}\`, dispatched to the workspace impls of \`${target.traitName}\` (${types || 'none found'})`;
  let commit: CommitKind;
  let reason: string;
  let call: CallInfo | undefined;
  let api: string | undefined;
  if (commits.length && commits.every((c) => c === 'must')) {
    commit = 'commit';
    const first = summaries.find((s) => s?.call)?.call;
    if (first) {
      call = { callee: shown, wait: first.wait, selfCall: false };
      api = first.api;
    }
    reason = `\`.await\` on ${of}, each of which calls another canister on every path that succeeds: a commit point`;
  } else if (target.complete && commits.every((c) => c === 'never')) {
    commit = 'none';
    reason = `\`.await\` on ${of}, none of which makes an inter-canister call, and no impl can come from elsewhere: it runs to completion within this message`;
  } else {
    commit = 'maybe';
    reason = target.complete
      ? `\`.await\` on ${of}, some of which may call another canister: it may be a commit point`
      : `\`.await\` on ${of}; other impls may exist outside this crate: it may be a commit point`;
  }
  return { kind: 'block', commit, reason, ...(call && api ? { call, api } : {}) };
}
