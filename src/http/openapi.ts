/**
 * GET /api/openapi.json: an OpenAPI 3.1 document generated from the route table, with request
 * bodies and query parameters from the same zod schemas that validate them (zod 4's
 * `z.toJSONSchema`). Response bodies name their type in src/http/api-types.ts.
 */
import { z } from 'zod';
import type { AnyRoute } from './route-spec.js';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function queryParameters(schema: z.ZodType): object[] {
  const json = jsonSchemaOf(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

/** `/api/accounts/:id` -> `/api/accounts/{id}` and its path parameters. */
function openApiPath(path: string): { path: string; parameters: object[] } {
  const parameters: object[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    return `{${name}}`;
  });
  return { path: converted, parameters };
}

/** Build the document for `routes`. */
export function buildOpenApi(routes: readonly AnyRoute[], info: { publicUrl: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { path, parameters } = openApiPath(route.path);
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, description]) => {
        const code = Number(status);
        const content =
          code >= 400
            ? { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }
            : code === 204 || code === 202
              ? undefined
              : route.path === '/metrics'
                ? { 'text/plain': { schema: { type: 'string' } } }
                : route.path.endsWith('.csv')
                  ? { 'text/csv': { schema: { type: 'string' } } }
                  : { 'application/json': { schema: { type: 'object', description: `See ${description} in src/http/api-types.ts` } } };
        return [status, { description, ...(content ? { content } : {}) }];
      }),
    );
    const security = route.auth === 'session' ? [{ session: [] }] : route.auth === 'operator' ? [{ operator: [] }] : [];
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security,
      parameters: [...parameters, ...(route.query ? queryParameters(route.query) : [])],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cloud Health API',
      version: info.version,
      description: 'Tenant API (session cookie `sid`), operator endpoint (Bearer OPERATOR_TOKEN). Errors are application/problem+json with a stable `code`.',
    },
    servers: [{ url: info.publicUrl }],
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sid' },
        operator: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
