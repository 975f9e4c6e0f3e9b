/**
 * A debounce with a maximum wait, per key: a run starts `delay` ms after the last request, but never more than
 * `maxWait` ms after the first request it serves, so continuous typing still gets results every `maxWait` ms
 * instead of none until the typing stops.
 */
export class Debouncer {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; first: number }>();

  constructor(
    private readonly delay: number,
    private readonly maxWait: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Schedules `run` for `key`; `delay` overrides the default (0 for open and save). */
  schedule(key: string, run: () => void, delay = this.delay): void {
    const old = this.pending.get(key);
    if (old) clearTimeout(old.timer);
    const first = old?.first ?? this.now();
    const wait = Math.max(0, Math.min(delay, first + this.maxWait - this.now()));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      run();
    }, wait);
    this.pending.set(key, { timer, first });
  }
}
