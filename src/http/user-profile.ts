/**
 * ADAPTER until the store has these fields: the user settings the store's `UserRecord` lacks
 * (digest hour, time zone, an email change awaiting verification) ride in the user's stored
 * `preferences` map under keys of their own. `updatePreferences` merges and `toUser` spreads the
 * stored map, so they round-trip. Replace with real `UserRecord` fields when the store adds them.
 */
import type { NotificationPreferences, UserRecord } from '../store/index.js';
import type { AppStore } from './app-deps.js';

/** The settings kept beside the notification flags. */
export interface UserProfile {
  /** 0-23, in `timezone`. Default 8. */
  digestHour: number;
  /** IANA zone. Default UTC. */
  timezone: string;
  /** An address the user asked to change to, not verified yet. */
  pendingEmail?: string;
}

const EXTRA = { digestHour: 'x:digestHour', timezone: 'x:timezone', pendingEmail: 'x:pendingEmail' } as const;

/** The notification flags alone (the extras removed). */
export function notificationsOf(user: UserRecord): NotificationPreferences {
  const { critical, warning, costTips, dailyDigest, alarms, alarmRecovered } = user.preferences;
  return { critical, warning, costTips, dailyDigest, alarms, alarmRecovered };
}

/** Read the profile of a user. */
export function profileOf(user: UserRecord): UserProfile {
  const raw = user.preferences as unknown as Record<string, unknown>;
  const hour = raw[EXTRA.digestHour];
  const zone = raw[EXTRA.timezone];
  const pending = raw[EXTRA.pendingEmail];
  return {
    digestHour: typeof hour === 'number' && Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : 8,
    timezone: typeof zone === 'string' && zone !== '' ? zone : 'UTC',
    ...(typeof pending === 'string' && pending !== '' ? { pendingEmail: pending } : {}),
  };
}

/** Write notification flags and profile fields; `pendingEmail: null` clears it. */
export async function updateProfile(
  users: AppStore['users'],
  tenantId: string,
  userId: string,
  patch: Partial<NotificationPreferences> & { digestHour?: number; timezone?: string; pendingEmail?: string | null },
): Promise<UserRecord> {
  const { digestHour, timezone, pendingEmail, ...flags } = patch;
  const stored: Record<string, unknown> = { ...flags };
  if (digestHour !== undefined) stored[EXTRA.digestHour] = digestHour;
  if (timezone !== undefined) stored[EXTRA.timezone] = timezone;
  // '' rather than removing: the store's merge cannot delete a key.
  if (pendingEmail !== undefined) stored[EXTRA.pendingEmail] = pendingEmail ?? '';
  return users.updatePreferences(tenantId, userId, stored as Partial<NotificationPreferences>);
}
