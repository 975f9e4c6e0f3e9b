/** Reads a source file, refusing what cannot be analysed (too large, binary, not UTF-8) with a clear reason. */
import { readFileSync, statSync } from 'node:fs';

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

export type Loaded = { ok: true; text: string } | { ok: false; reason: string };

export function checkText(bytes: Uint8Array, maxSize: number): Loaded {
  if (bytes.length > maxSize) {
    return {
      ok: false,
      reason: `file is ${formatSize(bytes.length)}, larger than the ${formatSize(maxSize)} limit (setting maxFileSize / --max-file-size)`,
    };
  }
  if (bytes.includes(0)) return { ok: false, reason: 'file looks binary (it contains NUL bytes)' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { ok: false, reason: 'file is not valid UTF-8' };
  }
}

export function loadSource(path: string, maxSize: number): Loaded {
  try {
    const size = statSync(path).size;
    if (size > maxSize) return checkText(new Uint8Array(size), maxSize);
    return checkText(readFileSync(path), maxSize);
  } catch (err) {
    return { ok: false, reason: `cannot read the file: ${(err as Error).message}` };
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
