/**
 * GET /api/openapi.json: an OpenAPI 3.1 document generated from the route table, with request
 * bodies and query parameters from the same zod schemas that validate them, and response bodies
 * from the zod schemas of response-schemas.ts (zod 4's `z.toJSONSchema`, one component each).
 */
import { z } from 'zod';
import { RESPONSE_SCHEMAS } from './response-schemas.js';
import { requiredRole, type AnyRoute } from './route-spec.js';

const COMPONENTS = '#/components/schemas/';

/** Every named response schema as an OpenAPI component; nested named schemas become `$ref`s. */
function componentSchemas(): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', unrepresentable: 'any', uri: (id) => `${COMPONENTS}${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

/**
 * The schema a response description names: 'Settings', 'AccountView[]', 'HealthStatus | HealthDetail',
 * 'Problem (EMAIL_TAKEN)'. Undefined for a name with no schema (the OpenAPI test lists those).
 */
export function responseSchemaOf(description: string): Record<string, unknown> | undefined {
  const name = description.replace(/\s*\(.*\)\s*$/, '').trim();
  const alternatives = name.split('|').map((part) => part.trim());
  const schemas = alternatives.map((part) => {
    const array = part.endsWith('[]');
    const id = array ? part.slice(0, -2) : part;
    if (!(id in RESPONSE_SCHEMAS)) return undefined;
    const ref = { $ref: `${COMPONENTS}${id}` };
    return array ? { type: 'array', items: ref } : ref;
  });
  if (schemas.some((schema) => schema === undefined)) return undefined;
  return schemas.length === 1 ? schemas[0] : { anyOf: schemas };
}

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

/** `/api/accounts/:id` -> `/api/accounts/{id}` and its path parameters, described by the route's `params` schema. */
function openApiPath(route: AnyRoute): { path: string; parameters: object[] } {
  const properties = route.params ? ((jsonSchemaOf(route.params, 'input') as { properties?: Record<string, object> }).properties ?? {}) : {};
  const parameters: object[] = [];
  const converted = route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const schema = properties[name] ?? { type: 'string' };
    const description = (schema as { description?: unknown }).description;
    parameters.push({ name, in: 'path', required: true, ...(typeof description === 'string' ? { description } : {}), schema });
    return `{${name}}`;
  });
  return { path: converted, parameters };
}

/** Build the document for `routes`. */
export function buildOpenApi(routes: readonly AnyRoute[], info: { publicUrl: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { path, parameters } = openApiPath(route);
    // A route closed to viewers can answer 403 ROLE_REQUIRED, declared or not.
    const declared = route.auth === 'session' && requiredRole(route) !== 'viewer' && !(403 in route.responses) ? { ...route.responses, 403: 'Problem (ROLE_REQUIRED)' } : route.responses;
    const responses = Object.fromEntries(
      Object.entries(declared).map(([status, description]) => {
        const code = Number(status);
        const named = responseSchemaOf(description);
        const content =
          code === 204 || code === 304
            ? undefined
            : description.startsWith('text/') && code < 400
              ? { [description.split(';')[0]!.trim()]: { schema: { type: 'string' } } }
              : code >= 400 && !named
                ? { 'application/problem+json': { schema: { $ref: `${COMPONENTS}Problem` } } }
                : named
                  ? { [description.startsWith('Problem') ? 'application/problem+json' : 'application/json']: { schema: named } }
                  : route.path === '/api/openapi.json' || description.includes('(JSON)')
                    ? { 'application/json': { schema: { type: 'object' } } }
                    : { 'application/json': { schema: { description: `${description}: no schema in response-schemas.ts` } } };
        return [status, { description, ...(content ? { content } : {}) }];
      }),
    );
    const security = route.auth === 'session' ? [{ session: [] }] : route.auth === 'operator' ? [{ operator: [] }] : [];
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security,
      ...(route.auth === 'session' ? { 'x-role': requiredRole(route) } : {}),
      parameters: [...parameters, ...(route.query ? queryParameters(route.query) : [])],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } } } } : {}),
      // Any other error (413, 415, 429 from a proxy-facing limit, 503 while stopping) is a Problem too.
      responses: { ...responses, default: { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: `${COMPONENTS}Problem` } } } } },
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
      schemas: componentSchemas(),
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sid' },
        operator: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
