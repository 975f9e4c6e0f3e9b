/**
 * Call APIs of the ledger and system-canister client crates teams use beside ic-cdk: free functions whose
 * futures call another canister, and methods of client types (`ICRC1Client`) whose futures do. Names only: a
 * function of these crates that is not listed stays an unknown future (`maybe`).
 */
import type { CallInfo } from '../../model/ir';

interface CrateFns {
  /** Module path the functions live in, as written after `use` expansion. */
  module: string;
  names: ReadonlySet<string> | ((name: string) => boolean);
  wait: CallInfo['wait'];
}

const CLIENT_FNS: CrateFns[] = [
  {
    // ic-ledger-types: the ICP ledger's legacy interface.
    module: 'ic_ledger_types',
    names: new Set(['transfer', 'account_balance', 'query_blocks', 'query_archived_blocks', 'token_symbol']),
    wait: 'unbounded',
  },
  {
    module: 'ic_cdk_bitcoin_canister',
    names: new Set([
      'bitcoin_get_utxos',
      'bitcoin_get_balance',
      'bitcoin_get_current_fee_percentiles',
      'bitcoin_get_block_headers',
      'bitcoin_send_transaction',
      'get_blockchain_info',
    ]),
    wait: 'unknown',
  },
  // Legacy dfn_core (NNS canisters): `call`, `call_bytes`, `call_with_cleanup`, `call_with_funds`, ….
  { module: 'dfn_core', names: (n) => n === 'call' || n.startsWith('call_'), wait: 'unbounded' },
  { module: 'dfn_core::api', names: (n) => n === 'call' || n.startsWith('call_'), wait: 'unbounded' },
];

/** `icrc-ledger-client`'s `ICRC1Client<R: Runtime>`: every async method is one call to the ledger. */
const CLIENT_TYPES: {
  crates: string[];
  type: string;
  methods: ReadonlySet<string> | ((name: string) => boolean);
}[] = [
  {
    crates: ['icrc_ledger_client', 'icrc_ledger_client_cdk'],
    type: 'ICRC1Client',
    methods: new Set([
      'balance_of',
      'decimals',
      'name',
      'metadata',
      'symbol',
      'total_supply',
      'fee',
      'minting_account',
      'transfer',
      'approve',
      'transfer_from',
      'allowance',
    ]),
  },
  {
    // bitfinity-evm-sdk `icrc-client`: `IcrcCanisterClient<C: CanisterClient>`, one call per ICRC method.
    crates: ['icrc_client'],
    type: 'IcrcCanisterClient',
    methods: (n) => /^icrc[123]_\w+$/.test(n),
  },
  {
    // bitfinity `evm-canister-client` / `ic-canister-client`: the in-canister client of `CanisterClient`.
    crates: ['evm_canister_client', 'ic_canister_client'],
    type: 'IcCanisterClient',
    methods: new Set(['update', 'query']),
  },
];

/**
 * Macros that expand to an inter-canister call whose future the code awaits: bitfinity's canister-sdk
 * `ic_canister::virtual_canister_call!(principal, "method", (args,), Ret)` is `ic_cdk::api::call::call` in
 * canister builds.
 */
const CLIENT_MACROS: { module: string; names: ReadonlySet<string>; wait: CallInfo['wait'] }[] = [
  { module: 'ic_canister', names: new Set(['virtual_canister_call']), wait: 'unbounded' },
];

/** The call API a canonical macro path (`ic_canister::virtual_canister_call`) names, if any. */
export function clientCrateMacro(path: string): { api: string; wait: CallInfo['wait'] } | undefined {
  const cut = path.lastIndexOf('::');
  if (cut < 0) return undefined;
  const module = path.slice(0, cut);
  const name = path.slice(cut + 2);
  const found = CLIENT_MACROS.find((c) => c.module === module && c.names.has(name));
  return found ? { api: `${path}!`, wait: found.wait } : undefined;
}

/** The call API a canonical free-function path names in a client crate, if any. */
export function clientCrateFn(path: string): { api: string; wait: CallInfo['wait'] } | undefined {
  const cut = path.lastIndexOf('::');
  if (cut < 0) return undefined;
  const module = path.slice(0, cut);
  const name = path.slice(cut + 2);
  for (const c of CLIENT_FNS) {
    if (c.module !== module) continue;
    const known = typeof c.names === 'function' ? c.names(name) : c.names.has(name);
    if (known) return { api: path, wait: c.wait };
  }
  return undefined;
}

/**
 * The call API a method of a client type is (`typePath`: the receiver's type as the file names it, expanded
 * through `use`; a bare name when the `use` could not be seen).
 */
export function clientTypeMethod(typePath: string, method: string): string | undefined {
  const segs = typePath.split('::');
  const type = segs[segs.length - 1];
  for (const c of CLIENT_TYPES) {
    const known = typeof c.methods === 'function' ? c.methods(method) : c.methods.has(method);
    if (c.type !== type || !known) continue;
    // Through a `use` of the crate, or of this crate's own re-export of it (`use crate::ICRC1Client`).
    const local = segs.length === 1 || ['crate', 'self', 'super'].includes(segs[0]);
    if (local || c.crates.includes(segs[0])) return `${c.crates[0]}::${type}::${method}`;
  }
  return undefined;
}
