/** Command-line parsing for `commit-points`; errors are usage errors (exit 2) with a clear message. */
import type { Severity } from '../rules/types';

export type Format = 'text' | 'json' | 'sarif';

export interface CheckArgs {
  command: 'check';
  paths: string[];
  format: Format;
  minSeverity: Severity;
  maxFileSize?: number;
  extraCallFunctions: string[];
  color: boolean;
}

export type Args = CheckArgs | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {}

export const usage = `Usage:
  commit-points check [PATH…] [--format text|json|sarif] [--min-severity info|warning|error]
                      [--max-file-size BYTES] [--call PATH]… [--no-color]

Analyses Motoko (.mo) and Rust (.rs) canister sources for commit points (awaits that end a message) and the
reentrancy bugs around them. PATH may be files or folders (searched recursively, skipping target/,
node_modules/, .git/ and what .gitignore ignores); the default is the current folder.

  --format          text (default, rustc-like), json (the documented contract), sarif (2.1.0)
  --min-severity    report findings at or above this severity (default: warning)
  --max-file-size   skip larger files (default: 2097152 bytes)
  --call            a Rust function path whose future performs an inter-canister call (repeatable)

Exit codes: 0 no finding at or above --min-severity, 1 findings, 2 usage or input error.`;

const SEVERITIES: Severity[] = ['info', 'warning', 'error'];
const FORMATS: Format[] = ['text', 'json', 'sarif'];

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return { command: 'help' };
  if (command === '--version' || command === '-V') return { command: 'version' };
  if (command !== 'check') throw new UsageError(`unknown command \`${command}\` (expected \`check\`)`);
  const args: CheckArgs = {
    command: 'check',
    paths: [],
    format: 'text',
    minSeverity: 'warning',
    extraCallFunctions: [],
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--')))
        throw new UsageError(`${flag} needs a value`);
      return v;
    };
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
      case '--call':
        args.extraCallFunctions.push(value());
        break;
      case '--no-color':
        args.color = false;
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
  return args;
}
