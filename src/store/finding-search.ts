/**
 * Filter, sort and page a tenant's findings set (from `FindingRepository.all`) in memory: the
 * set is bounded (FINDING_SET_LIMIT), so sorting by any column across pages costs one cached
 * Query per tenant instead of an index per column. Pure; the caller reads the set and the rules.
 */
import type { SeverityBand } from '../domain/records.js';
import { suppressionOf, type SuppressionRule } from '../domain/suppression.js';
import type { StoredFinding } from './finding-repository.js';

/** Sortable columns. */
export const FINDING_SORT_KEYS = ['severity', 'title', 'type', 'updatedAt', 'createdAt', 'count', 'account', 'region', 'resource'] as const;
export type FindingSortKey = (typeof FINDING_SORT_KEYS)[number];

/** `open` = not archived and not suppressed; `suppressed` = not archived but matched by an active rule. */
export type FindingStatus = 'open' | 'suppressed' | 'archived' | 'all';

export interface FindingSearch {
  status: FindingStatus;
  /** Only these bands (any when empty). */
  severity?: readonly SeverityBand[];
  accountId?: string;
  region?: string;
  /** Case-insensitive substring of the finding type. */
  type?: string;
  /** Case-insensitive substring of the resource id or type. */
  resource?: string;
  sort: FindingSortKey;
  descending: boolean;
  offset: number;
  limit: number;
}

/** A finding with the rule that suppresses it, if any. */
export interface SearchedFinding extends StoredFinding {
  suppressedBy?: SuppressionRule;
}

export interface FindingSearchResult {
  items: SearchedFinding[];
  /** Findings matching the filters, across all pages. */
  total: number;
}

const contains = (text: string | undefined, needle: string) => (text ?? '').toLowerCase().includes(needle);

function compare(key: FindingSortKey, a: StoredFinding, b: StoredFinding, accountName: (id: string) => string): number {
  switch (key) {
    case 'severity':
      return a.severity - b.severity;
    case 'count':
      return a.count - b.count;
    case 'updatedAt':
      return Date.parse(a.updatedAt) - Date.parse(b.updatedAt);
    case 'createdAt':
      return Date.parse(a.createdAt) - Date.parse(b.createdAt);
    case 'title':
      return a.title.localeCompare(b.title);
    case 'type':
      return a.type.localeCompare(b.type);
    case 'account':
      return accountName(a.accountId).localeCompare(accountName(b.accountId));
    case 'region':
      return a.region.localeCompare(b.region);
    case 'resource':
      return (a.resourceId ?? '').localeCompare(b.resourceId ?? '');
  }
}

/** Apply status (with the rules), filters, a stable sort (ties: most severe, newest, id) and the page. */
export function searchFindings(
  findings: readonly StoredFinding[],
  rules: readonly SuppressionRule[],
  query: FindingSearch,
  now: number,
  accountName: (accountId: string) => string = (id) => id,
): FindingSearchResult {
  const type = query.type?.trim().toLowerCase();
  const resource = query.resource?.trim().toLowerCase();
  const bands = new Set(query.severity ?? []);
  const matched: SearchedFinding[] = [];
  for (const finding of findings) {
    const rule = finding.archived ? undefined : suppressionOf(rules, finding.accountId, finding, now);
    const status = finding.archived ? 'archived' : rule ? 'suppressed' : 'open';
    if (query.status !== 'all' && query.status !== status) continue;
    if (bands.size > 0 && !bands.has(finding.band)) continue;
    if (query.accountId && finding.accountId !== query.accountId) continue;
    if (query.region && finding.region !== query.region) continue;
    if (type && !contains(finding.type, type)) continue;
    if (resource && !contains(finding.resourceId, resource) && !contains(finding.resourceType, resource)) continue;
    matched.push(rule ? { ...finding, suppressedBy: rule } : finding);
  }
  const direction = query.descending ? -1 : 1;
  matched.sort(
    (a, b) =>
      direction * compare(query.sort, a, b, accountName) ||
      b.severity - a.severity ||
      Date.parse(b.updatedAt) - Date.parse(a.updatedAt) ||
      `${a.accountId}#${a.id}`.localeCompare(`${b.accountId}#${b.id}`),
  );
  return { items: matched.slice(query.offset, query.offset + query.limit), total: matched.length };
}
