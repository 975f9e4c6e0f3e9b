/**
 * What the language server knows of the files on disk between keystrokes: the crate folder of a Rust file, the
 * source files of a crate, and the text of files that are not open. Without it every keystroke would walk the
 * crate folder and read every file again. It is kept only while the client reports file changes
 * (`workspace/didChangeWatchedFiles`); a client that cannot gets the walk and the reads every time.
 */
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { rustCrateOf } from '../workspace/canisters';
import { collectSources, isSourceFile } from '../workspace/collect';

export class SourceIndex {
  private readonly crates = new Map<string, string>(); // file → crate folder
  private readonly files = new Map<string, string[]>(); // crate folder → its source files
  private readonly texts = new Map<string, string | undefined>(); // path → text on disk
  /** Set once the client watches the sources for us; until then nothing is kept. */
  watched = false;
  /** The workspace folder: the client watches only in it, so only texts of files in it are kept. */
  root: string | undefined;

  crateOf(path: string): string {
    if (!this.watched) return rustCrateOf(path);
    let crate = this.crates.get(path);
    if (crate === undefined) this.crates.set(path, (crate = rustCrateOf(path)));
    return crate;
  }

  filesOf(crate: string): string[] {
    if (!this.watched) return collectSources([crate]).files;
    let files = this.files.get(crate);
    if (!files) this.files.set(crate, (files = collectSources([crate]).files));
    return files;
  }

  /** The text of a file as it is on disk, undefined when it cannot be read. */
  diskText(path: string): string | undefined {
    const keep = this.watched && this.root !== undefined && path.startsWith(this.root + sep);
    if (keep && this.texts.has(path)) return this.texts.get(path);
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
    if (keep) this.texts.set(path, text);
    return text;
  }

  /**
   * Forgets what the changes make stale: a changed source's text; on a created or deleted file, or a changed
   * manifest or `.gitignore`, which crate a file is in and which files a crate has.
   */
  changed(events: { path: string; kind: 'created' | 'changed' | 'deleted' }[]): void {
    for (const e of events) {
      this.texts.delete(e.path);
      if (e.kind !== 'changed' || !isSourceFile(e.path)) {
        this.crates.clear();
        this.files.clear();
      }
    }
  }
}

/** The files whose changes the server must hear of, to keep a `SourceIndex`. */
export const SOURCE_WATCH_GLOBS = ['**/*.rs', '**/*.mo', '**/Cargo.toml', '**/.gitignore'];
