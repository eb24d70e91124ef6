/**
 * What each cached read depends on, so a write drops only the entries it can change: a metrics
 * run (every 30 s to 5 min per account) must not evict the tenant's findings, costs or
 * recommendations. One table from a cache key's first segment (`findings:open:…` -> `findings`)
 * to the data kinds it reads; a key not in the table depends on every kind, so forgetting an
 * entry here costs hit rate, never freshness.
 */

/** The kinds of tenant data a write changes. */
export const DATA_KINDS = ['tenant', 'metrics', 'state', 'costs', 'findings', 'recommendations'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/**
 * The kinds whose change a rendered response never answers from the body before it: every write a
 * user makes through the API bumps `tenant` (settings, accounts, suppression rules and the other
 * tenant changes invalidate every kind; a recommendation's status bumps `recommendations` and
 * `tenant`), so a user sees their own change in the next answer. The other kinds change with
 * collection (and the recommendations refresher after it): a rendered response may answer such a
 * change with the body from before it while one rebuild runs (rendered-responses.ts).
 */
export const USER_WRITTEN_KINDS: readonly DataKind[] = ['tenant'];

/**
 * The data kinds read by keys with each first segment. `state` is the run records and the
 * alarm, AWS Health and Security Hub snapshots (one Query); `recommendations:current` is derived
 * from metrics too, but through the refresher: after a collection it syncs the computed set into
 * the recommendations table, and that write (when anything changed) drops it.
 */
const DEPENDENCIES: Readonly<Record<string, readonly DataKind[]>> = {
  metrics: ['metrics'],
  catalog: ['metrics'],
  costs: ['costs'],
  findings: ['findings'],
  recommendations: ['recommendations', 'costs', 'findings', 'state', 'tenant'],
  overview: ['tenant', 'state'],
  alarms: ['state'],
  tenant: ['tenant'],
  'mfa-required': ['tenant'],
};

/** The data kinds the cached read `key` depends on (every kind for a key the table does not know). */
export function dependenciesOf(key: string): readonly DataKind[] {
  const colon = key.indexOf(':');
  const head = colon < 0 ? key : key.slice(0, colon);
  return Object.hasOwn(DEPENDENCIES, head) ? DEPENDENCIES[head]! : DATA_KINDS;
}
