/**
 * tower `Service` stacks (SPEC §2, method calls through the receiver's type): HTTP outcalls made through
 * `canhttp` are a `ServiceBuilder` chain of layers around a terminal service, called later by
 * `canhttp::multi::parallel_call(service, requests)` or `service.call(request)`. The terminal decides what a
 * call does — `canhttp::Client` makes the outcall (a management-canister call), `service_fn(f)` runs `f` —
 * and the layers decide whether that holds: the layers of tower, tower-http and canhttp never answer a
 * request without calling the inner service (except with an error) and make no call of their own, unless
 * they are given async code (`and_then`, `then`, a retry policy of the workspace). Anything else in a chain
 * (a workspace `Layer`, an unknown method) makes the stack unknown, so `none` is only ever proven.
 */
import type { CommitSummary } from '../../model/commit-paths';
import type { CallInfo, CommitKind, Node } from '../../model/ir';
import type { Future } from './awaits';
import { classifyAwait } from './awaits';
import type { Ex, LowerContext } from './lower-context';
import { resolveWorkspaceFn } from './resolve-fn';
import { pathText, type SyntaxNode } from './syntax';
import { expandPath } from './use-resolution';
import { empty, union } from './val';

/** What a stack is known to be; plain data, so summaries can carry it. */
export type TowerVal =
  /** `terminal`: what calling the innermost service does; `api`/`wait`: its call, when it makes one. */
  | { kind: 'service'; terminal: CommitSummary; api?: string; wait?: CallInfo['wait']; layers: Layers }
  /** A `ServiceBuilder` (`builder`) or a `Layer` value: the layers it adds. */
  | { kind: 'layers'; builder: boolean; layers: Layers };

type ServiceVal = Extract<TowerVal, { kind: 'service' }>;

interface Layers {
  /** Some layer may answer a request without calling the inner service (so a call is not certain). */
  mayBypass: boolean;
  /** Some layer may make calls of its own (so `none` is not proven). */
  adds: boolean;
}

const NO_LAYERS: Layers = { mayBypass: false, adds: false };
const UNKNOWN_LAYERS: Layers = { mayBypass: true, adds: true };

/** Crates whose layers and builders are the known, call-free ones. */
const TOWER_CRATES = new Set(['tower', 'tower_http', 'canhttp', 'tower_layer', 'tower_service']);

/** Builder and service-extension methods that add a call-free layer whose arguments are synchronous. */
const SYNC_LAYER_METHODS = new Set([
  'map_err',
  'map_request',
  'map_response',
  'map_result',
  'filter',
  'filter_response',
  'convert_request',
  'convert_response',
  'convert_error',
  'insert_request_header_if_not_present',
  'override_request_header',
  'append_request_header',
  'insert_response_header_if_not_present',
  'override_response_header',
  'append_response_header',
  'timeout',
  'concurrency_limit',
  'rate_limit',
  'load_shed',
  'buffer',
  'boxed',
  'boxed_clone',
  'clone',
  'check_clone',
  'check_service',
  'check_service_clone',
  'into_inner',
]);

/** Methods that run async code given to them, which may make calls. */
const ASYNC_LAYER_METHODS = new Set(['and_then', 'then', 'filter_async', 'map_future', 'retry', 'layer_fn']);

const merge = (a: Layers, b: Layers): Layers => ({
  mayBypass: a.mayBypass || b.mayBypass,
  adds: a.adds || b.adds,
});

export function towerOf(ex: Ex): TowerVal | undefined {
  return ex.future?.kind === 'tower' ? ex.future.tower : undefined;
}

const asFuture = (tower: TowerVal): Future => ({ kind: 'tower', tower });

function canonical(cx: LowerContext, written: string): string[] {
  return expandPath(written, cx.file.uses).split('::');
}

/** A path into one of the tower crates, by its canonical head. */
function inTowerCrates(segs: string[]): boolean {
  return segs.length >= 2 && TOWER_CRATES.has(segs[0]);
}

/** An argument of an external layer's constructor that cannot carry async code of the workspace. */
function externalArg(cx: LowerContext, arg: SyntaxNode): boolean {
  if (/literal$/.test(arg.type)) return true;
  const path =
    arg.type === 'call_expression'
      ? arg.childForFieldName('function')
      : arg.type.includes('identifier')
        ? arg
        : null;
  return !!path && inTowerCrates(canonical(cx, pathText(path)));
}

/**
 * A free call that makes or consumes a stack: `ServiceBuilder::new()`, `service_fn(f)`, `canhttp::Client::new()`,
 * a tower layer's constructor, `Some(layer)`, and `parallel_call(service, requests)`. `undefined` when the
 * path is none of these (the caller goes on as before).
 */
export function towerCall(
  cx: LowerContext,
  node: SyntaxNode,
  written: string,
  args: SyntaxNode[],
  out: Node[],
): Ex | undefined {
  const segs = canonical(cx, written);
  const last = segs[segs.length - 1];
  const isPassThrough = (written === 'Some' || written === 'Ok') && args.length === 1;
  const known =
    isPassThrough ||
    (inTowerCrates(segs) &&
      ((last === 'new' && segs[segs.length - 2] === 'ServiceBuilder') ||
        last === 'service_fn' ||
        (segs[segs.length - 2] === 'Client' && segs[0] === 'canhttp' && last.startsWith('new')) ||
        (last === 'new' && /Layer$/.test(segs[segs.length - 2] ?? '')) ||
        (segs.includes('multi') && last === 'parallel_call')));
  if (!known) return undefined;
  if (isPassThrough) {
    const ex = cx.expr(args[0], out);
    const val = cx.valOf(ex, args[0], out);
    const tower = towerOf(ex);
    return { val, future: tower ? asFuture(tower) : { kind: 'unknown', name: written } };
  }
  if (last === 'service_fn') {
    const service = args[0] ? fnService(cx, args[0], out) : undefined;
    return { val: empty(), ...(service ? { future: asFuture(service) } : {}) };
  }
  const exs = args.map((a) => cx.expr(a, out));
  const val = union(empty(), ...exs.map((e, i) => cx.valOf(e, args[i], out)));
  if (last === 'parallel_call') {
    const service = exs[0] ? towerOf(exs[0]) : undefined;
    return { val, future: callFuture(service, `${written}(…)`, cx.range(node).start.line + 1) };
  }
  if (segs[segs.length - 2] === 'ServiceBuilder')
    return { val, future: asFuture({ kind: 'layers', builder: true, layers: NO_LAYERS }) };
  if (segs[segs.length - 2] === 'Client') {
    const client: TowerVal = {
      kind: 'service',
      terminal: 'must',
      api: 'canhttp::Client (HTTP outcall)',
      wait: 'unknown',
      layers: NO_LAYERS,
    };
    return { val, future: asFuture(client) };
  }
  // A layer of the tower crates: call-free, unless an argument may carry async code of the workspace.
  const adds = !args.every((a) => externalArg(cx, a));
  return { val, future: asFuture({ kind: 'layers', builder: false, layers: { mayBypass: false, adds } }) };
}

/** A method on a stack: another layer, the terminal service, or a call of the service. */
export function towerMethod(
  cx: LowerContext,
  node: SyntaxNode,
  recv: Ex,
  tower: TowerVal,
  name: string,
  args: SyntaxNode[],
  shown: string,
  out: Node[],
): Ex | undefined {
  // A layer's own configuration (`ObservabilityLayer::new().on_request(f)`): like its constructor's arguments.
  if (tower.kind === 'layers' && !tower.builder) {
    const adds = !args.every((a) => externalArg(cx, a));
    const val = union(recv.val, ...args.map((a) => cx.value(a, out)));
    return { val, future: asFuture(withLayers(tower, { mayBypass: false, adds })) };
  }
  const known =
    SYNC_LAYER_METHODS.has(name) ||
    ASYNC_LAYER_METHODS.has(name) ||
    (tower.kind === 'layers' && /^(service|service_fn|layer|option_layer)$/.test(name)) ||
    (tower.kind === 'service' && (name === 'call' || name === 'oneshot'));
  if (!known) return undefined;
  if (name === 'service_fn' && tower.kind === 'layers') {
    const inner = args[0] ? fnService(cx, args[0], out) : undefined;
    return { val: recv.val, ...(inner ? { future: asFuture(wrap(tower.layers, inner)) } : {}) };
  }
  const exs = args.map((a) => cx.expr(a, out));
  const val = union(recv.val, ...exs.map((e, i) => cx.valOf(e, args[i], out)));
  const argTower = exs[0] ? towerOf(exs[0]) : undefined;
  if (name === 'call' || name === 'oneshot')
    return { val, future: callFuture(tower, shown, cx.range(node).start.line + 1) };
  if (name === 'service') {
    return argTower?.kind === 'service' && tower.kind === 'layers'
      ? { val, future: asFuture(wrap(tower.layers, argTower)) }
      : { val };
  }
  let added: Layers = NO_LAYERS;
  if (name === 'layer' || name === 'option_layer') {
    // `option_layer(None)` adds nothing; a layer value this analysis does not know may do anything.
    const none = args[0]?.text.trim() === 'None';
    added = none ? NO_LAYERS : argTower?.kind === 'layers' ? argTower.layers : UNKNOWN_LAYERS;
  } else if (ASYNC_LAYER_METHODS.has(name)) added = { mayBypass: false, adds: true };
  return { val, future: asFuture(withLayers(tower, added)) };
}

function withLayers(tower: TowerVal, added: Layers): TowerVal {
  return { ...tower, layers: merge(tower.layers, added) };
}

/** The service `inner` behind the layers `outer`. */
function wrap(outer: Layers, inner: ServiceVal): TowerVal {
  return { ...inner, layers: merge(outer, inner.layers) };
}

/** `service_fn(f)`: a service whose call is `f`'s future (a workspace function, a closure, an async block). */
function fnService(cx: LowerContext, arg: SyntaxNode, out: Node[]): ServiceVal | undefined {
  let terminal: CommitSummary;
  let api: string | undefined;
  let wait: CallInfo['wait'] | undefined;
  const named = ['identifier', 'scoped_identifier'].includes(arg.type) && !cx.scopes.lookup(arg.text).local;
  const fn = named ? resolveWorkspaceFn(cx.env.index, cx.file, cx.fn, pathText(arg)) : undefined;
  if (fn) {
    (cx.facts.callees ??= []).push(fn);
    const summary = cx.env.summaries.get(fn);
    terminal = summary?.commits ?? 'unknown';
    api = summary?.call?.api;
    wait = summary?.call?.wait;
  } else {
    const ex = cx.expr(arg, out);
    if (!ex.future) return undefined;
    const c = classifyAwait(ex.future, arg, cx.env.summaries);
    terminal = summaryOf(c.commit);
    api = c.api;
    wait = c.call?.wait;
  }
  return { kind: 'service', terminal, ...(api ? { api } : {}), ...(wait ? { wait } : {}), layers: NO_LAYERS };
}

function summaryOf(kind: CommitKind): CommitSummary {
  return kind === 'commit' ? 'must' : kind === 'none' ? 'never' : 'unknown';
}

/** The future of calling a stack: the terminal's classification, as far as the layers let it through. */
function callFuture(tower: TowerVal | undefined, shown: string, line: number): Future {
  const service = tower?.kind === 'service' ? tower : undefined;
  const of = `\`${shown}\` (line ${line}), a call of a tower service stack`;
  if (service?.terminal === 'must' && !service.layers.mayBypass) {
    const api = service.api ?? 'an inter-canister call';
    return {
      kind: 'block',
      commit: 'commit',
      reason: `\`.await\` on ${of} whose innermost service calls \`${api}\` for every request: a commit point`,
      call: { callee: shown, wait: service.wait ?? 'unknown', selfCall: false },
      api,
    };
  }
  if (service?.terminal === 'never' && !service.layers.adds) {
    return {
      kind: 'block',
      commit: 'none',
      reason: `\`.await\` on ${of} whose innermost service and layers make no inter-canister call: it runs to completion within this message`,
    };
  }
  return {
    kind: 'block',
    commit: 'maybe',
    reason: service
      ? `\`.await\` on ${of} that may call another canister on some paths: it may be a commit point`
      : `\`.await\` on ${of} this analysis cannot trace: it may be a commit point`,
  };
}
