/**
 * `commit-points simulate`: analyses the canister of one file, runs a scenario on it and prints the schedule as
 * JSON or as a standalone HTML page. Usage and input errors throw `UsageError` (exit 2, nothing written).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { simulate, SimulationError, entryNames } from '../schedule/simulate';
import type { Simulation } from '../schedule/types';
import { analyzePaths, languageOf } from '../workspace/analyze';
import { rustCrateOf } from '../workspace/canisters';
import { collectSources } from '../workspace/collect';
import { UsageError, type SimulateArgs } from './args';

/** The sources analysed with FILE: a Motoko file alone (its imports are followed), a Rust file's whole crate. */
function sourcesFor(file: string): string[] {
  if (languageOf(file) !== 'rust') return [file];
  const crate = rustCrateOf(file);
  const cache = new Map<string, string>();
  const others = collectSources([crate]).files.filter(
    (f) => f.endsWith('.rs') && rustCrateOf(f, cache) === crate && resolve(f) !== resolve(file),
  );
  return [file, ...others];
}

export async function runSimulation(args: SimulateArgs): Promise<Simulation> {
  const { file } = args;
  if (!languageOf(file)) throw new UsageError(`\`${file}\` is not a .mo or .rs file`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`\`${file}\` does not exist`);
  const internal: string[] = [];
  const result = await analyzePaths(sourcesFor(file), {
    onInternalError: (where, err) => internal.push(`internal error in ${where}: ${String(err)}`),
  });
  for (const msg of internal) process.stderr.write(`commit-points: ${msg}\n`);
  const model = result.files.find((f) => resolve(f.file) === resolve(file));
  if (!model || model.skipped)
    throw new UsageError(`cannot analyse \`${file}\`: ${model?.skipped ?? 'not found'}`);
  if (model.parseErrors.length) {
    process.stderr.write(
      `commit-points: ${file}: ${model.parseErrors.length} parse error(s); the simulation uses what could be parsed\n`,
    );
  }
  const entries = result.analysis.entryPoints.filter((e) => e.canister === model.canister);
  const available = entryNames(entries);
  for (const { name } of args.entries) {
    if (!available.includes(name)) {
      throw new UsageError(
        `\`${file}\` has no entry point \`${name}\` (available: ${available.join(', ') || 'none'})`,
      );
    }
  }
  try {
    return simulate(entries, result.findings, args.entries, args.policy);
  } catch (err) {
    if (err instanceof SimulationError) throw new UsageError(err.message);
    throw err;
  }
}

/** JSON for a `<script type="application/json">` element: nothing in it can close the element. */
function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The prebuilt browser bundle of the schedule renderer (dist/schedule-page.js, next to dist/cli.js). */
function pageScript(): string {
  const path = join(__dirname, 'schedule-page.js');
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`the HTML renderer \`${path}\` is missing (run \`npm run build\`)`);
  }
}

export function htmlPage(sim: Simulation, file: string): string {
  const title = `Commit points: ${basename(file)}, policy ${sim.policy}`;
  const script = pageScript().replace(/<\/script/gi, '<\\/script');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  /* The renderer takes its colours from VS Code's theme variables; outside VS Code the page defines them. */
  :root { --vscode-editor-background: #ffffff; --vscode-editor-foreground: #1f1f1f;
    --vscode-descriptionForeground: #595959; --vscode-charts-red: #c4314b; --vscode-charts-blue: #1a6fd1;
    --vscode-charts-lines: #8a8a8a; --vscode-editorWidget-border: #d4d4d4; color-scheme: light dark; }
  @media (prefers-color-scheme: dark) {
    :root { --vscode-editor-background: #1f1f1f; --vscode-editor-foreground: #d4d4d4;
      --vscode-descriptionForeground: #a8a8a8; --vscode-charts-red: #f14c4c; --vscode-charts-blue: #3794ff;
      --vscode-charts-lines: #6e6e6e; --vscode-editorWidget-border: #454545; }
  }
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; box-sizing: border-box; padding: 12px 16px;
    font: 13px system-ui, sans-serif; color: var(--tl-text); background: var(--vscode-editor-background); }
  h1 { font-size: 16px; margin: 0 0 6px; }
  #witness { max-width: 70em; margin: 0 0 6px; }
  #timeline { flex: 1 1 auto; min-height: 320px; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p id="witness"></p>
<div id="timeline"></div>
<script type="application/json" id="simulation-data">${embedJson(sim)}</script>
<script>
${script}
</script>
</body>
</html>
`;
}

export async function simulateCommand(args: SimulateArgs): Promise<number> {
  const sim = await runSimulation(args);
  const output = args.format === 'html' ? htmlPage(sim, args.file) : JSON.stringify(sim, null, 2) + '\n';
  if (args.out !== undefined) {
    try {
      writeFileSync(args.out, output);
    } catch (err) {
      throw new UsageError(
        `cannot write \`${args.out}\`: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  } else process.stdout.write(output);
  return 0;
}
