/**
 * The people of a tenant: anyone reads the list; owners invite by email, change roles and remove
 * people; anyone may leave. The last owner can neither leave, be removed nor be demoted, so a
 * tenant always has someone who can manage it. An invitation is a user waiting in the tenant,
 * unverified, with a single-use link (7 days) to choose a password; following it proves the
 * address. An address that already has a confirmed account becomes a member at once (a user may
 * belong to several organizations, with a role in each) and is told by email; the owner gets the
 * same answer either way. Leaving one organization keeps the others (and the sign-in).
 */
import type { UserRecord } from '../store/index.js';
import type { MemberView } from './api-types.js';
import { actorOf, recordAudit } from './audit-trail.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, roleOf, type AnyRoute } from './route-spec.js';
import { idParams, memberInviteSchema, memberPatchSchema } from './schemas.js';
import { sendSecurityNotice } from './security-mail.js';
import { homeOf } from './session-start.js';

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 86_400_000;

const memberView = (user: UserRecord): MemberView => ({ id: user.id, email: user.email, role: roleOf(user.role), active: user.emailVerified, mfa: user.mfaEnabled === true, createdAt: user.createdAt });
const lastOwner = () => clientError(409, 'LAST_OWNER', 'a tenant needs an owner: make someone else owner first');
const memberParams = idParams('member');

/** The member routes. */
export function memberRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;

  async function memberOf(tenantId: string, id: string): Promise<UserRecord> {
    const user = await store.users.get(tenantId, id);
    if (!user) throw clientError(404, 'NOT_FOUND', 'no such member');
    return user;
  }

  /** True when `user` is the tenant's only active owner. */
  async function isLastOwner(user: UserRecord): Promise<boolean> {
    if (roleOf(user.role) !== 'owner') return false;
    const owners = (await store.users.listByTenant(user.tenantId)).filter((u) => roleOf(u.role) === 'owner' && u.emailVerified);
    return owners.length <= 1 && owners.every((u) => u.id === user.id);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/members',
      summary: 'The people of the tenant and their roles',
      tag: 'settings',
      auth: 'session',
      responses: { 200: 'MemberView[]', 401: 'Problem' },
      async handler(_ctx, { session: { tenantId } }) {
        const users = await store.users.listByTenant(tenantId);
        return users.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.email.localeCompare(b.email)).map(memberView);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/members',
      summary: 'Invite someone by email with a role (owners); 202 whether or not the address has an account',
      tag: 'settings',
      auth: 'session',
      role: 'owner',
      body: memberInviteSchema,
      responses: { 202: 'Invited', 400: 'Problem', 401: 'Problem', 429: 'Problem' },
      async handler(ctx, { body, session, tenant, user: caller }) {
        await rc.limiter.consume(`invite:${session.tenantId}`, rc.limits.signupPerIp);
        // The password is never used: the invitee chooses one through the link.
        const placeholder = `${crypto.randomUUID()}${crypto.randomUUID()}`;
        const invited = await store.users.create({ tenantId: tenant.id, email: body.email, password: placeholder, role: body.role }).catch((error: unknown) => {
          if ((error as { code?: unknown }).code === 'EMAIL_TAKEN') return undefined;
          throw error;
        });
        if (invited) {
          rc.background.run('invitation', async () => {
            const token = await store.tokens.issue({ purpose: 'reset_password', tenantId: tenant.id, userId: invited.id, email: invited.email, ttlMs: INVITATION_TTL_MS });
            await sendSecurityNotice(rc, invited.email, { kind: 'invitation', token, organization: tenant.name, role: body.role, expiresInDays: INVITATION_TTL_MS / 86_400_000 });
          });
        } else {
          const existing = await store.users.findByEmail(body.email);
          // Only a confirmed account joins: an unconfirmed signup may be someone else's claim
          // on the address (account pre-hijacking) and is replaced when its owner signs up.
          const added = existing?.emailVerified ? await store.users.addMembership({ tenantId: tenant.id, userId: existing.id, homeTenantId: existing.tenantId, role: body.role }) : undefined;
          if (added) {
            rc.background.run('membership-added', () => sendSecurityNotice(rc, added.email, { kind: 'membership_added', organization: tenant.name, role: body.role }));
          } else if (existing && !existing.emailVerified) {
            rc.background.run('invitation-existing', () => sendSecurityNotice(rc, body.email, { kind: 'invitation_existing', organization: tenant.name }));
          }
        }
        await recordAudit(rc, tenant.id, { action: 'member.invited', actor: actorOf(session, caller), ip: ctx.ip, detail: { email: body.email, role: body.role } });
        return { status: 'invited' as const, email: body.email };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/members/:id',
      summary: "Change a member's role (owners); the last owner cannot be demoted",
      tag: 'settings',
      auth: 'session',
      role: 'owner',
      params: memberParams,
      body: memberPatchSchema,
      responses: { 200: 'MemberView', 400: 'Problem', 401: 'Problem', 404: 'Problem (NOT_FOUND)', 409: 'Problem (LAST_OWNER)' },
      async handler(ctx, { body, params, session, user: caller }) {
        const user = await memberOf(session.tenantId, params.id);
        if (body.role !== 'owner' && (await isLastOwner(user))) throw lastOwner();
        const updated = await store.users.setRole(user.tenantId, user.id, body.role);
        await recordAudit(rc, session.tenantId, { action: 'member.role_changed', actor: actorOf(session, caller), target: user.id, ip: ctx.ip, detail: { role: body.role } });
        return memberView(updated);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/members/:id',
      summary: 'Remove a member (owners), or leave (anyone, with their own id); the last owner cannot',
      tag: 'settings',
      auth: 'session',
      // Leaving is anyone's; removing someone else needs owner (checked below).
      role: 'viewer',
      params: memberParams,
      responses: { 204: 'No content', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 403: 'Problem (ROLE_REQUIRED)', 404: 'Problem (NOT_FOUND)', 409: 'Problem (LAST_OWNER)' },
      async handler(ctx, { params, session, user: caller }) {
        const leaving = params.id === session.userId;
        // Members are no secret to anyone in the tenant (GET /api/members), so 404 comes first.
        const user = await memberOf(session.tenantId, params.id);
        if (!leaving && session.role !== 'owner') throw clientError(403, 'ROLE_REQUIRED', 'removing someone needs the owner role');
        if (await isLastOwner(user)) throw lastOwner();
        await store.users.remove(user.tenantId, user.id);
        // Their API tokens here go too: a token acts as its creator, so one left behind would come
        // back to life if the person were invited again.
        for (const token of await store.apiTokens.list(session.tenantId)) if (token.userId === user.id) await store.apiTokens.revoke(session.tenantId, token.id);
        // Their sessions in this organization fail from the next request (membership is read at
        // each one); a user left with no organization at all is signed out everywhere.
        if ((await store.users.listMemberships(homeOf(user), user.id)).length === 0) await store.sessions.revokeAllForUser(homeOf(user), user.id);
        await recordAudit(rc, session.tenantId, { action: leaving ? 'member.left' : 'member.removed', actor: actorOf(session, caller), target: user.id, ip: ctx.ip });
        return undefined;
      },
    }),
  ];
}
