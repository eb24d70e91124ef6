/**
 * A user's settings beside the notification flags (digest hour, time zone, an email change
 * awaiting verification): kept in the user record's own `profile` (the store migrates records
 * that held them under `x:` preference keys).
 */
import type { NotificationPreferences, ProfilePatch, UserProfile, UserRecord } from '../store/index.js';
import type { AppStore } from './app-deps.js';

export type { UserProfile };

/** The notification flags. */
export function notificationsOf(user: UserRecord): NotificationPreferences {
  const { critical, warning, costTips, dailyDigest, alarms, alarmRecovered, healthIssues, healthScheduled } = user.preferences;
  return { critical, warning, costTips, dailyDigest, alarms, alarmRecovered, healthIssues, healthScheduled };
}

/** The profile of a user. */
export function profileOf(user: UserRecord): UserProfile {
  return user.profile;
}

/** Write notification flags and profile fields; `pendingEmail: null` clears it. */
export async function updateProfile(
  users: AppStore['users'],
  tenantId: string,
  userId: string,
  patch: Partial<NotificationPreferences> & ProfilePatch,
): Promise<UserRecord> {
  const { digestHour, timezone, pendingEmail, ...flags } = patch;
  let user: UserRecord | undefined;
  if (Object.keys(flags).length > 0) user = await users.updatePreferences(tenantId, userId, flags);
  if (digestHour !== undefined || timezone !== undefined || pendingEmail !== undefined) {
    user = await users.updateProfile(tenantId, userId, {
      ...(digestHour !== undefined ? { digestHour } : {}),
      ...(timezone !== undefined ? { timezone } : {}),
      ...(pendingEmail !== undefined ? { pendingEmail } : {}),
    });
  }
  return user ?? (await users.updatePreferences(tenantId, userId, {}));
}
