/** A source file as the workspace hands it to a frontend. */
export interface SourceFile {
  /** Path as reported to the user (CLI: relative to the working directory; LSP: file system path). */
  path: string;
  text: string;
}
