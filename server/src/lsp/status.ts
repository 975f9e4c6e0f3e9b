/**
 * Analysis progress for the client's status bar (`commitPoints/status`) and the server log. Analyses of
 * different groups overlap, so the state is "analysing" while any runs; a failure stays visible until the next
 * analysis of that file succeeds.
 */
import type { AnalysisStatus } from '../protocol';

export class StatusReporter {
  private running = 0;
  private readonly failed = new Map<string, string>(); // path → message of its last failed analysis
  private last: string | undefined;

  /** `send` delivers a changed status (the server sends it only to clients that asked); `log` writes the log. */
  constructor(
    private readonly send: (status: AnalysisStatus) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Runs one analysis of `path`, reporting its start, end and failure; rethrows the failure. */
  async track(path: string, analysis: () => Promise<void>): Promise<void> {
    this.running++;
    this.report();
    const started = Date.now();
    try {
      await analysis();
      this.failed.delete(path);
      this.log(`analysed ${path} in ${Date.now() - started} ms`);
    } catch (err) {
      const message = `analysis of ${path} failed: ${err instanceof Error ? err.message : String(err)}`;
      this.failed.set(path, message);
      throw err; // the caller logs it
    } finally {
      this.running--;
      this.report();
    }
  }

  private report(): void {
    const failure = [...this.failed.values()].at(-1);
    const status: AnalysisStatus =
      this.running > 0
        ? { state: 'analysing', message: 'Analysing…' }
        : failure
          ? { state: 'failed', message: failure }
          : { state: 'idle', message: 'Analysis up to date' };
    // Repeating the same state would only make the status bar flicker.
    const key = `${status.state}:${status.message}`;
    if (key === this.last) return;
    this.last = key;
    this.send(status);
  }
}
