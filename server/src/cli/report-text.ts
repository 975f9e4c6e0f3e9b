/** Human output in the style of rustc: severity[rule]: message, the location, the source line, notes, help. */
import type { FileModel } from '../model/ir';
import { ruleById } from '../rules/registry';
import type { Finding, Severity } from '../rules/types';
import { findingDocUrl, SUPPRESSION_RULES } from '../config/suppression-rules';
import { localDocPath } from './docs';

export interface TextOptions {
  color: boolean;
  lineOf: (file: string, line: number) => string | undefined;
}

const colors: Record<Severity | 'note' | 'bold' | 'blue', string> = {
  error: '\x1b[1;31m',
  warning: '\x1b[1;33m',
  info: '\x1b[1;36m',
  note: '\x1b[1;32m',
  bold: '\x1b[1m',
  blue: '\x1b[1;34m',
};

export function textReport(files: FileModel[], findings: Finding[], opts: TextOptions): string {
  const paint = (kind: keyof typeof colors, s: string) => (opts.color ? `${colors[kind]}${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const f of files) {
    if (f.skipped)
      out.push(`${paint('warning', 'warning')}${paint('bold', `: skipped ${f.file}: ${f.skipped}`)}`, '');
    for (const n of f.notices ?? []) {
      out.push(
        `${paint('warning', 'warning')}${paint('bold', `: partly analysed: ${n.message}`)}`,
        `  ${paint('blue', '-->')} ${f.file}:${n.range.start.line + 1}:${n.range.start.character + 1}`,
        '',
      );
    }
    for (const e of f.parseErrors.slice(0, 5)) {
      out.push(
        `${paint('note', 'note')}${paint('bold', `: syntax error (the rest of the file is still analysed): ${e.message}`)}`,
        `  ${paint('blue', '-->')} ${f.file}:${e.range.start.line + 1}:${e.range.start.character + 1}`,
        '',
      );
    }
  }
  for (const fd of findings) {
    const line = fd.range.start.line + 1;
    const col = fd.range.start.character + 1;
    const gutter = ' '.repeat(String(line).length);
    out.push(`${paint(fd.severity, `${fd.severity}[${fd.rule}]`)}${paint('bold', `: ${fd.message}`)}`);
    out.push(`${gutter}${paint('blue', '-->')} ${fd.file}:${line}:${col}`);
    const src = opts.lineOf(fd.file, line);
    if (src !== undefined) {
      const width =
        fd.range.end.line === fd.range.start.line
          ? Math.max(1, fd.range.end.character - fd.range.start.character)
          : Math.max(1, src.length - fd.range.start.character);
      out.push(`${gutter} ${paint('blue', '|')}`);
      out.push(`${paint('blue', `${line} |`)} ${src}`);
      out.push(
        `${gutter} ${paint('blue', '|')} ${' '.repeat(fd.range.start.character)}${paint(fd.severity, '^'.repeat(width))}`,
      );
    }
    for (const r of fd.related) {
      out.push(
        `${gutter} ${paint('blue', '=')} ${paint('bold', 'note')}: ${r.message} (${r.file}:${r.range.start.line + 1}:${r.range.start.character + 1})`,
      );
    }
    const meta = ruleById(fd.rule)?.meta ?? SUPPRESSION_RULES.find((r) => r.id === fd.rule);
    if (meta) out.push(`${gutter} ${paint('blue', '=')} ${paint('bold', 'help')}: ${meta.fix}`);
    out.push(
      `${gutter} ${paint('blue', '=')} ${paint('bold', 'docs')}: ${localDocPath(fd.rule) ?? findingDocUrl(fd.rule)}`,
    );
    out.push('');
  }
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const analysed = files.filter((f) => !f.skipped).length;
  const skipped = files.length - analysed;
  const parts = (['error', 'warning', 'info'] as const)
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : s === 'info' ? 's' : 's'}`);
  out.push(
    `${paint('bold', parts.length ? parts.join(', ') : 'no findings')} in ${analysed} file${analysed === 1 ? '' : 's'}${skipped ? ` (${skipped} skipped)` : ''}`,
  );
  return out.join('\n') + '\n';
}
