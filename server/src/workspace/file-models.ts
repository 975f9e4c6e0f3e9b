/** Which language a file is in, and the model of a file that could not be analysed. */
import { dirname, resolve } from 'node:path';
import type { FileModel, Language } from '../model/ir';

export function languageOf(path: string): Language | undefined {
  if (path.endsWith('.mo')) return 'motoko';
  if (path.endsWith('.rs')) return 'rust';
  return undefined;
}

export function skippedModel(path: string, reason: string): FileModel {
  return {
    file: path,
    language: languageOf(path) ?? 'rust',
    canister: resolve(dirname(path)),
    parseErrors: [],
    skipped: reason,
    entryPoints: [],
    awaits: [],
    stateDecls: [],
  };
}
