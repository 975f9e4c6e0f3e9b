/**
 * The ic-cdk APIs whose futures perform an inter-canister call (all generations), and the ones that name the
 * caller, spawn work or start timers. Paths are matched after `use` expansion.
 */
import type { CallInfo } from '../../model/ir';
import { clientCrateFn } from './client-crate-apis';
import { expandPath, type UseMap } from './use-resolution';

export interface ApiMatch {
  /** Canonical path, e.g. `ic_cdk::call::Call::bounded_wait`. */
  api: string;
  wait: CallInfo['wait'];
  /** Matched through `commitPoints.rust.extraCallFunctions`. */
  configured?: boolean;
}

const LEGACY_CALLS = new Set([
  'call',
  'call_raw',
  'call_raw128',
  'call_with_payment',
  'call_with_payment128',
  'call_with_config',
]);

const MANAGEMENT_HELPERS = new Set([
  'http_request',
  'http_request_with_closure',
  'raw_rand',
  'sign_with_ecdsa',
  'ecdsa_public_key',
  'sign_with_schnorr',
  'schnorr_public_key',
  'vetkd_derive_key',
  'vetkd_public_key',
  'create_canister',
  'create_canister_with_extra_cycles',
  'install_code',
  'install_chunked_code',
  'upload_chunk',
  'clear_chunk_store',
  'stored_chunks',
  'canister_status',
  'canister_info',
  'canister_metadata',
  'deposit_cycles',
  'update_settings',
  'stop_canister',
  'start_canister',
  'delete_canister',
  'uninstall_code',
  'provisional_create_canister_with_cycles',
  'provisional_top_up_canister',
  'bitcoin_get_balance',
  'bitcoin_get_utxos',
  'bitcoin_send_transaction',
  'bitcoin_get_current_fee_percentiles',
  'bitcoin_get_block_headers',
  'node_metrics_history',
  'subnet_info',
  'take_canister_snapshot',
  'load_canister_snapshot',
  'list_canister_snapshots',
  'delete_canister_snapshot',
  'fetch_canister_logs',
]);

/** The call API a canonical path names: ic-cdk of every generation, then the client crates. */
function apiOfCanonical(path: string): ApiMatch | undefined {
  const segs = path.split('::');
  const last = segs[segs.length - 1];
  if (path === 'ic_cdk::call') return { api: path, wait: 'unbounded' };
  if (path.startsWith('ic_cdk::api::call::') && segs.length === 4 && LEGACY_CALLS.has(last)) {
    return { api: path, wait: 'unbounded' };
  }
  // The 0.18+ builder: `Call::bounded_wait(…)` / `Call::unbounded_wait(…)` (any path ending in `Call::…`).
  if (segs[segs.length - 2] === 'Call' && (last === 'bounded_wait' || last === 'unbounded_wait')) {
    const api = segs.length === 2 ? `ic_cdk::call::Call::${last}` : path;
    return { api, wait: last === 'bounded_wait' ? 'bounded' : 'unbounded' };
  }
  const managementModule =
    path.startsWith('ic_cdk::management_canister::') ||
    path.startsWith('ic_cdk::api::management_canister::') ||
    path.startsWith('ic_cdk_management_canister::');
  if (managementModule && MANAGEMENT_HELPERS.has(last)) {
    return { api: path, wait: path.startsWith('ic_cdk::api::') ? 'unbounded' : 'unknown' };
  }
  return clientCrateFn(path);
}

/** Crates that facade crates re-export under their own name (`ic_exports::ic_cdk::call`). */
const REEXPORTED = new Set([
  'ic_cdk',
  'ic_cdk_management_canister',
  'ic_ledger_types',
  'ic_cdk_bitcoin_canister',
  'dfn_core',
]);

/** The API a path names, also when a known crate is reached through another crate's re-export of it. */
function apiOfPath(path: string): ApiMatch | undefined {
  const direct = apiOfCanonical(path);
  if (direct) return direct;
  const segs = path.split('::');
  const at = segs.findIndex((s, i) => i > 0 && REEXPORTED.has(s));
  return at > 0 ? apiOfCanonical(segs.slice(at).join('::')) : undefined;
}

/** Segments that only say "this crate", dropped before comparing configured paths. */
function meaningfulSegments(path: string): string[] {
  return path.split('::').filter((s) => s && s !== 'crate' && s !== 'self' && s !== 'super');
}

/** `my_clients::*::*`: each `*` stands for one segment; the pattern matches the end of the path. */
function globMatches(want: string[], segs: string[]): boolean {
  if (want.length > segs.length) return false;
  const tail = segs.slice(segs.length - want.length);
  return want.every((w, i) => w === '*' || w === tail[i]);
}

function configuredMatch(path: string, extras: string[]): string | undefined {
  const segs = meaningfulSegments(path);
  for (const extra of extras) {
    const want = meaningfulSegments(extra);
    if (want.length === 0 || segs.length === 0) continue;
    if (want.includes('*')) {
      if (globMatches(want, segs)) return extra;
      continue;
    }
    if (want[want.length - 1] !== segs[segs.length - 1]) continue;
    // Either is a suffix of the other: `ledger::transfer` written against `my_crate::ledger::transfer` configured.
    const n = Math.min(want.length, segs.length);
    if (want.slice(-n).join('::') === segs.slice(-n).join('::')) return extra;
  }
  return undefined;
}

/** The path after `use` expansion, with a workspace facade of ic-cdk (`my_utils::cdk::…`) read as `ic_cdk::…`. */
function canonicalPath(written: string, uses: UseMap, facades: string[]): string {
  return unfacade(expandPath(written, uses), facades);
}

function unfacade(path: string, facades: string[]): string {
  const facade = facades.find((f) => path.startsWith(`${f}::`));
  return facade ? `ic_cdk${path.slice(facade.length)}` : path;
}

/** Resolves a called path (as written) to a call API, through the file's `use` declarations and globs. */
export function resolveCallApi(
  written: string,
  uses: UseMap,
  extras: string[],
  facades: string[] = [],
): ApiMatch | undefined {
  const full = canonicalPath(written, uses, facades);
  const direct = apiOfPath(full);
  if (direct) return direct;
  if (!written.includes('::')) {
    for (const glob of uses.globs) {
      const viaGlob = apiOfPath(unfacade(`${glob}::${written}`, facades));
      if (viaGlob) return viaGlob;
    }
  }
  const extra = configuredMatch(full, extras);
  if (extra) return { api: extra, wait: 'unknown', configured: true };
  return undefined;
}

export type SpecialCall = 'caller' | 'trap' | 'timer' | 'spawn';

const CALLER_PATHS = new Set([
  'ic_cdk::caller',
  'ic_cdk::api::caller',
  'ic_cdk::msg_caller',
  'ic_cdk::api::msg_caller',
]);

/** Calls that are not inter-canister calls but matter: the caller, traps, timers and spawned futures. */
export function specialCall(written: string, uses: UseMap, facades: string[] = []): SpecialCall | undefined {
  const full = canonicalPath(written, uses, facades);
  const last = full.split('::').pop()!;
  const fromGlob = (name: string): string | undefined =>
    uses.globs.map((g) => `${g}::${name}`).find((p) => CALLER_PATHS.has(p));
  if (CALLER_PATHS.has(full) || (!written.includes('::') && fromGlob(written)) || full === 'msg_caller') {
    return 'caller';
  }
  if (full === 'ic_cdk::trap' || full === 'ic_cdk::api::trap') return 'trap';
  if (['set_timer', 'set_timer_interval', 'set_timer_interval_serial'].includes(last)) {
    if (full.startsWith('ic_cdk_timers::') || full.startsWith('ic_cdk::') || full === last) return 'timer';
  }
  if (
    full === 'ic_cdk::spawn' ||
    full === 'ic_cdk::futures::spawn' ||
    full === 'ic_cdk::futures::spawn_017_compat' ||
    last === 'spawn_017_compat' ||
    // ic-cdk 0.18: `spawn_migratory` (may outlive an upgrade) and `spawn_weak` are new messages as well.
    (full.startsWith('ic_cdk') && (last === 'spawn' || last === 'spawn_migratory' || last === 'spawn_weak'))
  ) {
    return 'spawn';
  }
  return undefined;
}
