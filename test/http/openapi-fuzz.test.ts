/**
 * A property-based fuzz of every operation in /api/openapi.json (fast-check): random path
 * parameters, query parameters and JSON bodies — some shaped by the operation's own schema,
 * some junk — sent by a signed-in owner. No answer may be a 5xx, and every answer must match
 * the response the document declares for it.
 */
import fc from 'fast-check';
import t from 'tap';
import { documentValidator } from './fixtures/openapi-validator.js';
import { sessionPair, startWorld } from './fixtures/harness.js';
import { seed } from './fixtures/seed.js';

const RUNS_PER_OPERATION = 12;

/** A value for a JSON Schema (roughly): right type with odd contents, or anything at all. */
function valueFor(schema: any): fc.Arbitrary<unknown> {
  const odd = fc.oneof(fc.string(), fc.constantFrom('', ' ', '0', '-1', '1e309', '2026-02-30', 'null', '../..', '%00', '\u0000', 'a'.repeat(300)));
  if (!schema || typeof schema !== 'object') return fc.jsonValue();
  if (Array.isArray(schema.enum)) return fc.oneof(fc.constantFrom(...schema.enum), odd);
  if (schema.anyOf || schema.oneOf) return fc.oneof(...(schema.anyOf ?? schema.oneOf).map(valueFor));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return fc.oneof(odd, fc.emailAddress(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
    case 'number':
    case 'integer':
      return fc.oneof(fc.integer(), fc.double(), fc.constantFrom(5e-324, 1e308, -0, 0.001));
    case 'boolean':
      return fc.oneof(fc.boolean(), odd);
    case 'array':
      return fc.oneof(fc.array(valueFor(schema.items), { maxLength: 4 }), fc.jsonValue());
    case 'object': {
      const properties = Object.entries((schema.properties ?? {}) as Record<string, unknown>);
      if (properties.length === 0) return fc.oneof(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), fc.jsonValue());
      return fc.oneof(fc.record(Object.fromEntries(properties.map(([name, property]) => [name, valueFor(property)])), { requiredKeys: [] }), fc.jsonValue());
    }
    default:
      return fc.jsonValue();
  }
}

/** Edge values of a schema's type, sent one field at a time (random bodies rarely isolate one). */
function edgeValues(schema: any): unknown[] {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  switch (type) {
    case 'string':
      return ['', ' ', 'a'.repeat(300), '2026-00-10', '2026-02-30', '0000-01-01', '9999-99-99', '275760-09-14T00:00:00Z', '%00', '../..'];
    case 'number':
    case 'integer':
      return [5e-324, 1e-130, 1e308, -1, 0, 0.001, 2 ** 53 + 1];
    case 'boolean':
      return [null, 'true'];
    case 'array':
      return [[], [null], Array.from({ length: 50 }, () => 'x')];
    case 'object':
      return [{}, []];
    default:
      return [null];
  }
}

t.test('no 5xx and every answer as declared, for every operation', async (t) => {
  const w = await startWorld(t, { mode: 'demo', operatorToken: undefined });
  const { a, accountId } = await seed(w);
  w.registry.tenantStarted(a.tenantId);
  const document = (await w.request('GET', '/api/openapi.json')).json;
  const validator = documentValidator(document);
  let cookie = a.cookie;
  const relogin = async () => {
    if ((await w.request('GET', '/api/me', { cookie })).status === 200) return;
    w.clock.now += 120_000; // past any login delay the fuzz itself caused
    const login = await w.request('POST', '/api/auth/login', { body: { email: a.email, password: a.password } });
    if (login.status === 200) cookie = sessionPair(login);
  };
  let requests = 0;
  const failures: string[] = [];
  for (const [method, template] of validator.operations) {
    const operation = document.paths[template][method.toLowerCase()];
    const query = Object.fromEntries(
      ((operation.parameters ?? []) as { name: string; in: string; schema: unknown }[]).filter((p) => p.in === 'query').map((p) => [p.name, valueFor(p.schema)]),
    );
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const input = fc.record({
      id: fc.oneof(fc.constantFrom(accountId, a.tenantId, a.userId, 'nope'), fc.string({ minLength: 1, maxLength: 80 })),
      query: fc.record(query as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] }),
      body: bodySchema ? valueFor(bodySchema) : fc.option(fc.jsonValue(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ id, query: params, body }) => {
        await relogin();
        const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
        const path = template.replace(/\{[^}]+\}/g, encodeURIComponent(id)) + (search ? `?${search}` : '');
        const reply = await w.request(method, path, { cookie, ...(body !== undefined && method !== 'GET' ? { body } : {}) });
        requests += 1;
        const problems = reply.status >= 500 ? [`${method} ${path} -> ${reply.status} ${reply.text.slice(0, 200)}`] : validator.check(method, path.split('?')[0]!, reply);
        if (problems.length > 0) failures.push(...problems.map((p) => `${p} (body ${JSON.stringify(body)?.slice(0, 120)})`));
        return problems.length === 0;
      }),
      { numRuns: RUNS_PER_OPERATION, seed: 20261202, endOnFailure: true },
    ).catch(() => undefined);
  }
  t.same(failures.slice(0, 20), [], `${requests} fuzzed requests over ${validator.operations.length} operations`);

  // Then each body field and query parameter alone, with each edge value of its type.
  const edgeFailures: string[] = [];
  let edges = 0;
  for (const [method, template] of validator.operations) {
    const operation = document.paths[template][method.toLowerCase()];
    const path = template.replace(/\{[^}]+\}/g, 'nope');
    const bodyProperties = Object.entries((operation.requestBody?.content?.['application/json']?.schema?.properties ?? {}) as Record<string, unknown>);
    const queryParameters = ((operation.parameters ?? []) as { name: string; in: string; schema: unknown }[]).filter((p) => p.in === 'query');
    const cases: { path: string; body?: unknown }[] = [
      ...bodyProperties.flatMap(([name, schema]) => edgeValues(schema).map((value) => ({ path, body: { [name]: value } }))),
      ...queryParameters.flatMap((p) => edgeValues(p.schema).map((value) => ({ path: `${path}?${new URLSearchParams({ [p.name]: String(value) })}` }))),
    ];
    for (const edge of cases) {
      await relogin();
      const reply = await w.request(method, edge.path, { cookie, ...(edge.body !== undefined ? { body: edge.body } : {}) });
      edges += 1;
      const problems = reply.status >= 500 ? [`${method} ${edge.path} -> ${reply.status}`] : validator.check(method, edge.path.split('?')[0]!, reply);
      edgeFailures.push(...problems.map((p) => `${p} (body ${JSON.stringify(edge.body)})`));
    }
  }
  t.same(edgeFailures.slice(0, 20), [], `${edges} edge-value requests`);
});
