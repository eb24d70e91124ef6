/**
 * GuardDuty over restJson1: ListDetectors (GET /detector), ListFindings (POST
 * /detector/{id}/findings) and GetFindings (POST /detector/{id}/findings/get). Member names on
 * the wire are GuardDuty's camelCase jsonNames.
 */
import type { FindingState } from '../world/findings.js';
import { detectorIdFor } from '../world/inventory.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { SimError } from '../sim-error.js';
import type { ServiceDefinition, SimContext, SimRequest } from './service.js';

const MAX_RESULTS = 50;

interface Condition {
  eq?: string[];
  equals?: string[];
  neq?: string[];
  notEquals?: string[];
  gt?: number;
  greaterThan?: number;
  gte?: number;
  greaterThanOrEqual?: number;
  lt?: number;
  lessThan?: number;
  lte?: number;
  lessThanOrEqual?: number;
}

/** Criterion attributes the simulator filters on, and each one's value in a finding. */
const ATTRIBUTES: Readonly<Record<string, (f: FindingState) => string | number>> = {
  updatedAt: (f) => f.updatedAt,
  createdAt: (f) => f.createdAt,
  severity: (f) => f.severity,
  'service.archived': () => 'false',
  type: (f) => f.type,
  id: (f) => f.id,
  region: (f) => f.region,
  accountId: (f) => f.account,
  'resource.resourceType': (f) => f.resourceType,
};

function badRequest(message: string): SimError {
  return new SimError('BadRequestException', message);
}

/** The detector in the request's account and region: the account's configuration decides, else the generated world. */
function detectorIn(request: SimRequest, context: SimContext): string | undefined {
  const configured = context.accounts.guardDutyEnabled(request.account, request.region);
  if (configured === false) return undefined;
  return context.findings.detectorId(request.account, request.region) ?? (configured ? detectorIdFor(context.seed, request.account, request.region) : undefined);
}

function detectorOf(request: SimRequest, context: SimContext): string {
  const detectorId = request.labels.DetectorId ?? '';
  if (detectorIn(request, context) !== detectorId) {
    throw badRequest('The request is rejected because the input detectorId is not owned by the current account.');
  }
  return detectorId;
}

function maxResults(value: unknown): number {
  const n = value === undefined || value === null || value === '' ? MAX_RESULTS : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RESULTS) {
    throw badRequest(`1 validation error detected: Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS}`);
  }
  return n;
}

function matches(value: string | number, c: Condition): boolean {
  const n = Number(value);
  const eq = c.eq ?? c.equals;
  const neq = c.neq ?? c.notEquals;
  const gt = c.greaterThan ?? c.gt;
  const gte = c.greaterThanOrEqual ?? c.gte;
  const lt = c.lessThan ?? c.lt;
  const lte = c.lessThanOrEqual ?? c.lte;
  return (
    (eq === undefined || eq.includes(String(value))) &&
    (neq === undefined || !neq.includes(String(value))) &&
    (gt === undefined || n > gt) &&
    (gte === undefined || n >= gte) &&
    (lt === undefined || n < lt) &&
    (lte === undefined || n <= lte)
  );
}

function sortFindings(findings: FindingState[], sort: { attributeName?: string; orderBy?: string } | undefined): FindingState[] {
  if (!sort?.attributeName) return findings;
  const key = ATTRIBUTES[sort.attributeName];
  if (!key) throw badRequest(`The simulator sorts by ${Object.keys(ATTRIBUTES).join(', ')} only, not ${sort.attributeName}`);
  const direction = sort.orderBy === 'DESC' ? -1 : 1;
  return [...findings].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id)) * direction;
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A finding as GetFindings returns it. */
function toWire(f: FindingState): Record<string, unknown> {
  return {
    accountId: f.account,
    arn: `arn:aws:guardduty:${f.region}:${f.account}:detector/${f.detectorId}/finding/${f.id}`,
    createdAt: iso(f.createdAt),
    description: f.description,
    id: f.id,
    partition: 'aws',
    region: f.region,
    resource: { resourceType: f.resourceType, ...f.resource },
    schemaVersion: '2.0',
    service: {
      archived: false,
      count: f.count,
      detectorId: f.detectorId,
      eventFirstSeen: iso(f.createdAt),
      eventLastSeen: iso(f.updatedAt),
      resourceRole: 'TARGET',
      serviceName: 'guardduty',
      additionalInfo: { value: '{}', type: 'default' },
    },
    severity: f.severity,
    title: f.title,
    type: f.type,
    updatedAt: iso(f.updatedAt),
  };
}

export const guardDuty: ServiceDefinition = {
  service: 'guardduty',
  signingName: 'guardduty',
  wire: { protocol: 'restJson1' },
  routes: [
    { method: 'GET', path: /^\/detector$/, operation: 'ListDetectors' },
    { method: 'POST', path: /^\/detector\/(?<DetectorId>[^/]+)\/findings$/, operation: 'ListFindings' },
    { method: 'POST', path: /^\/detector\/(?<DetectorId>[^/]+)\/findings\/get$/, operation: 'GetFindings' },
  ],
  operations: {
    ListDetectors(request, context) {
      maxResults(request.query.get('maxResults') ?? undefined);
      const detectorId = detectorIn(request, context);
      return { output: { detectorIds: detectorId ? [detectorId] : [] } };
    },

    ListFindings(request, context) {
      detectorOf(request, context);
      const input = request.input as { findingCriteria?: { criterion?: Record<string, Condition> }; sortCriteria?: { attributeName?: string; orderBy?: string }; maxResults?: number; nextToken?: string };
      const limit = maxResults(input.maxResults);
      const criterion = input.findingCriteria?.criterion ?? {};
      for (const name of Object.keys(criterion)) {
        if (!ATTRIBUTES[name]) throw badRequest(`The simulator filters on ${Object.keys(ATTRIBUTES).join(', ')} only, not ${name}`);
      }
      const requestPrint = fingerprint([criterion, input.sortCriteria, limit]);
      let offset = 0;
      let asOf = context.now();
      if (input.nextToken) {
        const position = decodeToken(input.nextToken, requestPrint);
        if (!position) throw badRequest('The request is rejected because an invalid nextToken was given.');
        offset = Number(position.o);
        asOf = Number(position.n); // later pages see the findings as of the first page
      }
      const found = context.findings
        .list(request.account, request.region, asOf)
        .filter((f) => Object.entries(criterion).every(([name, condition]) => matches(ATTRIBUTES[name]?.(f) ?? '', condition)));
      const sorted = sortFindings(found, input.sortCriteria);
      const output: Record<string, unknown> = { findingIds: sorted.slice(offset, offset + limit).map((f) => f.id) };
      if (offset + limit < sorted.length) output.nextToken = encodeToken({ o: offset + limit, n: asOf }, requestPrint);
      return { output };
    },

    GetFindings(request, context) {
      const detectorId = detectorOf(request, context);
      const input = request.input as { findingIds?: string[]; sortCriteria?: { attributeName?: string; orderBy?: string } };
      const ids = input.findingIds ?? [];
      if (ids.length > MAX_RESULTS) {
        throw badRequest(`1 validation error detected: Value at 'findingIds' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RESULTS}`);
      }
      const findings = context.findings.get(request.account, request.region, ids, context.now()).filter((f) => f.detectorId === detectorId);
      return { output: { findings: sortFindings(findings, input.sortCriteria).map(toWire) } };
    },
  },
};
