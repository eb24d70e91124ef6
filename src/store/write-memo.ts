/**
 * Remembers the content hash of items this process wrote, so re-writing an unchanged item
 * (a cost day collected again, an alarm list that did not move) costs no write units. Only a
 * saving: after a restart or a lease takeover the first write of each item happens again.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export interface WriteMemo {
  /** True when `key` was last written with exactly `content` by this process. */
  unchanged(key: string, content: unknown): boolean;
  /** Note a successful write. */
  remember(key: string, content: unknown): void;
  /** Forget `key` (e.g. the item was deleted). */
  forget(key: string): void;
}

const digest = (content: unknown) => createHash('sha1').update(JSON.stringify(content)).digest('base64');

/** A bounded memo (default 200,000 keys ≈ 20 MB). */
export function createWriteMemo(maxEntries = 200_000): WriteMemo {
  const hashes = new LRUCache<string, string>({ max: maxEntries });
  return {
    unchanged: (key, content) => hashes.get(key) === digest(content),
    remember: (key, content) => void hashes.set(key, digest(content)),
    forget: (key) => void hashes.delete(key),
  };
}
