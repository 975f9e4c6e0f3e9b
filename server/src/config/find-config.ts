/**
 * Where the project file is: the nearest `commit-points.toml` in the starting folder or a folder above it,
 * stopping at the repository root (a folder with `.git`) so that a checkout never picks up a file from outside.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, defaultConfig, loadProjectConfig, type ProjectConfig } from './project-config';

export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (existsSync(join(dir, '.git')) || parent === dir) return undefined;
    dir = parent;
  }
}

/** The folder that paths start from: a folder itself, or a file's folder. */
export function folderOf(path: string): string {
  const abs = resolve(path);
  try {
    return statSync(abs).isDirectory() ? abs : dirname(abs);
  } catch {
    return dirname(abs);
  }
}

/**
 * The language server's view: the configuration that applies to a file, re-read only when the project file
 * changes (by modification time and size), so that every analysis sees the saved file without parsing it each time.
 * Throws `ConfigError` for an invalid file.
 */
export class ConfigCache {
  private readonly loaded = new Map<string, { stamp: string; config: ProjectConfig }>();

  configFor(path: string): ProjectConfig {
    const file = findConfigFile(folderOf(path));
    if (!file) return defaultConfig(folderOf(path));
    const st = statSync(file);
    // Size too: two writes within the file system's time resolution still differ there most of the time.
    const stamp = `${st.mtimeMs}:${st.size}`;
    const hit = this.loaded.get(file);
    if (hit && hit.stamp === stamp) return hit.config;
    this.loaded.delete(file);
    const config = loadProjectConfig(file);
    this.loaded.set(file, { stamp, config });
    return config;
  }
}
