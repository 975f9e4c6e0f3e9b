/**
 * SARIF 2.1.0 for GitHub code scanning: rule metadata with markdown help, locations relative to `%SRCROOT%`,
 * and fingerprints that survive edits elsewhere in the file. Columns are UTF-16.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fingerprints } from '../config/fingerprints';
import { findingDocUrl, SUPPRESSION_RULES } from '../config/suppression-rules';
import type { FileModel, Range } from '../model/ir';
import { rules } from '../rules/registry';
import type { Finding, RuleMeta, Severity } from '../rules/types';
import { docMarkdown } from './docs';

export interface SarifOptions {
  /** The folder `%SRCROOT%` stands for; artifact URIs are relative to it. */
  root: string;
  /** The text of a finding's first line, for its fingerprint. */
  lineText: (f: Finding) => string | undefined;
}

const level: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** A URI relative to `%SRCROOT%`; a file outside the root keeps its absolute `file:` URI (nothing else locates it). */
function artifact(file: string, root: string): { uri: string; uriBaseId?: string } {
  const rel = relative(root, resolve(file));
  if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(resolve(file)).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function region(r: Range) {
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  };
}

/** The rule's page with its relative links made absolute, since code scanning shows it away from the docs. */
function helpMarkdown(meta: RuleMeta): string {
  const url = findingDocUrl(meta.id);
  const page = SUPPRESSION_RULES.includes(meta) ? undefined : docMarkdown(meta.id);
  if (!page) return `${meta.description}\n\n**Fix:** ${meta.fix}\n\n[Documentation](${url})`;
  return page.replace(
    /\]\((?!https?:|mailto:|#)([^)\s]+)\)/g,
    (_m, target: string) => `](${new URL(target, url).href})`,
  );
}

export function sarifReport(
  files: FileModel[],
  findings: Finding[],
  version: string,
  options: SarifOptions,
): object {
  const metas: RuleMeta[] = [...rules.map((r) => r.meta), ...SUPPRESSION_RULES];
  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));
  const where = (file: string) => artifact(file, options.root);
  const ids = fingerprints(findings, (f) => ({
    relPath: relative(options.root, resolve(f.file)).split(sep).join('/'),
    lineText: options.lineText(f),
  }));
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
            rules: metas.map((m) => ({
              id: m.id,
              name: m.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: m.title },
              fullDescription: { text: m.description },
              help: { text: `${m.description} Fix: ${m.fix}`, markdown: helpMarkdown(m) },
              helpUri: findingDocUrl(m.id),
              defaultConfiguration: { level: level[m.severity] },
              properties: {
                tags: ['reentrancy', 'internet-computer', ...m.languages],
                precision: 'medium',
              },
            })),
          },
        },
        // Code scanning groups runs by this id; one analysis per repository unless the upload sets a category.
        automationDetails: { id: 'commit-points/' },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(options.root + sep).href } },
        artifacts: files.map((f) => ({ location: where(f.file) })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...files
                .filter((f) => f.skipped)
                .map((f) => ({
                  level: 'warning',
                  message: { text: `skipped: ${f.skipped}` },
                  locations: [{ physicalLocation: { artifactLocation: where(f.file) } }],
                })),
              ...files.flatMap((f) =>
                (f.notices ?? []).map((n) => ({
                  level: 'warning',
                  message: { text: `partly analysed: ${n.message}` },
                  locations: [
                    { physicalLocation: { artifactLocation: where(f.file), region: region(n.range) } },
                  ],
                })),
              ),
            ],
          },
        ],
        results: findings.map((f, i) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule) ?? -1,
          level: level[f.severity],
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: where(f.file), region: region(f.range) } }],
          relatedLocations: f.related.map((r, j) => ({
            id: j + 1,
            message: { text: r.message },
            physicalLocation: { artifactLocation: where(r.file), region: region(r.range) },
          })),
          partialFingerprints: { 'commitPointsFinding/v1': ids[i] },
          properties: { entryPoint: f.entryPoint, state: f.state },
        })),
      },
    ],
  };
}
