/**
 * Security Hub over restJson1 (Security Hub API reference): GetEnabledStandards (POST
 * /standards/get), DescribeStandardsControls (GET /standards/controls/{StandardsSubscriptionArn+})
 * and GetFindings (POST /findings). Members are PascalCase on the wire. Paging: `MaxResults` at
 * most 100, `NextToken`; an invalid token or a filter the simulator does not know is
 * InvalidInputException (400). Not enabled in the region: InvalidAccessException 401, answered
 * before any operation runs (account-refusal.ts).
 */
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { SimError } from '../sim-error.js';
import { SIM_STANDARDS, hubFindingsAt, standardsArn, subscriptionArn, type SimHubFinding } from '../world/security-hub.js';
import type { ServiceDefinition } from './service.js';

function invalidInput(message: string): SimError {
  return new SimError('InvalidInputException', message);
}

function maxResults(value: unknown, fallback: number): number {
  const n = value === undefined || value === null || value === '' ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw invalidInput(`Invalid MaxResults: ${String(value)} (1-100)`);
  return n;
}

function paged<T>(items: T[], token: unknown, limit: number, print: string): { items: T[]; next?: string } {
  let offset = 0;
  if (token !== undefined && token !== null && token !== '') {
    const position = decodeToken(token, print);
    if (!position) throw invalidInput('The NextToken is invalid.');
    offset = Number(position.o);
  }
  return { items: items.slice(offset, offset + limit), ...(offset + limit < items.length ? { next: encodeToken({ o: offset + limit }, print) } : {}) };
}

interface StringFilter {
  Value?: string;
  Comparison?: string;
}
interface DateFilter {
  Start?: string;
  End?: string;
  DateRange?: { Value?: number; Unit?: string };
}

/** The string filters the simulator applies (AwsSecurityFindingFilters), and each one's value in a finding. */
const STRING_FILTERS: Readonly<Record<string, (f: SimHubFinding) => string | undefined>> = {
  RecordState: (f) => f.RecordState,
  WorkflowStatus: (f) => f.Workflow.Status,
  ComplianceStatus: (f) => f.Compliance?.Status,
  ProductName: (f) => f.ProductName,
  AwsAccountId: (f) => f.AwsAccountId as string,
};

function matchesString(value: string | undefined, filters: StringFilter[]): boolean {
  // Filters on one field: EQUALS values are ORed, NOT_EQUALS ANDed (AwsSecurityFindingFilters).
  const equals = filters.filter((f) => (f.Comparison ?? 'EQUALS') === 'EQUALS').map((f) => f.Value);
  const notEquals = filters.filter((f) => f.Comparison === 'NOT_EQUALS').map((f) => f.Value);
  for (const f of filters) {
    if (!['EQUALS', 'NOT_EQUALS'].includes(f.Comparison ?? 'EQUALS')) throw invalidInput(`The simulator supports EQUALS and NOT_EQUALS, not ${f.Comparison}`);
  }
  return (equals.length === 0 || equals.includes(value)) && !notEquals.includes(value);
}

function matchesDate(value: string, filters: DateFilter[], now: number): boolean {
  const t = Date.parse(value);
  return filters.some((f) => {
    if (f.DateRange) {
      if (f.DateRange.Unit !== 'DAYS') throw invalidInput('DateRange.Unit must be DAYS');
      return t >= now - (f.DateRange.Value ?? 0) * 86_400_000;
    }
    return (f.Start === undefined || t >= Date.parse(f.Start)) && (f.End === undefined || t <= Date.parse(f.End));
  });
}

export const securityHub: ServiceDefinition = {
  service: 'securityhub',
  signingName: 'securityhub',
  wire: { protocol: 'restJson1' },
  routes: [
    { method: 'POST', path: /^\/standards\/get$/, operation: 'GetEnabledStandards' },
    { method: 'GET', path: /^\/standards\/controls\/(?<StandardsSubscriptionArn>.+)$/, operation: 'DescribeStandardsControls' },
    { method: 'POST', path: /^\/findings$/, operation: 'GetFindings' },
  ],
  operations: {
    GetEnabledStandards(request) {
      const input = request.input as { NextToken?: string; MaxResults?: number };
      const all = SIM_STANDARDS.map((s) => ({
        StandardsSubscriptionArn: subscriptionArn(request.region, request.account, s),
        StandardsArn: standardsArn(request.region, s),
        StandardsInput: {},
        StandardsStatus: 'READY',
      }));
      const got = paged(all, input.NextToken, maxResults(input.MaxResults, 100), fingerprint(['standards', request.region]));
      return { output: { StandardsSubscriptions: got.items, ...(got.next ? { NextToken: got.next } : {}) } };
    },

    DescribeStandardsControls(request) {
      const arn = request.labels.StandardsSubscriptionArn ?? '';
      const standard = SIM_STANDARDS.find((s) => subscriptionArn(request.region, request.account, s) === arn);
      if (!standard) throw invalidInput(`StandardsSubscriptionArn ${arn} is not a subscription of this account in ${request.region}`);
      const controls = standard.controls.map((c) => ({
        StandardsControlArn: `arn:aws:securityhub:${request.region}:${request.account}:control/${standard.key}/v/${standard.version}/${c.id}`,
        ControlStatus: c.id === standard.disabled ? 'DISABLED' : 'ENABLED',
        ...(c.id === standard.disabled ? { DisabledReason: 'Not applicable to this account' } : {}),
        ControlId: c.id,
        Title: c.title,
        Description: c.title,
        RemediationUrl: `https://docs.aws.amazon.com/console/securityhub/${c.id}/remediation`,
        SeverityRating: c.severity,
      }));
      const got = paged(controls, request.query.get('NextToken') ?? undefined, maxResults(request.query.get('MaxResults') ?? undefined, 100), fingerprint(['controls', arn]));
      return { output: { Controls: got.items, ...(got.next ? { NextToken: got.next } : {}) } };
    },

    GetFindings(request, context) {
      const input = request.input as { Filters?: Record<string, unknown[]>; NextToken?: string; MaxResults?: number; SortCriteria?: unknown };
      const filters = input.Filters ?? {};
      for (const name of Object.keys(filters)) {
        if (!STRING_FILTERS[name] && name !== 'UpdatedAt') throw invalidInput(`The simulator filters on ${[...Object.keys(STRING_FILTERS), 'UpdatedAt'].join(', ')} only, not ${name}`);
      }
      const limit = maxResults(input.MaxResults, 100);
      const print = fingerprint([filters, limit]);
      // Later pages see the findings as of the first page, as a consistent listing.
      const asOf = input.NextToken ? Number(decodeToken(input.NextToken, print)?.n ?? context.now()) : context.now();
      const found = hubFindingsAt(context.seed, request.account, request.region, asOf)
        .filter((f) => Object.entries(STRING_FILTERS).every(([name, value]) => filters[name] === undefined || matchesString(value(f), filters[name] as StringFilter[])))
        .filter((f) => filters.UpdatedAt === undefined || matchesDate(f.UpdatedAt, filters.UpdatedAt as DateFilter[], asOf))
        .sort((a, b) => b.UpdatedAt.localeCompare(a.UpdatedAt) || a.Id.localeCompare(b.Id));
      let offset = 0;
      if (input.NextToken) {
        const position = decodeToken(input.NextToken, print);
        if (!position) throw invalidInput('The NextToken is invalid.');
        offset = Number(position.o);
      }
      const output: Record<string, unknown> = { Findings: found.slice(offset, offset + limit) };
      if (offset + limit < found.length) output.NextToken = encodeToken({ o: offset + limit, n: asOf }, print);
      return { output };
    },
  },
};
