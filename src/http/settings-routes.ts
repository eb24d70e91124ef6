/**
 * The user's settings: notification preferences, digest hour and zone, the tenant's budget, and
 * the email address. A new address is not taken at once: it waits as `pendingEmail` until the
 * link mailed to it is opened, so a typo cannot lock the user out.
 */
import type { Settings } from './api-types.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, roleAtLeast, type AnyRoute } from './route-spec.js';
import { settingsUpdateSchema } from './schemas.js';
import { sendSecurityNotice } from './security-mail.js';
import { updateProfile } from './user-profile.js';
import { sendVerification } from './verification-mail.js';
import { settingsView } from './views.js';

/** The settings routes. */
export function settingsRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;

  /** Read after a change: the request's user and tenant are from before it. */
  async function load(tenantId: string, userId: string): Promise<Settings> {
    const [user, tenant] = await Promise.all([store.users.get(tenantId, userId), store.tenants.get(tenantId)]);
    if (!user || !tenant) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
    return settingsView(user, tenant);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/settings',
      summary: 'Email, notification preferences, digest time and monthly budget',
      tag: 'settings',
      auth: 'session',
      responses: { 200: 'Settings', 401: 'Problem' },
      handler(_ctx, { user, tenant }) {
        return settingsView(user, tenant);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/settings',
      summary: 'Change settings (a partial Settings); a new email is verified before it is used',
      tag: 'settings',
      auth: 'session',
      // Personal settings are anyone's; the tenant's budget needs admin (checked below).
      role: 'viewer',
      body: settingsUpdateSchema,
      responses: { 200: 'Settings', 400: 'Problem', 401: 'Problem', 403: 'Problem (ROLE_REQUIRED)', 429: 'Problem' },
      async handler(_ctx, { body, session: { tenantId, userId, role }, user }) {
        if ((body.monthlyBudgetUsd !== undefined || body.monitoringCapUsd !== undefined) && !roleAtLeast(role, 'admin')) {
          throw clientError(403, 'ROLE_REQUIRED', "the tenant's budget needs the admin role");
        }
        let pendingEmail: string | null | undefined;
        let addressTaken = false;
        if (body.email !== undefined && body.email !== user.email) {
          await rc.limiter.consume(`email-change:${tenantId}:${userId}`, rc.limits.emailChangePerUser);
          // Taken or not, the answer is the same (no enumeration oracle); the new address is
          // told which it was: a link to confirm, or a notice that it already has an account.
          addressTaken = (await store.users.findByEmail(body.email)) !== undefined;
          pendingEmail = body.email;
        } else if (body.email !== undefined) {
          // Back to the current address: drop a pending change.
          pendingEmail = null;
        }
        const profilePatch = {
          ...body.notifications,
          ...(body.digestHour !== undefined ? { digestHour: body.digestHour } : {}),
          ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
          ...(pendingEmail !== undefined ? { pendingEmail } : {}),
        };
        if (Object.keys(profilePatch).length > 0) await updateProfile(store.users, tenantId, userId, profilePatch);
        if (body.monthlyBudgetUsd !== undefined) {
          // 0 means "no budget": the store's settings merge cannot remove a key, and the budget rule is off at 0.
          await store.tenants.updateSettings(tenantId, { monthlyBudgetUsd: body.monthlyBudgetUsd ?? 0 });
          rc.deps.onTenantChanged(tenantId);
        }
        if (body.monitoringCapUsd !== undefined) {
          // 0 means "no cap", as for the budget; the collectors read it at their next run.
          await store.tenants.updateSettings(tenantId, { monitoringCapUsd: body.monitoringCapUsd ?? 0 });
          rc.deps.onTenantChanged(tenantId);
        }
        if (typeof pendingEmail === 'string') {
          const to = pendingEmail;
          if (addressTaken) rc.background.run('email-change-taken', () => sendSecurityNotice(rc, to, { kind: 'email_change_taken' }));
          else rc.background.run('email-change-verify', () => sendVerification(rc, { tenantId, userId, email: to }));
        }
        return load(tenantId, userId);
      },
    }),
  ];
}
