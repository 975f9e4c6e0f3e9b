/**
 * Evictions of what has expired (SPEC §5, relevance): `usage.evict_expired(now)`, `limiter.purge_old(now)`,
 * `clear_expired_batches()`, `sessions.retain(|_, s| s.expires_at > now)`. What they remove is gone because of
 * the time, not because of a call, so no call's failure has to bring it back: upkeep of a cache or statistic.
 * Judged by the name of the method or function that makes the change, and for `retain` by its predicate.
 */

/** Verbs that mean "drop what is too old" on their own. */
const EVICT_WORDS = new Set([
  'evict',
  'evicts',
  'evicted',
  'eviction',
  'evicting',
  'prune',
  'prunes',
  'pruned',
  'pruning',
]);

/**
 * Verbs that remove, and the words that say what they remove has expired (`remove_expired`, `clear_stale`).
 * A plain "old" is one only after `purge` (`purge_old`): `remove_old_controller` replaces something named.
 */
const REMOVE_WORDS = new Set([
  'remove',
  'clear',
  'purge',
  'delete',
  'drop',
  'clean',
  'cleanup',
  'trim',
  'discard',
  'sweep',
  'gc',
]);
const OLD_WORDS = new Set(['expired', 'stale', 'outdated', 'obsolete']);

/**
 * `rank_ascending_evict`, `Usage::evict_expired`, `pruneExpired`, `removeStaleSessions`: the last segment of a
 * function or method path names an eviction.
 */
export function isPruningName(name: string): boolean {
  // Asked for every write at every commit point: the same few names, judged once (the cache is kept small).
  let known = pruningNames.get(name);
  if (known === undefined) {
    if (pruningNames.size > 10_000) pruningNames.clear();
    pruningNames.set(name, (known = namesEviction(name)));
  }
  return known;
}

const pruningNames = new Map<string, boolean>();

function namesEviction(name: string): boolean {
  const last =
    name
      .replace(/\([^()]*\)/g, '')
      .split(/::|\./)
      .pop() ?? '';
  const words = last
    .split(/[_\s]+|(?<=[a-z0-9])(?=[A-Z])/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
  if (words.some((w) => EVICT_WORDS.has(w))) return true;
  if (words.includes('purge') && words.includes('old')) return true;
  return words.some((w) => REMOVE_WORDS.has(w)) && words.some((w) => OLD_WORDS.has(w));
}

/** A `retain` predicate that keeps what has not expired yet: it compares with the current time or a deadline. */
export function keepsUnexpired(predicate: string): boolean {
  return /\bnow\b|\btime\(\)|expir|deadline|\bttl\b|timeout/i.test(predicate);
}
