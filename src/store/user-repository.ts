/**
 * Users. A user item lives in its home tenant's partition (pk = tenant, sk = user#<id>); a second
 * item `email#<address>` claims the address with a conditional put, which is what makes emails
 * unique across tenants (DynamoDB has no unique constraint; dynalite has no transactions).
 *
 * A user may belong to other tenants too: a membership item in that tenant's partition with the
 * same sk (`user#<id>`) holds the role there and `homeTenantId`, the partition of the user item
 * that holds the identity (email, password, MFA, preferences). So every tenant's member list is
 * one Query of its own partition, and `get(tenant, user)` answers only for members of that
 * tenant: the tenant boundary stays in the key. The home partition also keeps an index item per
 * other membership (sk = `membership#<userId>#<tenantId>`) so a user's tenants are one Query.
 * A user who leaves their home tenant while a member elsewhere keeps the home item (it is the
 * identity) marked `left`; it is then no member there.
 */
import { AppError } from '../domain/errors.js';
import { hashPassword, verifyPassword, DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './crypto/passwords.js';
import type { SealedSecret } from '../domain/tenant.js';
import type { Keyring } from './crypto/keyring.js';
import { hashToken } from './crypto/tokens.js';
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
  /** An AWS Health issue affecting an account opens. */
  healthIssues: boolean;
  /** Scheduled maintenance affecting an account is announced (AWS Health). */
  healthScheduled: boolean;
}

export const DEFAULT_PREFERENCES: Readonly<NotificationPreferences> = Object.freeze({
  critical: true,
  warning: false,
  costTips: true,
  dailyDigest: false,
  alarms: true,
  alarmRecovered: false,
  healthIssues: true,
  healthScheduled: false,
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
  /** Set when `tenantId` is not the user's home tenant (where the identity is stored). */
  homeTenantId?: string;
  /** True once the user confirmed a TOTP authenticator. */
  mfaEnabled?: boolean;
}

/**
 * A copy of `user` that shares nothing mutable with it (its nested objects are copied too): what
 * a cache hands out, so a caller's change never reaches the cached record. Cheaper than
 * `structuredClone` on every cached read (a per-request cost of the API); a nested object added
 * to UserRecord must be copied here as well (test/store/read-path.test.ts changes every field).
 */
export function copyUser(user: UserRecord): UserRecord {
  return { ...user, preferences: { ...user.preferences }, profile: { ...user.profile } };
}

/** One tenant a user belongs to. */
export interface Membership {
  tenantId: string;
  role: UserRecord['role'];
  /** True for the tenant the user signed up in (or was first invited to). */
  home: boolean;
}

/** A user's TOTP state, secrets opened (for the MFA routes only; never log it). */
export interface MfaState {
  enabled: boolean;
  /** The confirmed secret (base32), when enabled. */
  secret?: string;
  /** A secret waiting for its first code, when enrolment started. */
  pendingSecret?: string;
  /** The last TOTP time step accepted (a code is never accepted twice). */
  lastStep?: number;
  recoveryCodesLeft: number;
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
  /**
   * Add the user (any of whose memberships is `tenantId`/`userId`'s identity) to another tenant
   * with a role; undefined when they are a member there already.
   */
  addMembership(input: { tenantId: string; userId: string; homeTenantId: string; role: UserRecord['role'] }): Promise<UserRecord | undefined>;
  /** Every tenant the user belongs to, the home tenant first. */
  listMemberships(tenantId: string, userId: string): Promise<Membership[]>;
  /** The user's TOTP state; `tenantId` may be any tenant they belong to. */
  mfaState(tenantId: string, userId: string): Promise<MfaState>;
  /** Start enrolment: seal and keep `secret` until it is confirmed (replaces an earlier pending one). */
  beginMfa(tenantId: string, userId: string, secret: string): Promise<void>;
  /** Confirm enrolment: the pending secret becomes the user's, with these recovery codes (hashed here). */
  enableMfa(tenantId: string, userId: string, recoveryCodes: readonly string[], step: number): Promise<void>;
  /** Remove the secret and the recovery codes. */
  disableMfa(tenantId: string, userId: string): Promise<void>;
  /** Record that the code of `step` was used; false when that step or a later one was used already (replay). */
  useMfaStep(tenantId: string, userId: string, step: number): Promise<boolean>;
  /** Use up a recovery code; false when it is not one of the user's unused codes. */
  useRecoveryCode(tenantId: string, userId: string, code: string): Promise<boolean>;
}

export interface UserRepositoryDeps {
  db: Db;
  /** scrypt cost; tests lower it. */
  scrypt?: ScryptParams;
  now?: () => number;
  /** Seals TOTP secrets (the keyring that seals AWS keys); MFA is unavailable without it. */
  keyring?: Keyring;
}

/** The AAD context of a user's TOTP secret: a sealed secret copied to another user will not open. */
export function mfaSecretContext(homeTenantId: string, userId: string): string {
  return `mfa-secret|${homeTenantId}|${userId}`;
}

/** The stored form of a recovery code: dashes, spaces and case do not matter (80 random bits, so an unsalted hash is enough). */
export function recoveryCodeHash(code: string): string {
  return hashToken(code.replace(/[\s-]/g, '').toLowerCase());
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
const membershipIndexKey = (homeTenantId: string, userId: string, tenantId: string) => ({ pk: homeTenantId, sk: `membership#${userId}#${tenantId}` });

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

/** A user as a member of `member`'s tenant: identity from the home item, role from the membership. */
function toUser(home: Item, member: Item = home): UserRecord {
  return {
    id: home.userId as string,
    tenantId: member.pk as string,
    email: home.email as string,
    emailVerified: home.emailVerified === true,
    role: member.role as UserRecord['role'],
    preferences: preferencesOf(home.preferences),
    profile: profileOf(home),
    createdAt: member.createdAt as string,
    updatedAt: (member.updatedAt as string) > (home.updatedAt as string) ? (member.updatedAt as string) : (home.updatedAt as string),
    ...(member !== home ? { homeTenantId: home.pk as string } : {}),
    mfaEnabled: home.mfa !== undefined,
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

  /** The item holding the user's identity, reached from any of their memberships (even a `left` home). */
  async function identityItem(tenantId: string, userId: string): Promise<Item | undefined> {
    const item = await getItem(tenantId, userId);
    if (typeof item?.homeTenantId !== 'string') return item;
    return getItem(item.homeTenantId, userId);
  }

  async function requireIdentity(tenantId: string, userId: string): Promise<Item> {
    const item = await identityItem(tenantId, userId);
    if (!item) throw new AppError('NOT_FOUND', 'user not found', { status: 404 });
    return item;
  }

  /** The user as a member of `tenantId`, or undefined when they are none. */
  async function memberUser(item: Item | undefined): Promise<UserRecord | undefined> {
    if (!item || item.left === true) return undefined;
    if (typeof item.homeTenantId !== 'string') return toUser(item);
    const home = await getItem(item.homeTenantId, item.userId as string);
    return home && toUser(home, item);
  }

  async function indexedTenants(homeTenantId: string, userId: string): Promise<string[]> {
    const tenants: string[] = [];
    for await (const item of db.queryAll('users', {
      KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':t': homeTenantId, ':p': `membership#${userId}#` },
      ConsistentRead: true,
    })) {
      tenants.push(item.tenantId as string);
    }
    return tenants;
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

  /** An update of the identity item (`tenantId` may be any membership); undefined when its condition fails. */
  async function updateIdentity(tenantId: string, userId: string, input: { update: string; condition?: string; names?: Record<string, string>; values?: Record<string, unknown> }) {
    const home = await requireIdentity(tenantId, userId);
    const output = await db.update('users', {
      Key: userKey(home.pk as string, userId),
      UpdateExpression: input.update,
      ConditionExpression: ['attribute_exists(pk)', ...(input.condition ? [`(${input.condition})`] : [])].join(' AND '),
      ...(input.names ? { ExpressionAttributeNames: input.names } : {}),
      ExpressionAttributeValues: { ':at': now(), ...input.values },
      ReturnValues: 'ALL_NEW',
    });
    return output?.Attributes;
  }

  function sealer(): Keyring {
    if (!deps.keyring) throw new AppError('MFA_UNAVAILABLE', 'MFA needs the encryption keyring', { status: 503 });
    return deps.keyring;
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
      return memberUser(await getItem(tenantId, userId));
    },

    async findByEmail(email) {
      const item = await findItemByEmail(email);
      return item && toUser(item);
    },

    async listByTenant(tenantId) {
      const items: Item[] = [];
      for await (const item of db.queryAll('users', {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :user)',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':user': 'user#' },
      })) {
        items.push(item);
      }
      const users = await Promise.all(items.map(memberUser));
      return users.filter((user): user is UserRecord => user !== undefined);
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
      const home = await identityItem(tenantId, userId);
      if (!home) return false;
      const output = await db.update('users', {
        Key: userKey(home.pk as string, userId),
        UpdateExpression: 'SET emailVerified = :true, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND email = :email',
        ExpressionAttributeValues: { ':true': true, ':at': now(), ':email': normalizeEmail(email) },
      });
      return output !== undefined;
    },

    async changeEmail(tenantId, userId, newEmail) {
      const email = normalizeEmail(newEmail);
      const member = await getItem(tenantId, userId);
      const current = await requireIdentity(tenantId, userId);
      const homeTenantId = current.pk as string;
      const asMember = (home: Item) => (member && member !== current && member.pk !== homeTenantId ? toUser(home, member) : toUser(home));
      if (current.email === email) return asMember(current);
      await claimEmail(email, homeTenantId, userId);
      let updated: Item;
      try {
        updated = await updateUser(homeTenantId, userId, { email, emailVerified: false });
      } catch (error) {
        await releaseEmail(email, userId).catch(() => undefined);
        throw error;
      }
      await releaseEmail(current.email as string, userId);
      return asMember(updated);
    },

    async setPassword(tenantId, userId, password) {
      const home = await requireIdentity(tenantId, userId);
      await updateUser(home.pk as string, userId, { passwordHash: await hashPassword(password, params) });
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
      const member = await getItem(tenantId, userId);
      if (!member || member.left === true) throw new AppError('NOT_FOUND', 'user not found', { status: 404 });
      const updated = await updateUser(tenantId, userId, { role });
      const user = await memberUser(updated);
      if (!user) throw new AppError('NOT_FOUND', 'user not found', { status: 404 });
      return user;
    },

    async remove(tenantId, userId) {
      const member = await getItem(tenantId, userId);
      if (!member || member.left === true) return false;
      if (typeof member.homeTenantId === 'string') {
        const output = await db.delete('users', { Key: userKey(tenantId, userId), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' });
        await db.delete('users', { Key: membershipIndexKey(member.homeTenantId, userId, tenantId) });
        return output?.Attributes !== undefined;
      }
      // The home item is the identity: while the user belongs elsewhere it stays, marked `left`.
      if ((await indexedTenants(tenantId, userId)).length > 0) {
        await updateUser(tenantId, userId, { left: true });
        return true;
      }
      const output = await db.delete('users', { Key: userKey(tenantId, userId), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' });
      const removed = output?.Attributes;
      if (!removed) return false;
      await releaseEmail(removed.email as string, userId);
      return true;
    },

    async updatePreferences(tenantId, userId, preferences) {
      const member = await getItem(tenantId, userId);
      const current = await requireIdentity(tenantId, userId);
      // The profile is written whole beside the flags, so a legacy record is migrated here too.
      const updated = await updateUser(current.pk as string, userId, { preferences: { ...preferencesOf(current.preferences), ...preferences }, profile: profileOf(current) });
      return member && member.pk !== current.pk ? toUser(updated, member) : toUser(updated);
    },

    async updateProfile(tenantId, userId, patch) {
      const member = await getItem(tenantId, userId);
      const current = await requireIdentity(tenantId, userId);
      const { pendingEmail, ...rest } = profileOf(current);
      const profile: UserProfile = {
        ...rest,
        ...(patch.digestHour !== undefined ? { digestHour: patch.digestHour } : {}),
        ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
      };
      const pending = patch.pendingEmail === undefined ? pendingEmail : (patch.pendingEmail ?? undefined);
      if (pending) profile.pendingEmail = pending;
      const updated = await updateUser(current.pk as string, userId, { preferences: preferencesOf(current.preferences), profile });
      return member && member.pk !== current.pk ? toUser(updated, member) : toUser(updated);
    },

    async addMembership(input) {
      const tenantId = assertId('tenant', input.tenantId);
      const home = await requireIdentity(assertId('tenant', input.homeTenantId), assertId('user', input.userId));
      const homeTenantId = home.pk as string;
      const at = now();
      if (tenantId === homeTenantId) {
        // Back to the home tenant after leaving it.
        const output = await db.update('users', {
          Key: userKey(tenantId, input.userId),
          UpdateExpression: 'SET #role = :role, updatedAt = :at, createdAt = :at REMOVE #left',
          ConditionExpression: 'attribute_exists(pk) AND #left = :true',
          ExpressionAttributeNames: { '#role': 'role', '#left': 'left' },
          ExpressionAttributeValues: { ':role': input.role, ':at': at, ':true': true },
          ReturnValues: 'ALL_NEW',
        });
        return output?.Attributes && toUser(output.Attributes);
      }
      const item: Item = { ...userKey(tenantId, input.userId), userId: input.userId, homeTenantId, role: input.role, createdAt: at, updatedAt: at };
      const added = await db.putIf('users', { Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
      if (!added) return undefined;
      await db.put('users', { Item: { ...membershipIndexKey(homeTenantId, input.userId, tenantId), userId: input.userId, tenantId } });
      return toUser(home, item);
    },

    async listMemberships(tenantId, userId) {
      const home = await identityItem(assertId('tenant', tenantId), assertId('user', userId));
      if (!home) return [];
      const homeTenantId = home.pk as string;
      const memberships: Membership[] = home.left === true ? [] : [{ tenantId: homeTenantId, role: home.role as UserRecord['role'], home: true }];
      for (const other of await indexedTenants(homeTenantId, userId)) {
        const member = await getItem(other, userId);
        if (member?.homeTenantId === homeTenantId) memberships.push({ tenantId: other, role: member.role as UserRecord['role'], home: false });
        // A membership removed with its tenant: drop the stale index item.
        else await db.delete('users', { Key: membershipIndexKey(homeTenantId, userId, other) });
      }
      return memberships;
    },

    async mfaState(tenantId, userId) {
      const home = await requireIdentity(tenantId, userId);
      const context = mfaSecretContext(home.pk as string, userId);
      const open = (sealed: unknown) => (sealed ? sealer().open(sealed as SealedSecret, context) : undefined);
      const secret = open(home.mfa);
      const pendingSecret = open(home.mfaPending);
      return {
        enabled: secret !== undefined,
        ...(secret !== undefined ? { secret } : {}),
        ...(pendingSecret !== undefined ? { pendingSecret } : {}),
        ...(typeof home.mfaLastStep === 'number' ? { lastStep: home.mfaLastStep } : {}),
        recoveryCodesLeft: Object.keys((home.recoveryCodes ?? {}) as object).length,
      };
    },

    async beginMfa(tenantId, userId, secret) {
      const home = await requireIdentity(tenantId, userId);
      const sealed = sealer().seal(secret, mfaSecretContext(home.pk as string, userId));
      await updateIdentity(tenantId, userId, { update: 'SET mfaPending = :sealed, updatedAt = :at', values: { ':sealed': sealed } });
    },

    async enableMfa(tenantId, userId, recoveryCodes, step) {
      const home = await requireIdentity(tenantId, userId);
      if (!home.mfaPending) throw new AppError('MFA_NOT_STARTED', 'start the enrolment first', { status: 409 });
      const codes = Object.fromEntries(recoveryCodes.map((code) => [recoveryCodeHash(code), true]));
      const updated = await updateIdentity(tenantId, userId, {
        update: 'SET mfa = :sealed, recoveryCodes = :codes, mfaLastStep = :step, mfaEnabledAt = :at, updatedAt = :at REMOVE mfaPending',
        // The pending secret the code was checked against, not one replaced meanwhile.
        condition: 'mfaPending.#blob = :blob',
        names: { '#blob': 'blob' },
        values: { ':sealed': home.mfaPending, ':blob': (home.mfaPending as SealedSecret).blob, ':codes': codes, ':step': step },
      });
      if (!updated) throw new AppError('MFA_NOT_STARTED', 'the enrolment changed meanwhile; start again', { status: 409 });
    },

    async disableMfa(tenantId, userId) {
      await updateIdentity(tenantId, userId, { update: 'SET updatedAt = :at REMOVE mfa, mfaPending, recoveryCodes, mfaLastStep, mfaEnabledAt' });
    },

    async useMfaStep(tenantId, userId, step) {
      const updated = await updateIdentity(tenantId, userId, {
        update: 'SET mfaLastStep = :step, updatedAt = :at',
        condition: 'attribute_exists(mfa) AND (attribute_not_exists(mfaLastStep) OR mfaLastStep < :step)',
        values: { ':step': step },
      });
      return updated !== undefined;
    },

    async useRecoveryCode(tenantId, userId, code) {
      if (typeof code !== 'string' || code.length > 64) return false;
      const updated = await updateIdentity(tenantId, userId, {
        update: 'SET updatedAt = :at REMOVE recoveryCodes.#code',
        condition: 'attribute_exists(mfa) AND attribute_exists(recoveryCodes.#code)',
        names: { '#code': recoveryCodeHash(code) },
      });
      return updated !== undefined;
    },
  };
}
