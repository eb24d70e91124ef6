/**
 * Path parameters are validated by each route's `params` schema: a malformed id is 400
 * VALIDATION_FAILED naming `params.<name>`, for every route with a path parameter (taken from
 * the OpenAPI document, so a new route is covered without being listed), never a 404 or a 500.
 */
import t from 'tap';
import { z } from 'zod';
import { defineRoute, registerRoutes } from '../../src/http/route-spec.js';
import { OPERATOR_TOKEN, signIn, startWorld } from './fixtures/harness.js';

t.test('a malformed path parameter is 400 VALIDATION_FAILED on every route that has one', async (t) => {
  const w = await startWorld(t, { operatorToken: OPERATOR_TOKEN });
  const a = await signIn(w, 'params@example.com');
  const document = (await w.request('GET', '/api/openapi.json')).json;
  let checked = 0;
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
    if (!path.includes('{')) continue;
    for (const [method, operation] of Object.entries(operations)) {
      const names = (operation.parameters as { in: string; name: string; schema: Record<string, unknown> }[]).filter((p) => p.in === 'path');
      t.ok(names.length > 0, `${method} ${path} declares its path parameters`);
      for (const parameter of names) t.ok(parameter.schema.pattern ?? parameter.schema.enum, `${method} ${path}: {${parameter.name}} has a shape in the document`);
      const malformed = path.replace(/\{[^}]+\}/g, 'a%23b');
      const auth = operation.security?.[0]?.operator ? { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } } : { cookie: a.cookie };
      const reply = await w.request(method.toUpperCase(), malformed, { ...auth, ...(method === 'get' ? {} : { body: {} }) });
      t.equal(reply.status, 400, `${method.toUpperCase()} ${malformed} is 400`);
      t.equal(reply.json?.code, 'VALIDATION_FAILED', `${method.toUpperCase()} ${malformed} has the validation code`);
      t.match(reply.json?.errors?.[0]?.path, /^params\./, `${method.toUpperCase()} ${malformed} names the parameter`);
      checked += 1;
    }
  }
  t.ok(checked >= 15, `every route with a path parameter was tried (${checked})`);
  // Well-formed but unknown is still 404: the schema checks the shape, the store the existence.
  t.equal((await w.request('DELETE', '/api/tokens/k-unknown', { cookie: a.cookie })).status, 404);
  t.equal((await w.request('POST', '/ops/tenants/t-unknown/restart', { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).status, 404);
});

t.test('a route whose path parameters and params schema disagree is refused at start-up', async (t) => {
  const router = { get() {} } as never;
  const guards = { public: async () => {}, session: async () => {}, operator: async () => {} };
  const route = (path: string, params?: z.ZodType) =>
    defineRoute({ method: 'get', path, summary: 's', tag: 'meta', auth: 'public', ...(params ? { params } : {}), responses: { 204: 'No content' }, handler: () => undefined });
  t.throws(() => registerRoutes(router, [route('/x/:id')], guards, () => async () => {}, async () => ({}) as never), /params schema/, 'a path parameter without a schema');
  t.throws(() => registerRoutes(router, [route('/x/:id', z.object({ name: z.string() }))], guards, () => async () => {}, async () => ({}) as never), /params schema/, 'a schema with other keys');
  t.doesNotThrow(() => registerRoutes(router, [route('/x/:id', z.object({ id: z.string() }))], guards, () => async () => {}, async () => ({}) as never));
});
