/**
 * Which crates of a workspace are canister code (issue 7 item 11): admin tools, scripts and test harnesses get
 * no commit-point annotations, since none of their awaits is an inter-canister call of a canister.
 *
 * A crate is canister code when it depends on ic-cdk (or a crate that only exists inside canisters, such as
 * ic-cdk-timers or a known facade), directly or through the path dependencies of the workspace, and does not
 * itself depend on a host-only crate (an agent, a test replica, a CLI parser, a multi-threaded runtime): such a
 * crate is a tool that uses the canister crates for their types. Depending on `candid` alone does not make
 * canister code: agents and tools use it as much as canisters do. A crate without a readable `Cargo.toml` is
 * taken as canister code (nothing says otherwise), and so is one whose code names `ic_cdk` (see `namesCdk`).
 */
import type { CargoDependency } from './cargo-manifest';

/** Packages whose code only runs inside a canister. */
const CANISTER_PACKAGES = new Set([
  'ic-cdk',
  'ic-cdk-macros',
  'ic-cdk-timers',
  'ic-cdk-executor',
  'ic-cdk-management-canister',
  'ic-cdk-bitcoin-canister',
  'ic0',
  'dfn_core',
  // Facades and runtimes that wrap ic-cdk: bitfinity's canister SDK, DFINITY's canister runtime abstraction.
  'ic-exports',
  'ic-canister',
  'ic-canister-runtime',
  'icrc-ledger-client-cdk',
]);

/** Packages that cannot run in a canister: whoever depends on them (outside a target table) is a host tool. */
const HOST_PACKAGES = new Set(['ic-agent', 'pocket-ic', 'clap', 'reqwest', 'ic-utils']);

/** Tokio features that need threads, sockets or the file system: a host runtime, not a canister's. */
const HOST_TOKIO_FEATURES = new Set(['full', 'rt-multi-thread', 'net', 'fs', 'process', 'signal', 'io-std']);

/** What one dependency (after `workspace = true` is applied) says about the crate that declares it. */
export function dependencyMarks(dep: CargoDependency): { canister?: true; host?: string } {
  const pkg = dep.package ?? dep.key;
  if (CANISTER_PACKAGES.has(pkg)) return { canister: true };
  // A `[target.'cfg(…)'.dependencies]` entry may be for tests on the host only: it says nothing.
  if (dep.targetOnly) return {};
  if (HOST_PACKAGES.has(pkg)) return { host: pkg };
  if (pkg === 'tokio' && dep.features?.some((f) => HOST_TOKIO_FEATURES.has(f))) return { host: 'tokio' };
  return {};
}

/** The facts `isCanisterCode` needs about one crate. */
export interface CrateMarks {
  /** Its `Cargo.toml` was read. */
  manifest: boolean;
  /** It depends on a canister-only package itself. */
  cdk: boolean;
  /** The host-only package it depends on, if any. */
  host?: string;
  /** Folders of its path dependencies. */
  deps: Iterable<string>;
}

/**
 * Why each crate (by folder) is not canister code; crates that are canister code are absent. `crates` holds
 * every crate reachable by path, so the walk through the path dependencies sees them all.
 */
export function notCanisterCode(
  crates: Map<string, CrateMarks & { name?: string }>,
): Map<string, NotCanisterCode> {
  const reaches = new Map<string, boolean>();
  const reachesCdk = (dir: string, seen: Set<string>): boolean => {
    const known = reaches.get(dir);
    if (known !== undefined) return known;
    const c = crates.get(dir);
    if (!c || seen.has(dir)) return false;
    seen.add(dir);
    const yes = c.cdk || [...c.deps].some((d) => reachesCdk(d, seen));
    reaches.set(dir, yes);
    return yes;
  };
  const out = new Map<string, NotCanisterCode>();
  for (const [dir, c] of crates) {
    if (!c.manifest) continue;
    const name = c.name ? `crate \`${c.name}\`` : 'this crate';
    if (c.host)
      out.set(dir, {
        host: true,
        reason: `not canister code: ${name} depends on \`${c.host}\`, which runs on a host only`,
      });
    else if (!reachesCdk(dir, new Set()))
      out.set(dir, {
        host: false,
        reason: `not canister code: ${name} does not depend on ic-cdk, directly or through the workspace`,
      });
  }
  return out;
}

export interface NotCanisterCode {
  reason: string;
  /** It depends on a host-only crate (else: it reaches no canister-only crate). */
  host: boolean;
}

/**
 * A crate whose manifest reaches no canister-only crate but whose code names `ic_cdk` still is canister code:
 * it gets ic-cdk through a facade the tables do not know, or its manifest is incomplete.
 */
export function namesCdk(texts: Iterable<string>): boolean {
  for (const t of texts) if (/\bic_cdk\b/.test(t)) return true;
  return false;
}
