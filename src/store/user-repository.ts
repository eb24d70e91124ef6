/**
 * Users. A user item lives in its tenant's partition (pk = tenant, sk = user#<id>); a second
 * item `email#<address>` claims the address with a conditional put, which is what makes emails
 * unique across tenants (DynamoDB has no unique constraint; dynalite has no transactions).
 */
import { AppError } from '../domain/errors.js';
import { hashPassword, verifyPassword, DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './crypto/passwords.js';
import type { Db, Item } from './db.js';
import { assertId, newId } from './ids.js';

/** Which emails a user wants. */
export interface NotificationPreferences {
  critical: boolean;
  warning: boolean;
  costTips: boolean;
  dailyDigest: boolean;
  /** A CloudWatch alarm entering ALARM. */
  alarms: boolean;
  /** A CloudWatch alarm returning to OK. */
  alarmRecovered: boolean;
}

export const DEFAULT_PREFERENCES: Readonly<NotificationPreferences> = Object.freeze({
  critical: true,
  warning: false,
  costTips: true,
  dailyDigest: false,
  alarms: true,
  alarmRecovered: false,
});

/** The user's settings beside the notification flags. */
export interface UserProfile {
  /** 0-23, in `timezone`: when the daily digest is sent. Default 8. */
  digestHour: number;
  /** IANA zone. Default UTC. */
  timezone: string;
  /** An address the user asked to change to, not verified yet. */
  pendingEmail?: string;
}

/** Profile fields to change; `pendingEmail: null` clears it. */
export type ProfilePatch = { digestHour?: number; timezone?: string; pendingEmail?: string | null };

/** A user without the password hash. */
export interface UserRecord {
  id: string;
  tenantId: string;
  email: string;
  emailVerified: boolean;
  /** Owner > admin > viewer; `member` is the legacy name of viewer. */
  role: 'owner' | 'admin' | 'viewer' | 'member';
  preferences: NotificationPreferences;
  profile: UserProfile;
  createdAt: string;
  updatedAt: string;
}

export interface UserRepository {
  /** Throws `EMAIL_TAKEN` (409) when the address is claimed. */
  create(input: { tenantId: string; email: string; password: string; role?: UserRecord['role'] }): Promise<UserRecord>;
  get(tenantId: string, userId: string): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  listByTenant(tenantId: string): Promise<UserRecord[]>;
  /** The user when the password matches; takes as long when the email is unknown. */
  authenticate(email: string, password: string): Promise<UserRecord | undefined>;
  /** Marks the email verified only if it is still the user's email (a token for an old address does nothing). */
  markEmailVerified(tenantId: string, userId: string, email: string): Promise<boolean>;
  /** Claims the new address, then releases the old one; the new address needs verifying. */
  changeEmail(tenantId: string, userId: string, email: string): Promise<UserRecord>;
  setPassword(tenantId: string, userId: string, password: string): Promise<void>;
  /**
   * Remove a user that never verified its address and free the address, so a new signup can
   * take it (an unverified account is not an account: account pre-hijacking). False, and nothing
   * removed, when the user is gone or verified in the meantime.
   */
  removeUnverified(tenantId: string, userId: string): Promise<boolean>;
  /** Change the user's role in their tenant. */
  setRole(tenantId: string, userId: string, role: UserRecord['role']): Promise<UserRecord>;
  /** Remove the user from their tenant and free the address; false when there was none. */
  remove(tenantId: string, userId: string): Promise<boolean>;
  updatePreferences(tenantId: string, userId: string, preferences: Partial<NotificationPreferences>): Promise<UserRecord>;
  /** Change profile fields (and move a record's old `x:` preference keys into its profile). */
  updateProfile(tenantId: string, userId: string, patch: ProfilePatch): Promise<UserRecord>;
}

export interface UserRepositoryDeps {
  db: Db;
  /** scrypt cost; tests lower it. */
  scrypt?: ScryptParams;
  now?: () => number;
}

/** Lower-cased and trimmed; rejects what cannot be an address. */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalized)) {
    throw new AppError('INVALID_EMAIL', 'invalid email address', { status: 400 });
  }
  return normalized;
}

const emailKey = (email: string) => ({ pk: `email#${email}`, sk: 'email' });
const userKey = (tenantId: string, userId: string) => ({ pk: assertId('tenant', tenantId), sk: `user#${assertId('user', userId)}` });

/** Keys an earlier version kept the profile under, inside `preferences` (migrated on read and on the next profile write). */
const LEGACY_PROFILE_KEYS = { digestHour: 'x:digestHour', timezone: 'x:timezone', pendingEmail: 'x:pendingEmail' } as const;

/** The notification flags of a stored preferences map, without legacy profile keys. */
function preferencesOf(stored: unknown): NotificationPreferences {
  const raw = (stored ?? {}) as Record<string, unknown>;
  const flags = { ...DEFAULT_PREFERENCES };
  for (const key of Object.keys(DEFAULT_PREFERENCES) as (keyof NotificationPreferences)[]) if (typeof raw[key] === 'boolean') flags[key] = raw[key];
  return flags;
}

/** The stored profile, or one migrated from the legacy keys; defaults for what is missing or invalid. */
function profileOf(item: Item): UserProfile {
  const stored = (item.profile ?? {}) as Record<string, unknown>;
  const legacy = (item.preferences ?? {}) as Record<string, unknown>;
  const hour = stored.digestHour ?? legacy[LEGACY_PROFILE_KEYS.digestHour];
  const zone = stored.timezone ?? legacy[LEGACY_PROFILE_KEYS.timezone];
  const pending = item.profile ? stored.pendingEmail : legacy[LEGACY_PROFILE_KEYS.pendingEmail];
  return {
    digestHour: typeof hour === 'number' && Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : 8,
    timezone: typeof zone === 'string' && zone !== '' ? zone : 'UTC',
    ...(typeof pending === 'string' && pending !== '' ? { pendingEmail: pending } : {}),
  };
}

function toUser(item: Item): UserRecord {
  return {
    id: item.userId as string,
    tenantId: item.pk as string,
    email: item.email as string,
    emailVerified: item.emailVerified === true,
    role: item.role as UserRecord['role'],
    preferences: preferencesOf(item.preferences),
    profile: profileOf(item),
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

/** Create the user repository. */
export function createUserRepository(deps: UserRepositoryDeps): UserRepository {
  const { db } = deps;
  const params = deps.scrypt ?? DEFAULT_SCRYPT_PARAMS;
  const now = () => new Date((deps.now ?? Date.now)()).toISOString();
  // Verified against when the email is unknown, so both paths cost one scrypt.
  const dummyHash = hashPassword('not a password', params);

  async function claimEmail(email: string, tenantId: string, userId: string): Promise<void> {
    const claimed = await db.putIf('users', {
      Item: { ...emailKey(email), tenantId, userId },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (!claimed) throw new AppError('EMAIL_TAKEN', 'this email is already registered', { status: 409 });
  }

  async function releaseEmail(email: string, userId: string): Promise<void> {
    await db.delete('users', { Key: emailKey(email), ConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } });
  }

  async function getItem(tenantId: string, userId: string): Promise<Item | undefined> {
    return db.get('users', { Key: userKey(tenantId, userId), ConsistentRead: true });
  }

  async function findItemByEmail(email: string): Promise<Item | undefined> {
    const claim = await db.get('users', { Key: emailKey(normalizeEmail(email)), ConsistentRead: true });
    if (!claim) return undefined;
    return getItem(claim.tenantId as string, claim.userId as string);
  }

  async function updateUser(tenantId: string, userId: string, set: Record<string, unknown>): Promise<Item> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':updatedAt': now() };
    const parts = ['updatedAt = :updatedAt'];
    Object.entries(set).forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = value;
      parts.push(`#a${i} = :v${i}`);
    });
    const output = await db.update('users', {
      Key: userKey(tenantId, userId),
      UpdateExpression: `SET ${parts.join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
    if (!output?.Attributes) throw new AppError('NOT_FOUND', 'user not found', { status: 404 });
    return output.Attributes;
  }

  return {
    async create(input) {
      const tenantId = assertId('tenant', input.tenantId);
      const email = normalizeEmail(input.email);
      const userId = newId('u');
      const passwordHash = await hashPassword(input.password, params);
      await claimEmail(email, tenantId, userId);
      const at = now();
      const item: Item = {
        ...userKey(tenantId, userId),
        userId,
        email,
        emailVerified: false,
        role: input.role ?? 'owner',
        passwordHash,
        preferences: { ...DEFAULT_PREFERENCES },
        createdAt: at,
        updatedAt: at,
      };
      try {
        await db.put('users', { Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
      } catch (error) {
        // Without transactions: undo the claim so the address is not locked by a user that does not exist.
        await releaseEmail(email, userId).catch(() => undefined);
        throw error;
      }
      return toUser(item);
    },

    async get(tenantId, userId) {
      const item = await getItem(tenantId, userId);
      return item && toUser(item);
    },

    async findByEmail(email) {
      const item = await findItemByEmail(email);
      return item && toUser(item);
    },

    async listByTenant(tenantId) {
      const users: UserRecord[] = [];
      const items = db.queryAll('users', {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :user)',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':user': 'user#' },
      });
      for await (const item of items) users.push(toUser(item));
      return users;
    },

    async authenticate(email, password) {
      let item: Item | undefined;
      try {
        item = await findItemByEmail(email);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'INVALID_EMAIL')) throw error;
      }
      const hash = typeof item?.passwordHash === 'string' ? item.passwordHash : await dummyHash;
      const matches = await verifyPassword(password, hash);
      return item && matches ? toUser(item) : undefined;
    },

    async markEmailVerified(tenantId, userId, email) {
      const output = await db.update('users', {
        Key: userKey(tenantId, userId),
        UpdateExpression: 'SET emailVerified = :true, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND email = :email',
        ExpressionAttributeValues: { ':true': true, ':at': now(), ':email': normalizeEmail(email) },
      });
      return output !== undefined;
    },

    async changeEmail(tenantId, userId, newEmail) {
      const email = normalizeEmail(newEmail);
      const current = await getItem(tenantId, userId);
      if (!current) throw new AppError('NOT_FOUND', 'user not found', { status: 404 });
      if (current.email === email) return toUser(current);
      await claimEmail(email, tenantId, userId);
      let updated: Item;
      try {
        updated = await updateUser(tenantId, userId, { email, emailVerified: false });
      } catch (error) {
        await releaseEmail(email, userId).catch(() => undefined);
        throw error;
      }
      await releaseEmail(current.email as string, userId);
      return toUser(updated);
    },

    async setPassword(tenantId, userId, password) {
      await updateUser(tenantId, userId, { passwordHash: await hashPassword(password, params) });
    },

    async removeUnverified(tenantId, userId) {
      const output = await db.delete('users', {
        Key: userKey(tenantId, userId),
        ConditionExpression: 'attribute_exists(pk) AND emailVerified = :false',
        ExpressionAttributeValues: { ':false': false },
        ReturnValues: 'ALL_OLD',
      });
      const removed = output?.Attributes;
      if (!removed) return false;
      await releaseEmail(removed.email as string, userId);
      return true;
    },

    async setRole(tenantId, userId, role) {
      return toUser(await updateUser(tenantId, userId, { role }));
    },

    async remove(tenantId, userId) {
      const output = await db.delete('users', { Key: userKey(tenantId, userId), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' });
      const removed = output?.Attributes;
      if (!removed) return false;
      await releaseEmail(removed.email as string, userId);
      return true;
    },

    async updatePreferences(tenantId, userId, preferences) {
      const current = await getItem(tenantId, userId);
      if (!current) throw new AppError('NOT_FOUND', 'user not found', { status: 404 });
      // The profile is written whole beside the flags, so a legacy record is migrated here too.
      return toUser(await updateUser(tenantId, userId, { preferences: { ...preferencesOf(current.preferences), ...preferences }, profile: profileOf(current) }));
    },

    async updateProfile(tenantId, userId, patch) {
      const current = await getItem(tenantId, userId);
      if (!current) throw new AppError('NOT_FOUND', 'user not found', { status: 404 });
      const { pendingEmail, ...rest } = profileOf(current);
      const profile: UserProfile = {
        ...rest,
        ...(patch.digestHour !== undefined ? { digestHour: patch.digestHour } : {}),
        ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
      };
      const pending = patch.pendingEmail === undefined ? pendingEmail : (patch.pendingEmail ?? undefined);
      if (pending) profile.pendingEmail = pending;
      return toUser(await updateUser(tenantId, userId, { preferences: preferencesOf(current.preferences), profile }));
    },
  };
}
