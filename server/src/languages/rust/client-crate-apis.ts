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

interface TypeMethods {
  crates: string[];
  type: string;
  methods: ReadonlySet<string> | ((name: string) => boolean);
}

/** `icrc-ledger-client`'s `ICRC1Client<R: Runtime>`: every async method is one call to the ledger. */
const CLIENT_TYPES: TypeMethods[] = [
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
  {
    // bitfinity `ethereum-json-rpc-client` (0.49): `EthJsonRpcClient<C: Client>`. Each method below sends one
    // request through `C::send_rpc_request` on every path that succeeds, and the clients a canister can use
    // call another canister (`IcCanisterClient`, an EVM RPC canister client) or make an HTTP outcall
    // (`HttpOutcallClient`). The batch methods are left out: an empty batch sends nothing.
    crates: ['ethereum_json_rpc_client'],
    type: 'EthJsonRpcClient',
    methods: new Set([
      'request',
      'single_request',
      'get_block_by_number',
      'get_full_block_by_number',
      'get_receipt_by_hash',
      'get_block_number',
      'get_chain_id',
      'get_balance',
      'gas_price',
      'max_priority_fee_per_gas',
      'get_code',
      'get_transaction_count',
      'eth_call',
      'send_raw_transaction_bytes',
      'get_transaction_by_hash',
      'send_raw_transaction',
      'get_logs',
      'get_tx_execution_result_by_hash',
      'get_genesis_balances',
      'get_evm_global_state',
      'get_blockchain_block_info',
      'get_last_certified_block',
      'send_confirm_block',
    ]),
  },
];

/**
 * Methods of library types known to make no inter-canister call (SPEC §2: "a known call-free library
 * function"), so an `.await` on them is `none`.
 */
const CALL_FREE_TYPES: TypeMethods[] = [
  {
    // ord-rs 0.3 `LocalSigner`: its `BtcTxSigner` methods derive keys from and sign with the private key it
    // holds, synchronously; the IC signer is the workspace's own impl of the trait.
    crates: ['ord_rs'],
    type: 'LocalSigner',
    methods: new Set(['ecdsa_public_key', 'sign_with_ecdsa', 'schnorr_public_key', 'sign_with_schnorr']),
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
  return typeMethodIn(CLIENT_TYPES, typePath, method);
}

/** The qualified name of a call-free library method (`ord_rs::LocalSigner::ecdsa_public_key`), if it is one. */
export function callFreeTypeMethod(typePath: string, method: string): string | undefined {
  return typeMethodIn(CALL_FREE_TYPES, typePath, method);
}

function typeMethodIn(table: TypeMethods[], typePath: string, method: string): string | undefined {
  const segs = typePath.split('::');
  const type = segs[segs.length - 1];
  for (const c of table) {
    const known = typeof c.methods === 'function' ? c.methods(method) : c.methods.has(method);
    if (c.type !== type || !known) continue;
    // Through a `use` of the crate, or of this crate's own re-export of it (`use crate::ICRC1Client`).
    const local = segs.length === 1 || ['crate', 'self', 'super'].includes(segs[0]);
    if (local || c.crates.includes(segs[0])) return `${c.crates[0]}::${type}::${method}`;
  }
  return undefined;
}
