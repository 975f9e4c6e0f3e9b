/** `commit-points`: the command line. Usage errors and unreadable inputs exit 2 with nothing partial written. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { severityRank } from '../rules/registry';
import { collectSources } from '../workspace/collect';
import { analyzePaths } from '../workspace/analyze';
import { parseArgs, usage, UsageError, type CheckArgs } from './args';
import { packageRoot } from './docs';
import { jsonReport } from './report-json';
import { sarifReport } from './report-sarif';
import { textReport } from './report-text';
import { simulateCommand } from './simulate';

function version(): string {
  const root = packageRoot();
  try {
    return root
      ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
      : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function check(args: CheckArgs): Promise<number> {
  const { files: paths, missing } = collectSources(args.paths);
  if (missing.length) {
    throw new UsageError(
      missing.map((m) => `\`${m}\` is not a .mo or .rs file or a folder that exists`).join('\n'),
    );
  }
  if (!paths.length) throw new UsageError(`no .mo or .rs files found under ${args.paths.join(', ')}`);
  const internal: string[] = [];
  const result = await analyzePaths(paths, {
    ...(args.maxFileSize !== undefined ? { maxFileSize: args.maxFileSize } : {}),
    extraCallFunctions: args.extraCallFunctions,
    onInternalError: (where, err) => internal.push(`internal error in ${where}: ${String(err)}`),
  });
  for (const msg of internal) process.stderr.write(`commit-points: ${msg}\n`);
  const analysed = result.files.filter((f) => !f.skipped);
  if (!analysed.length) {
    for (const f of result.files) process.stderr.write(`commit-points: skipped ${f.file}: ${f.skipped}\n`);
    process.stderr.write('commit-points: nothing could be analysed\n');
    return 2;
  }
  const threshold = severityRank[args.minSeverity];
  const findings = result.findings.filter((f) => severityRank[f.severity] >= threshold);
  let output: string;
  if (args.format === 'json')
    output = JSON.stringify(jsonReport(result.files, result.analysis, findings), null, 2) + '\n';
  else if (args.format === 'sarif')
    output = JSON.stringify(sarifReport(result.files, findings, version()), null, 2) + '\n';
  else {
    const cache = new Map<string, string[]>();
    output = textReport(result.files, findings, {
      color: args.color,
      lineOf: (file, line) => {
        let lines = cache.get(file);
        if (!lines) {
          try {
            lines = readFileSync(file, 'utf8').split(/\r?\n/);
          } catch {
            lines = [];
          }
          cache.set(file, lines);
        }
        return lines[line - 1];
      },
    });
  }
  process.stdout.write(output);
  return findings.length ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      process.stdout.write(usage + '\n');
      return 0;
    }
    if (args.command === 'version') {
      process.stdout.write(version() + '\n');
      return 0;
    }
    if (args.command === 'simulate') return await simulateCommand(args);
    return await check(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`commit-points: ${err.message}\n\n${usage}\n`);
      return 2;
    }
    process.stderr.write(
      `commit-points: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
