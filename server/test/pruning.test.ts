/** Which names and `retain` predicates count as evicting what has expired (SPEC §5, relevance). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPruningName, keepsUnexpired } from '../src/model/pruning';

test('a function or method named for evicting what is old is an eviction', () => {
  for (const name of [
    'SupportedRpcServiceUsage::rank_ascending_evict',
    'evict_expired',
    'Limiter::purge_old',
    'clear_expired_batches',
    'pruneExpired',
    'removeStaleSessions',
    'self.cache.prune',
  ])
    assert.ok(isPruningName(name), name);
});

test('a removal of something named, or a mark that something expired, is not an eviction', () => {
  for (const name of [
    'remove_pending',
    'mark_expired',
    'is_access_key_expired',
    'delete_controllers',
    'old_balance',
    'remove_old_controller',
    'expiredTokens',
  ])
    assert.ok(!isPruningName(name), name);
});

test('a retain that compares with the time keeps what has not expired', () => {
  assert.ok(keepsUnexpired('|_, s| s.expires_at > now'));
  assert.ok(keepsUnexpired('|t| *t + TTL > ic_cdk::api::time()'));
  assert.ok(!keepsUnexpired('|id, _| *id != request_id'));
});
