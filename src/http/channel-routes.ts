/**
 * Alert channels (admins): list them (URL masked, status and last error), add one (Slack
 * incoming webhook or HTTPS webhook; a webhook's signing secret is in the 201 answer only),
 * remove one, and send a test message now (rate-limited per tenant). The URL is a secret: never
 * logged, never in the audit trail, sealed at rest.
 */
import { z } from 'zod';
import type { ChannelRecord } from '../store/index.js';
import type { ChannelTestView, ChannelView, NewChannelView } from './api-types.js';
import { actorOf, recordAudit } from './audit-trail.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { idParams } from './schemas.js';

/** POST /api/channels (NewChannelRequest); the URL's rules by kind are checked below the edge (src/channels). */
export const channelCreateSchema = z.strictObject({
  kind: z.enum(['slack', 'webhook']),
  name: z.string().trim().min(1).max(100),
  url: z.string().trim().min(8).max(2048),
});

/** "Send test" per tenant: a few a minute, so the button cannot be used to hammer a receiver. */
export const CHANNEL_TEST_RATE = { limit: 5, windowMs: 60_000 };

const channelParams = idParams('channel');

const view = (record: ChannelRecord): ChannelView => ({
  id: record.id,
  kind: record.kind,
  name: record.name,
  maskedUrl: record.maskedUrl,
  status: record.status,
  failures: record.failures,
  ...(record.lastError ? { lastError: record.lastError } : {}),
  ...(record.lastErrorAt ? { lastErrorAt: record.lastErrorAt } : {}),
  ...(record.lastSuccessAt ? { lastSuccessAt: record.lastSuccessAt } : {}),
  createdAt: record.createdAt,
});

/** The channel routes. */
export function channelRoutes(rc: RouteContext): AnyRoute[] {
  const service = () => {
    if (!rc.deps.channels) throw clientError(503, 'UNAVAILABLE', 'alert channels are not available');
    return rc.deps.channels;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/api/channels',
      summary: "The tenant's alert channels (admins): URLs masked, with their status",
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      responses: { 200: 'ChannelView[]', 401: 'Problem', 503: 'Problem (UNAVAILABLE)' },
      async handler(_ctx, { session }) {
        return (await service().list(session.tenantId)).map(view);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/channels',
      summary: 'Add an alert channel (admins); a webhook’s signing secret is in this answer only',
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      body: channelCreateSchema,
      responses: {
        201: 'NewChannelView',
        400: 'Problem (CHANNEL_URL_INVALID, CHANNEL_URL_NOT_HTTPS, CHANNEL_URL_NOT_SLACK, CHANNEL_TARGET_FORBIDDEN)',
        401: 'Problem',
        409: 'Problem (CHANNEL_LIMIT)',
        503: 'Problem (UNAVAILABLE)',
      },
      async handler(ctx, { body, session, user }) {
        const { channel, signingSecret } = await service().add(session.tenantId, body);
        await recordAudit(rc, session.tenantId, { action: 'channel.added', actor: actorOf(session, user), target: channel.id, ip: ctx.ip, detail: { kind: channel.kind } });
        const reply: NewChannelView = { ...view(channel), ...(signingSecret ? { signingSecret } : {}) };
        return reply;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/channels/:id',
      summary: 'Remove an alert channel (admins); its pending deliveries are dropped',
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      params: channelParams,
      responses: { 204: 'No content', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 404: 'Problem (NOT_FOUND)', 503: 'Problem (UNAVAILABLE)' },
      async handler(ctx, { params, session, user }) {
        if (!(await service().remove(session.tenantId, params.id))) throw clientError(404, 'NOT_FOUND', 'no such channel');
        await recordAudit(rc, session.tenantId, { action: 'channel.removed', actor: actorOf(session, user), target: params.id, ip: ctx.ip });
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/channels/:id/test',
      summary: 'Send a test message to an alert channel now (admins; 5 a minute per tenant)',
      tag: 'settings',
      auth: 'session',
      role: 'admin',
      params: channelParams,
      responses: { 200: 'ChannelTestView', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 404: 'Problem (NOT_FOUND)', 429: 'Problem (RATE_LIMITED)', 503: 'Problem (UNAVAILABLE)' },
      async handler(ctx, { params, session, user }) {
        const channels = service();
        await rc.limiter.consume(`channel-test:${session.tenantId}`, CHANNEL_TEST_RATE);
        const result = await channels.sendTest(session.tenantId, params.id);
        if (!result) throw clientError(404, 'NOT_FOUND', 'no such channel');
        await recordAudit(rc, session.tenantId, { action: 'channel.tested', actor: actorOf(session, user), target: params.id, ip: ctx.ip, detail: { delivered: String(result.delivered) } });
        const reply: ChannelTestView = result.delivered ? { delivered: true, status: result.status } : { delivered: false, error: result.error };
        return reply;
      },
    }),
  ];
}
