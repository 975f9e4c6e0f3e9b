/**
 * Motoko parse results kept between analyses (the language server's), keyed by path and content hash: a
 * keystroke in an actor re-parses that file, not every module it imports. The frontend never changes an AST,
 * so one result can serve many analyses.
 */
import { createHash } from 'node:crypto';
import { parseMotoko, type ParseResult } from '../languages/motoko/parser';

/** Beyond this many files the cache starts over (files read once and never again do not pile up). */
const MAX_FILES = 5000;

export class MotokoParseCache {
  private readonly entries = new Map<string, { text: string; hash: string; result: ParseResult }>();
  readonly stats = { parsed: 0, reused: 0 };

  parse(absPath: string, text: string): ParseResult {
    const hit = this.entries.get(absPath);
    // The same string needs no hash (every import is asked for again on every keystroke).
    const hash = hit?.text === text ? hit.hash : createHash('sha1').update(text).digest('base64');
    if (hit?.hash === hash) {
      this.stats.reused++;
      return hit.result;
    }
    const result = parseMotoko(text);
    this.stats.parsed++;
    if (this.entries.size >= MAX_FILES) this.entries.clear();
    this.entries.set(absPath, { text, hash, result });
    return result;
  }
}
