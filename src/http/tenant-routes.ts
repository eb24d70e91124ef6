/**
 * Deleting the organization (owners, with their password): API tokens revoked, alert channels and
 * every membership removed (a member who belongs nowhere else loses the sign-in and every session;
 * one who belongs elsewhere keeps those organizations), then the tenant item with its AWS accounts
 * and their sealed credentials, so the fleet stops monitoring it at its next reconcile. Collected
 * data and the audit trail stay until their TTLs expire, readable by nobody; the worker-state and
 * lease items (no TTL) are not removed yet.
 */
import { clearedSessionCookie } from './session-cookie.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { tenantDeleteSchema } from './schemas.js';
import { homeOf } from './session-start.js';

/** The organization route. */
export function tenantRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  return [
    defineRoute({
      // POST, not DELETE: the password travels in a body, which DELETE does not carry here (json-body.ts).
      method: 'post',
      path: '/api/tenant/delete',
      summary: 'Delete the organization: its members, tokens, channels, AWS accounts and monitoring (owners; the password again)',
      tag: 'settings',
      auth: 'session',
      role: 'owner',
      body: tenantDeleteSchema,
      responses: { 204: 'No content', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 403: 'Problem (ROLE_REQUIRED, WRONG_PASSWORD)', 429: 'Problem' },
      async handler(ctx, { body, session, user, tenant }) {
        await rc.limiter.consume(`tenant-delete:${session.tenantId}:${session.userId}`, rc.limits.passwordChangePerUser);
        const checked = await store.users.authenticate(user.email, body.password);
        if (checked?.id !== user.id) throw clientError(403, 'WRONG_PASSWORD', 'the password is wrong');
        for (const token of await store.apiTokens.list(tenant.id)) await store.apiTokens.revoke(tenant.id, token.id);
        if (rc.deps.channels) for (const channel of await rc.deps.channels.list(tenant.id)) await rc.deps.channels.remove(tenant.id, channel.id);
        const members = await store.users.listByTenant(tenant.id);
        for (const member of members) {
          await store.users.remove(tenant.id, member.id);
          if ((await store.users.listMemberships(homeOf(member), member.id)).length === 0) await store.sessions.revokeAllForUser(homeOf(member), member.id);
        }
        await store.tenants.remove(tenant.id);
        rc.deps.log.info({ tenant: tenant.id, user: user.id, members: members.length, ip: ctx.ip }, 'organization deleted');
        ctx.set('Set-Cookie', clearedSessionCookie({ secure: rc.secureCookies }));
        return undefined;
      },
    }),
  ];
}
