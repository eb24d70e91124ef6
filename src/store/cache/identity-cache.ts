/**
 * Sessions and users resolved from a short-lived in-process cache, so a request does not read
 * its session and its user from DynamoDB each time. Revocation stays immediate on this instance
 * (every write through these wrappers drops the entries it touches before it returns) and
 * reaches other instances within moments through the invalidation bus (Redis pub/sub); were a
 * message lost, an entry lives at most `ttlMs`. Simultaneous misses of one key are merged.
 */
import { LRUCache } from 'lru-cache';
import { hashToken } from '../crypto/tokens.js';
import type { Session, SessionRepository } from '../session-repository.js';
import { copyUser, type UserRecord, type UserRepository } from '../user-repository.js';
import type { BusMessage, InvalidationBus } from './invalidation-bus.js';
import { SingleFlight } from './single-flight.js';

export interface IdentityCacheOptions {
  sessions: SessionRepository;
  users: UserRepository;
  bus: InvalidationBus;
  /** Entry lifetime: the longest another instance may use a revoked session if the bus is down (default 5 s). */
  ttlMs?: number;
  /** Most sessions and users kept each (default 50,000). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  at: number;
}

/** A cached session with its expiry parsed once (a hit is on every request). */
type SessionEntry = Entry<Session> & { expiresMs: number };

const userKey = (tenantId: string, userId: string) => `${tenantId}\u0000${userId}`;

/** The cached repositories (same interfaces as the ones wrapped). */
export function createIdentityCache(options: IdentityCacheOptions): { sessions: SessionRepository; users: UserRepository } {
  const { bus } = options;
  const ttlMs = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const max = options.maxEntries ?? 50_000;
  const sessions = new LRUCache<string, SessionEntry>({ max });
  const users = new LRUCache<string, Entry<UserRecord>>({ max });
  /** Token hashes cached per user id, so ending a user's sessions drops them all. */
  const hashesOfUser = new Map<string, Set<string>>();
  /** The (tenant, user) keys cached per user id. */
  const userKeysOf = new Map<string, Set<string>>();
  const sessionFlights = new SingleFlight<Session | undefined>();
  const userFlights = new SingleFlight<UserRecord | undefined>();
  // Bumped by every invalidation: a load that raced one is returned but not kept.
  let epoch = 0;

  function dropSession(hash: string): void {
    epoch += 1;
    const entry = sessions.get(hash);
    sessions.delete(hash);
    if (entry) hashesOfUser.get(entry.value.userId)?.delete(hash);
  }

  /**
   * A user's write drops them in every tenant: with memberships in several organizations one
   * identity is read through several (tenant, user) keys, and a session's tenant is the current
   * organization, not necessarily the one the write named. User ids are unique across tenants.
   */
  function dropUser(_tenantId: string, userId: string): void {
    epoch += 1;
    for (const key of userKeysOf.get(userId) ?? []) users.delete(key);
    userKeysOf.delete(userId);
    for (const hash of hashesOfUser.get(userId) ?? []) sessions.delete(hash);
    hashesOfUser.delete(userId);
  }

  function apply(message: BusMessage): void {
    if (message.kind === 'session') dropSession(message.hash);
    else dropUser(message.tenantId, message.userId);
  }
  bus.subscribe(apply);

  /** Drop here, tell the others. */
  function changed(message: BusMessage): void {
    apply(message);
    bus.publish(message);
  }

  const fresh = <T>(entry: Entry<T> | undefined): entry is Entry<T> => entry !== undefined && now() - entry.at < ttlMs;

  const inner = options.sessions;
  const cachedSessions: SessionRepository = {
    ...inner,
    async get(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
      const hash = hashToken(token);
      const hit = sessions.get(hash);
      if (fresh(hit)) return hit.expiresMs > now() ? { ...hit.value } : undefined;
      const started = epoch;
      // Keyed by epoch too: a read that starts after a revocation never joins one from before it.
      const session = await sessionFlights.run(`${started}:${hash}`, () => inner.get(token));
      // Unknown tokens are not cached: random guesses must not fill the cache.
      if (session && epoch === started) {
        sessions.set(hash, { value: session, at: now(), expiresMs: Date.parse(session.expiresAt) });
        const set = hashesOfUser.get(session.userId) ?? new Set<string>();
        set.add(hash);
        hashesOfUser.set(session.userId, set);
      }
      return session && { ...session };
    },
    async revoke(token) {
      await inner.revoke(token);
      if (typeof token === 'string' && token.length > 0) changed({ kind: 'session', hash: hashToken(token) });
    },
    async revokeById(tenantId, userId, sessionId) {
      const ended = await inner.revokeById(tenantId, userId, sessionId);
      changed({ kind: 'user', tenantId, userId });
      return ended;
    },
    async revokeAllForUser(tenantId, userId, exceptId) {
      const ended = await inner.revokeAllForUser(tenantId, userId, exceptId);
      changed({ kind: 'user', tenantId, userId });
      return ended;
    },
  };

  const u = options.users;
  /** Run a write of one user, then drop what is cached of them everywhere. */
  const write =
    <A extends [string, string, ...unknown[]], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } finally {
        changed({ kind: 'user', tenantId: args[0], userId: args[1] });
      }
    };
  const cachedUsers: UserRepository = {
    ...u,
    async get(tenantId, userId) {
      const key = userKey(tenantId, userId);
      const hit = users.get(key);
      if (fresh(hit)) return copyUser(hit.value);
      const started = epoch;
      const user = await userFlights.run(`${started}:${key}`, () => u.get(tenantId, userId));
      if (user && epoch === started) {
        users.set(key, { value: user, at: now() });
        userKeysOf.set(userId, (userKeysOf.get(userId) ?? new Set<string>()).add(key));
      }
      return user && copyUser(user);
    },
    markEmailVerified: write(u.markEmailVerified.bind(u)),
    changeEmail: write(u.changeEmail.bind(u)),
    setPassword: write(u.setPassword.bind(u)),
    removeUnverified: write(u.removeUnverified.bind(u)),
    setRole: write(u.setRole.bind(u)),
    remove: write(u.remove.bind(u)),
    updatePreferences: write(u.updatePreferences.bind(u)),
    updateProfile: write(u.updateProfile.bind(u)),
    addMembership: async (input) => {
      try {
        return await u.addMembership(input);
      } finally {
        changed({ kind: 'user', tenantId: input.tenantId, userId: input.userId });
      }
    },
    beginMfa: write(u.beginMfa.bind(u)),
    enableMfa: write(u.enableMfa.bind(u)),
    disableMfa: write(u.disableMfa.bind(u)),
    useMfaStep: write(u.useMfaStep.bind(u)),
    useRecoveryCode: write(u.useRecoveryCode.bind(u)),
  };
  return { sessions: cachedSessions, users: cachedUsers };
}
