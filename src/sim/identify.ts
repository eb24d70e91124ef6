/**
 * Which service and operation a request is for. All services share one endpoint, so routing is
 * host-independent: the SigV4 credential scope names the service (`.../us-east-1/monitoring/
 * aws4_request`); without a signature, the `x-amz-target` header, the path or the form's Action do.
 */
import type { IncomingMessage } from 'node:http';
import { parseForm } from './protocols/aws-query.js';
import type { ServiceDefinition } from './services/service.js';

/** The parts of a SigV4 credential scope. */
export interface CredentialScope {
  accessKeyId: string;
  region: string;
  signingName: string;
}

/** What the router found. */
export interface Identified {
  definition: ServiceDefinition;
  /** The operation name as the client sent it ('' when none could be read). */
  operation: string;
  /** True when the service implements the operation. */
  known: boolean;
  scope: CredentialScope | undefined;
  labels: Record<string, string>;
}

const SCOPE = /Credential=([^/\s,]+)\/\d{8}\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

/** Read the credential scope from the Authorization header or a presigned URL. */
export function credentialScope(authorization: string | undefined, query: URLSearchParams): CredentialScope | undefined {
  const match = authorization ? SCOPE.exec(authorization) : null;
  if (match?.[1] && match[2] && match[3]) return { accessKeyId: match[1], region: match[2], signingName: match[3] };
  const presigned = query.get('X-Amz-Credential')?.split('/');
  if (presigned && presigned.length === 5 && presigned[0] && presigned[2] && presigned[3]) {
    return { accessKeyId: presigned[0], region: presigned[2], signingName: presigned[3] };
  }
  return undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function infer(req: IncomingMessage, url: URL, body: string, services: readonly ServiceDefinition[]): ServiceDefinition | undefined {
  const target = header(req, 'x-amz-target');
  if (target) return services.find((s) => s.target !== undefined && target.startsWith(`${s.target}.`));
  const rest = services.find((s) => s.routes?.some((route) => route.path.test(url.pathname)));
  if (rest) return rest;
  if (url.searchParams.has('Action') || /(^|&)Action=/.test(body)) return services.find((s) => s.wire.protocol === 'awsQuery');
  return undefined;
}

/** Route a request; undefined when no simulated service claims it. */
export function identify(req: IncomingMessage, url: URL, body: string, services: readonly ServiceDefinition[]): Identified | undefined {
  const scope = credentialScope(header(req, 'authorization'), url.searchParams);
  const definition = scope ? services.find((s) => s.signingName === scope.signingName) : infer(req, url, body, services);
  if (!definition) return undefined;
  let operation = '';
  const labels: Record<string, string> = {};
  switch (definition.wire.protocol) {
    case 'awsQuery':
      operation = url.searchParams.get('Action') ?? parseForm(body).Action ?? '';
      break;
    case 'awsJson1_0':
    case 'awsJson1_1': {
      const target = header(req, 'x-amz-target') ?? '';
      operation = definition.target && target.startsWith(`${definition.target}.`) ? target.slice(definition.target.length + 1) : target;
      break;
    }
    case 'restJson1':
      for (const route of definition.routes ?? []) {
        const match = route.method === req.method ? route.path.exec(url.pathname) : null;
        if (!match) continue;
        operation = route.operation;
        for (const [name, value] of Object.entries(match.groups ?? {})) labels[name] = decodeURIComponent(value);
        break;
      }
      if (!operation) operation = `${req.method ?? 'GET'} ${url.pathname}`;
      break;
  }
  const known = Object.hasOwn(definition.operations, operation);
  return { definition, operation, known, scope, labels };
}
