/** Command-line parsing for `commit-points`; errors are usage errors (exit 2) with a clear message. */
import type { Severity } from '../rules/types';
import { POLICIES, type Policy } from '../schedule/types';

export type Format = 'text' | 'json' | 'sarif';

export interface CheckArgs {
  command: 'check';
  paths: string[];
  format: Format;
  minSeverity: Severity;
  maxFileSize?: number;
  /** Heap in MB past which exposure is skipped for the remaining entry points (default: automatic). */
  memoryBudgetMB?: number;
  extraCallFunctions: string[];
  color: boolean;
  /** The project file to use instead of the nearest `commit-points.toml`; `false` for none (`--no-config`). */
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
  /** SARIF artifact URIs are relative to this folder (`%SRCROOT%`); default the working directory. */
  sarifRoot?: string;
  /** Threads for independent parts (Cargo workspaces, Motoko projects); default: the cores available. */
  jobs?: number;
}

export interface SimulateArgs {
  command: 'simulate';
  file: string;
  entries: { name: string; count: number }[];
  policy: Policy;
  format: 'json' | 'html';
  out?: string;
}

export type Args = CheckArgs | SimulateArgs | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {}

export const usage = `Usage:
  commit-points check [PATH…] [--format text|json|sarif] [--min-severity info|warning|error]
                      [--max-file-size BYTES] [--memory-budget MB] [--call PATH]… [--no-color]
                      [--config FILE | --no-config] [--baseline FILE | --write-baseline FILE]
                      [--sarif-root DIR] [--jobs N]

Analyses Motoko (.mo) and Rust (.rs) canister sources for commit points (awaits that end a message) and the
reentrancy bugs around them. PATH may be files or folders (searched recursively, skipping target/,
node_modules/, .git/ and what .gitignore ignores); the default is the current folder.

  --format          text (default, rustc-like), json (the documented contract), sarif (2.1.0)
  --min-severity    report findings at or above this severity (default: warning)
  --max-file-size   skip larger files (default: 2097152 bytes)
  --memory-budget   heap in MB past which the exposure (interleavers) of the remaining entry points is not
                    computed, with a notice, instead of running out of memory (default: 3/4 of the heap limit)
  --call            a Rust function path whose future performs an inter-canister call (repeatable)
  --config          the project file to use (default: the nearest commit-points.toml above PATH)
  --no-config       use no project file
  --baseline        report only findings that the baseline FILE does not record
  --write-baseline  record every current finding in FILE (then exit 0) instead of reporting
  --sarif-root      SARIF artifact URIs are relative to DIR (%SRCROOT%; default: the current folder)
  --jobs            analyse independent parts (Cargo workspaces, Motoko projects) on up to N threads
                    (default: the cores available; 1: all in one thread). The result is the same.

Exit codes: 0 no finding at or above --min-severity, 1 findings, 2 usage or input error.

  commit-points simulate FILE --entry NAME[:COUNT][,NAME[:COUNT]…] [--policy ic|fifo|adversarial]
                         [--format json|html] [--out FILE]

Runs a scenario on the canister of FILE: COUNT (default 1) messages to each entry point, arriving in the
order listed, scheduled by --policy (default ic: the IC's order; fifo: the Motoko interpreter's order;
adversarial: searches an interleaving that makes a finding's conflict happen). Prints the schedule as JSON
or as a standalone HTML page (--format html), to --out FILE when given. Exit codes: 0 done, 2 usage or input
error.`;

const SEVERITIES: Severity[] = ['info', 'warning', 'error'];
const FORMATS: Format[] = ['text', 'json', 'sarif'];

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return { command: 'help' };
  if (command === '--version' || command === '-V') return { command: 'version' };
  if (command === 'simulate') return parseSimulateArgs(rest);
  if (command !== 'check')
    throw new UsageError(`unknown command \`${command}\` (expected \`check\` or \`simulate\`)`);
  const args: CheckArgs = {
    command: 'check',
    paths: [],
    format: 'text',
    minSeverity: 'warning',
    extraCallFunctions: [],
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
  for (const { arg, flag, value } of options(rest)) {
    switch (flag) {
      case '--format': {
        const v = value();
        if (!FORMATS.includes(v as Format))
          throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not \`${v}\``);
        args.format = v as Format;
        break;
      }
      case '--min-severity': {
        const v = value();
        if (!SEVERITIES.includes(v as Severity)) {
          throw new UsageError(`--min-severity must be one of ${SEVERITIES.join(', ')}, not \`${v}\``);
        }
        args.minSeverity = v as Severity;
        break;
      }
      case '--max-file-size': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0)
          throw new UsageError(`--max-file-size must be a positive number of bytes, not \`${v}\``);
        args.maxFileSize = n;
        break;
      }
      case '--memory-budget': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0)
          throw new UsageError(`--memory-budget must be a positive number of MB, not \`${v}\``);
        args.memoryBudgetMB = n;
        break;
      }
      case '--jobs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0)
          throw new UsageError(`--jobs must be a positive number of threads, not \`${v}\``);
        args.jobs = n;
        break;
      }
      case '--call':
        args.extraCallFunctions.push(value());
        break;
      case '--no-color':
        args.color = false;
        break;
      case '--config':
        args.config = value();
        break;
      case '--no-config':
        args.config = false;
        break;
      case '--baseline':
        args.baseline = value();
        break;
      case '--write-baseline':
        args.writeBaseline = value();
        break;
      case '--sarif-root':
        args.sarifRoot = value();
        break;
      case '--help':
      case '-h':
        return { command: 'help' };
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option \`${arg}\``);
        args.paths.push(arg);
    }
  }
  if (!args.paths.length) args.paths.push('.');
  if (args.baseline !== undefined && args.writeBaseline !== undefined)
    throw new UsageError('--baseline and --write-baseline cannot be used together');
  return args;
}

/** Most messages per entry point in a scenario. */
export const MAX_COUNT = 1000;

/** `withdraw:5,lockFunds` → withdraw ×5, lockFunds ×1, in that order. */
export function parseEntrySpec(spec: string): { name: string; count: number }[] {
  return spec.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(\S*)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--entry: \`${part}\` is not NAME or NAME:COUNT`);
    if (m[2] === undefined) return { name: m[1], count: 1 };
    const count = Number(m[2]);
    if (!/^[0-9]+$/.test(m[2]) || !Number.isInteger(count) || count < 1 || count > MAX_COUNT)
      throw new UsageError(
        `--entry: the count of \`${m[1]}\` must be a whole number from 1 to ${MAX_COUNT}, not \`${m[2]}\``,
      );
    return { name: m[1], count };
  });
}

function parseSimulateArgs(rest: string[]): Args {
  const files: string[] = [];
  let entries: { name: string; count: number }[] | undefined;
  let policy: Policy = 'ic';
  let format: SimulateArgs['format'] = 'json';
  let out: string | undefined;
  for (const { arg, flag, value } of options(rest)) {
    switch (flag) {
      case '--entry':
        entries = [...(entries ?? []), ...parseEntrySpec(value())];
        break;
      case '--policy': {
        const v = value();
        if (!POLICIES.includes(v as Policy))
          throw new UsageError(`--policy must be one of ${POLICIES.join(', ')}, not \`${v}\``);
        policy = v as Policy;
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'json' && v !== 'html') throw new UsageError(`--format must be json or html, not \`${v}\``);
        format = v;
        break;
      }
      case '--out':
        out = value();
        break;
      case '--help':
      case '-h':
        return { command: 'help' };
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option \`${arg}\``);
        files.push(arg);
    }
  }
  if (files.length !== 1)
    throw new UsageError(
      `simulate takes exactly one FILE (.mo or .rs), got ${files.length ? files.join(', ') : 'none'}`,
    );
  if (!entries) throw new UsageError('simulate needs --entry NAME[:COUNT][,NAME[:COUNT]…]');
  return {
    command: 'simulate',
    file: files[0],
    entries,
    policy,
    format,
    ...(out !== undefined ? { out } : {}),
  };
}

/** Walks `--flag value`, `--flag=value` and plain arguments; `value()` consumes the flag's value. */
function* options(rest: string[]): Generator<{ arg: string; flag: string; value: () => string }> {
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    yield {
      arg,
      flag,
      value: () => {
        const v = inline ?? rest[++i];
        if (v === undefined || (inline === undefined && v.startsWith('--')))
          throw new UsageError(`${flag} needs a value`);
        return v;
      },
    };
  }
}
