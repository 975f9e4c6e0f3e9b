/** SARIF 2.1.0 for GitHub code scanning: rule metadata, locations, related locations. Columns are UTF-16. */
import { pathToFileURL } from 'node:url';
import { isAbsolute, sep } from 'node:path';
import type { FileModel, Range } from '../model/ir';
import { rules } from '../rules/registry';
import type { Finding, Severity } from '../rules/types';
import { docUrl } from '../rules/types';
import { docMarkdown } from './docs';

const level: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function region(r: Range) {
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  };
}

export function sarifReport(files: FileModel[], findings: Finding[], version: string): object {
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'commit-points',
            version,
            informationUri: 'https://github.com/canister-commit-points/canister-commit-points',
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.meta.title },
              fullDescription: { text: r.meta.description },
              help: {
                text: `${r.meta.description} Fix: ${r.meta.fix}`,
                markdown: docMarkdown(r.meta.id) ?? r.meta.fix,
              },
              helpUri: docUrl(r.meta.id),
              defaultConfiguration: { level: level[r.meta.severity] },
              properties: {
                tags: ['reentrancy', 'internet-computer', ...r.meta.languages],
                precision: 'medium',
              },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(process.cwd() + sep).href } },
        artifacts: files.map((f) => ({ location: artifact(f.file) })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...files
                .filter((f) => f.skipped)
                .map((f) => ({
                  level: 'warning',
                  message: { text: `skipped: ${f.skipped}` },
                  locations: [{ physicalLocation: { artifactLocation: artifact(f.file) } }],
                })),
              ...files.flatMap((f) =>
                (f.notices ?? []).map((n) => ({
                  level: 'warning',
                  message: { text: `partly analysed: ${n.message}` },
                  locations: [
                    { physicalLocation: { artifactLocation: artifact(f.file), region: region(n.range) } },
                  ],
                })),
              ),
            ],
          },
        ],
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule) ?? 0,
          level: level[f.severity],
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: artifact(f.file), region: region(f.range) } }],
          relatedLocations: f.related.map((r, i) => ({
            id: i + 1,
            message: { text: r.message },
            physicalLocation: { artifactLocation: artifact(r.file), region: region(r.range) },
          })),
          partialFingerprints: {
            commitPointsFinding: `${f.rule}:${f.entryPoint}:${f.state.join(',')}:${f.file}`,
          },
          properties: { entryPoint: f.entryPoint, state: f.state },
        })),
      },
    ],
  };
}
