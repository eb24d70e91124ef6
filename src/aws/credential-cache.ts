/**
 * Credentials per connected account. A role is assumed through STS (with the tenant's
 * ExternalId) and the session cached until shortly before it expires; concurrent callers share
 * one in-flight AssumeRole. Static keys are decrypted in memory when a request is signed and
 * never kept: decryption costs microseconds, and the plaintext then lives only as long as the
 * request that needs it.
 */
import type { Logger } from '../log.js';
import { AwsCallError } from '../domain/errors.js';
import type { AccountTarget } from '../domain/gateway.js';
import type { SealedSecret } from '../domain/tenant.js';
import { awsFailureKind } from './classify-error.js';
import { credentialFingerprint } from './credential-fingerprint.js';
import { LruMap } from './lru-map.js';

/** AWS credentials as the SDK signs with them (structurally the SDK's `AwsCredentialIdentity`). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** What AssumeRole needs; `sessionName` shows up in the tenant's CloudTrail. */
export interface AssumeRoleRequest {
  roleArn: string;
  externalId: string;
  sessionName: string;
  durationSec: number;
}

/** Assume a role; throws `AwsCallError` (service `sts`) when STS refuses. */
export type AssumeRole = (request: AssumeRoleRequest) => Promise<AwsCredentials>;

/**
 * Decrypt a sealed secret (owned by the store layer). The owner is bound into the ciphertext,
 * so a secret copied onto another tenant's or account's record does not open.
 */
export type OpenSecret = (sealed: SealedSecret, owner: { tenantId: string; accountId: string }) => string;

export interface CredentialCacheOptions {
  assumeRole: AssumeRole;
  openSecret: OpenSecret;
  logger: Logger;
  /** Clock, ms since epoch. Default `Date.now`. */
  now?: () => number;
  /** Refresh an assumed session this long before it expires. Default 5 min. */
  refreshMarginMs?: number;
  /** Assumed session length asked of STS. Default 3600 s (the role's minimum maximum). */
  sessionDurationSec?: number;
  /** Accounts whose sessions are kept. Default 20,000 (10k tenants with two accounts each). */
  maxEntries?: number;
}

/** Credentials for accounts, cached where they can expire. */
export interface CredentialCache {
  /** Credentials for the target account (a cached session, a fresh one, or decrypted keys). */
  get(target: AccountTarget): Promise<AwsCredentials>;
  /** Forget the account's session if it is still `stale` (or whatever it is, without `stale`). */
  invalidate(target: AccountTarget, stale?: AwsCredentials): void;
  /** Accounts with a cached or pending session. */
  readonly size: number;
  clear(): void;
}

interface Entry {
  fingerprint: string;
  credentials?: AwsCredentials;
  /** When our copy stops being used (ms, local clock): expiry minus the refresh margin. */
  refreshAt: number;
  /** When the session really ends (ms, local clock). */
  expiresAt: number;
  pending?: Promise<AwsCredentials>;
}

/** A session still this far from its end is used while STS is briefly unavailable. */
const STILL_GOOD_MS = 60_000;

/** Create the per-account credential cache. */
export function createCredentialCache(options: CredentialCacheOptions): CredentialCache {
  const now = options.now ?? Date.now;
  const marginMs = options.refreshMarginMs ?? 5 * 60_000;
  const durationSec = options.sessionDurationSec ?? 3600;
  const entries = new LruMap<string, Entry>(options.maxEntries ?? 20_000);

  function openKeys(target: AccountTarget, accessKeyId: string, secret: SealedSecret): AwsCredentials {
    try {
      return { accessKeyId, secretAccessKey: options.openSecret(secret, { tenantId: target.tenantId, accountId: target.id }) };
    } catch (error) {
      // Not the account's fault (the platform cannot read its own store): never 'credentials',
      // which would stop the account until the tenant re-enters keys.
      options.logger.error({ tenant: target.tenantId, account: target.id, err: error }, 'cannot open stored AWS secret');
      throw new AwsCallError('other', 'sts', 'SecretUnavailable', 'stored AWS secret could not be opened', error);
    }
  }

  function refresh(target: AccountTarget, entry: Entry, roleArn: string, externalId: string): Promise<AwsCredentials> {
    const startedAt = now();
    const previous = entry.credentials;
    const pending = options
      .assumeRole({ roleArn, externalId, sessionName: sessionName(target.tenantId), durationSec })
      .then(
        (credentials) => {
          // Our own clock decides: the session lasts `durationSec` from when we asked, capped
          // by the Expiration STS gave when that is still ahead of us (clock skew-proof).
          const byDuration = startedAt + durationSec * 1000;
          const byStsClock = credentials.expiration?.getTime();
          const expiresAt = byStsClock !== undefined && byStsClock > startedAt ? Math.min(byStsClock, byDuration) : byDuration;
          Object.assign(entry, { credentials, expiresAt, refreshAt: expiresAt - Math.min(marginMs, (expiresAt - startedAt) / 2) });
          entry.pending = undefined;
          options.logger.debug({ tenant: target.tenantId, account: target.id }, 'assumed role session refreshed');
          return credentials;
        },
        (error: unknown) => {
          entry.pending = undefined;
          const kind = awsFailureKind(error);
          if (previous && entry.expiresAt - now() > STILL_GOOD_MS && (kind === 'transient' || kind === 'throttled')) {
            options.logger.warn({ tenant: target.tenantId, account: target.id, kind }, 'session refresh failed; using the current one');
            return previous;
          }
          throw error;
        },
      );
    entry.pending = pending;
    return pending;
  }

  return {
    async get(target) {
      const spec = target.credentials;
      if (spec.type === 'keys') return openKeys(target, spec.accessKeyId, spec.secret);
      const fingerprint = credentialFingerprint(spec);
      let entry = entries.get(target.id);
      if (!entry || entry.fingerprint !== fingerprint) {
        entry = { fingerprint, refreshAt: 0, expiresAt: 0 };
        entries.set(target.id, entry);
      }
      if (entry.pending) return entry.pending;
      if (entry.credentials && now() < entry.refreshAt) return entry.credentials;
      return refresh(target, entry, spec.roleArn, spec.externalId);
    },
    invalidate(target, stale) {
      const entry = entries.get(target.id);
      if (!entry || entry.pending) return;
      // Several calls may fail on the same expired session: only the first drops it, so the
      // others reuse the refresh it starts instead of each forcing another AssumeRole.
      if (stale === undefined || entry.credentials === stale) entries.delete(target.id);
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}

/** A RoleSessionName ([\w+=,.@-]{2,64}) naming the tenant, so the tenant's CloudTrail shows who called. */
export function sessionName(tenantId: string): string {
  const cleaned = tenantId.replace(/[^\w+=,.@-]/g, '-');
  return `cloud-health-${cleaned}`.slice(0, 64);
}
