/** `commit-points`: the command line. Usage errors and unreadable inputs exit 2 with nothing partial written. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { BaselineError, newFindings, readBaseline, writeBaseline } from '../config/baseline';
import { findConfigFile, folderOf } from '../config/find-config';
import { ConfigError, defaultConfig, loadProjectConfig, type ProjectConfig } from '../config/project-config';
import type { Finding } from '../rules/types';
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

/** The project file for this run: `--config`, else the nearest one above the folder all PATHs share. */
function projectConfig(args: CheckArgs): ProjectConfig {
  if (args.config !== undefined && args.config !== false) {
    if (!existsSync(args.config)) throw new UsageError(`--config: \`${args.config}\` does not exist`);
    return loadProjectConfig(args.config);
  }
  const start = commonFolder(args.paths.map(folderOf));
  const file = args.config === false ? undefined : findConfigFile(start);
  // Without a project file the inline suppressions still apply.
  return file ? loadProjectConfig(file) : defaultConfig(start);
}

function commonFolder(folders: string[]): string {
  return folders.reduce((common, f) => {
    while (common !== dirname(common) && relative(common, f).startsWith('..')) common = dirname(common);
    return common;
  });
}

async function check(args: CheckArgs): Promise<number> {
  if (args.sarifRoot !== undefined && !(existsSync(args.sarifRoot) && statSync(args.sarifRoot).isDirectory()))
    throw new UsageError(`--sarif-root: \`${args.sarifRoot}\` is not a folder that exists`);
  const config = projectConfig(args);
  // Read the baseline before analysing, so that a bad one fails fast with nothing written.
  const baseline = args.baseline !== undefined ? readBaseline(args.baseline) : undefined;
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
    ...(args.memoryBudgetMB !== undefined ? { memoryBudgetMB: args.memoryBudgetMB } : {}),
    extraCallFunctions: args.extraCallFunctions,
    onInternalError: (where, err) => internal.push(`internal error in ${where}: ${String(err)}`),
    config,
    jobs: args.jobs ?? availableParallelism(),
  });
  for (const msg of internal) process.stderr.write(`commit-points: ${msg}\n`);
  const analysed = result.files.filter((f) => !f.skipped);
  if (!analysed.length) {
    for (const f of result.files) process.stderr.write(`commit-points: skipped ${f.file}: ${f.skipped}\n`);
    process.stderr.write('commit-points: nothing could be analysed\n');
    return 2;
  }
  const cache = new Map<string, string[]>();
  const lineOf = (file: string, line: number) => {
    let lines = cache.get(file);
    if (!lines) {
      try {
        lines = readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
      } catch {
        lines = [];
      }
      cache.set(file, lines);
    }
    return lines[line - 1];
  };
  const lineText = (f: Finding) => lineOf(f.file, f.range.start.line + 1);
  if (args.writeBaseline !== undefined) {
    const n = writeBaseline(args.writeBaseline, result.findings, lineText);
    process.stderr.write(
      `commit-points: recorded ${n} finding${n === 1 ? '' : 's'} in ${args.writeBaseline}\n`,
    );
    return 0;
  }
  const current = baseline
    ? newFindings(result.findings, args.baseline!, baseline, lineText)
    : result.findings;
  const threshold = severityRank[args.minSeverity];
  const findings = current.filter((f) => severityRank[f.severity] >= threshold);
  let output: string;
  if (args.format === 'json')
    output = JSON.stringify(jsonReport(result.files, result.analysis, findings), null, 2) + '\n';
  else if (args.format === 'sarif') {
    const root = resolve(args.sarifRoot ?? process.cwd());
    output =
      JSON.stringify(sarifReport(result.files, findings, version(), { root, lineText }), null, 2) + '\n';
  } else output = textReport(result.files, findings, { color: args.color, lineOf });
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
    if (err instanceof ConfigError || err instanceof BaselineError) {
      process.stderr.write(
        `${err.message
          .split('\n')
          .map((l) => `commit-points: ${l}`)
          .join('\n')}\n`,
      );
      return 2;
    }
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
