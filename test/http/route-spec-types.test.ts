/**
 * Handlers return their bodies, typed from the route's `responses`: the compiler refuses a body
 * of the wrong shape, a reply with an undeclared status, and `params` on a route without a schema
 * (the `@ts-expect-error` lines fail `npm run typecheck` the day they stop being errors). At run
 * time the returned body goes out with the route's status.
 */
import t from 'tap';
import { z } from 'zod';
import { defineRoute, reply } from '../../src/http/route-spec.js';

const base = { method: 'get', path: '/x', summary: 's', tag: 'meta', auth: 'public' } as const;

t.test('bodies are checked against the response schema at compile time', async (t) => {
  const routes = [
    defineRoute({ ...base, responses: { 200: 'HealthStatus' }, handler: () => ({ status: 'ok' as const }) }),
    // @ts-expect-error -- not a HealthStatus
    defineRoute({ ...base, responses: { 200: 'HealthStatus' }, handler: () => ({ status: 'fine' }) }),
    // @ts-expect-error -- a JSON route must return its body (no `ctx.body = ...` and nothing returned)
    defineRoute({ ...base, responses: { 200: 'HealthStatus' }, handler: () => undefined }),
    defineRoute({ ...base, responses: { 200: 'Me', 202: 'MfaChallenge' }, handler: () => reply(202, { status: 'mfa_required' as const, mfaToken: 'x', expiresAt: 'y' }) }),
    // @ts-expect-error -- 201 is not declared
    defineRoute({ ...base, responses: { 200: 'Accepted' }, handler: () => reply(201, { status: 'accepted' as const }) }),
    // @ts-expect-error -- no params schema, so no params.id
    defineRoute({ ...base, path: '/x/:id', responses: { 200: 'Accepted' }, handler: (_ctx, { params }) => ({ status: 'accepted' as const, id: params.id }) }),
    defineRoute({
      ...base,
      path: '/x/:id',
      params: z.object({ id: z.string() }),
      responses: { 200: 'RestartAccepted' },
      handler: (_ctx, { params }) => ({ status: 'restarting' as const, tenantId: params.id }),
    }),
    defineRoute({ ...base, responses: { 200: 'text/csv' }, handler: () => 'a,b\r\n' }),
    defineRoute({ ...base, responses: { 204: 'No content' }, handler: () => undefined }),
  ];
  t.equal(routes.length, 9);
});
