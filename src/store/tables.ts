/**
 * The DynamoDB tables: one per kind of data, so each has its own TTL and its consumed capacity
 * is reported separately. All are on-demand (PAY_PER_REQUEST). Every tenant item's partition
 * key starts with the tenant id; sessions, tokens and email claims are looked up by a secret's
 * hash or an email before any tenant is known, and leases belong to the fleet.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type TableKind =
  | 'tenants'
  | 'users'
  | 'sessions'
  | 'tokens'
  | 'metrics'
  | 'costs'
  | 'findings'
  | 'recommendations'
  | 'alerts'
  | 'leases'
  | 'state'
  | 'audit';

export const TABLE_KINDS: readonly TableKind[] = [
  'tenants',
  'users',
  'sessions',
  'tokens',
  'metrics',
  'costs',
  'findings',
  'recommendations',
  'alerts',
  'leases',
  'state',
  'audit',
];

interface IndexSpec {
  name: string;
  hashKey: string;
  rangeKey: string;
  /** `ALL` copies every attribute; `KEYS_ONLY` means updates of other attributes cost no index write. */
  projection: 'ALL' | 'KEYS_ONLY';
}

/** Key schema of one table. Key attributes are strings. */
export interface TableSpec {
  hashKey: 'pk';
  rangeKey?: 'sk';
  /** True when items carry an epoch-seconds `ttl` attribute that DynamoDB should expire. */
  ttl: boolean;
  /** A global index with a few fixed ("bucket") partitions, for fleet-wide listings. */
  gsi?: IndexSpec;
  /** A local index: another sort order inside a tenant's partition. */
  lsi?: IndexSpec;
}

/** Index names, used by the repositories. */
export const INDEX = Object.freeze({ tenantsByFleet: 'fleet', findingsBySeverity: 'bySeverity', leasesByBucket: 'byBucket' });

/** Partitions of the fleet-wide GSIs: spreads a listing's writes and reads over a few keys. */
export const FLEET_BUCKETS = 4;

export const TABLE_SPECS: Readonly<Record<TableKind, TableSpec>> = Object.freeze({
  // pk = tenant id; one item per tenant holding its settings and accounts, so a revision bump is atomic.
  tenants: { hashKey: 'pk', ttl: false, gsi: { name: INDEX.tenantsByFleet, hashKey: 'fleet', rangeKey: 'pk', projection: 'ALL' } },
  // pk = tenant id, sk = user#<id>; or pk = email#<address>, sk = email (the uniqueness claim).
  users: { hashKey: 'pk', rangeKey: 'sk', ttl: false },
  // pk = SHA-256 of the session token.
  sessions: { hashKey: 'pk', ttl: true },
  // pk = SHA-256 of the one-time token.
  tokens: { hashKey: 'pk', ttl: true },
  // pk = tenant#account, sk = namespace#metric#resource#hour#region#stat#period#dims; one item per series per hour.
  metrics: { hashKey: 'pk', rangeKey: 'sk', ttl: true },
  // pk = tenant, sk = day#<day>#<account> | forecast#<account> | anomaly#... | rightsizing#... | usage#<month>#<account>.
  costs: { hashKey: 'pk', rangeKey: 'sk', ttl: true },
  // pk = tenant, sk = <account>#<finding id>; LSI sev = <open|archived>#<severity 00.0>#<updatedAt>.
  findings: {
    hashKey: 'pk',
    rangeKey: 'sk',
    ttl: true,
    lsi: { name: INDEX.findingsBySeverity, hashKey: 'pk', rangeKey: 'sev', projection: 'ALL' },
  },
  // pk = tenant, sk = recommendation id (deterministic, from the rule).
  recommendations: { hashKey: 'pk', rangeKey: 'sk', ttl: true },
  // pk = tenant, sk = marker key (finding#<account>#<finding>#<band>, digest#...).
  alerts: { hashKey: 'pk', rangeKey: 'sk', ttl: true },
  // pk = lease key (a tenant id, or a shard name); GSI bucket lists them all. KEYS_ONLY: a renewal
  // (counter, expiry) then writes only the table, not the index, halving the most frequent write.
  leases: { hashKey: 'pk', ttl: false, gsi: { name: INDEX.leasesByBucket, hashKey: 'bucket', rangeKey: 'pk', projection: 'KEYS_ONLY' } },
  // pk = tenant, sk = <account>#alarms#<region> | <account>#run#<collector> | <account>#wm#<collector>.
  state: { hashKey: 'pk', rangeKey: 'sk', ttl: false },
  // pk = tenant, sk = <ISO time>#<random>: the tenant's audit trail, newest last; TTL = retention.
  audit: { hashKey: 'pk', rangeKey: 'sk', ttl: true },
});

/** Physical table names by kind. */
export type TableNames = Readonly<Record<TableKind, string>>;

/** Table names under a prefix, e.g. `cloud-health-tenants`. */
export function tableNames(prefix: string): TableNames {
  if (!/^[A-Za-z0-9_.-]{0,200}$/.test(prefix)) throw new Error(`invalid table prefix "${prefix}"`);
  return Object.freeze(Object.fromEntries(TABLE_KINDS.map((kind) => [kind, `${prefix}${kind}`])) as Record<TableKind, string>);
}

/** The CreateTable request for one table. */
export function createTableInput(kind: TableKind, name: string): CreateTableCommandInput {
  const spec = TABLE_SPECS[kind];
  const attributes = new Set<string>([spec.hashKey]);
  if (spec.rangeKey) attributes.add(spec.rangeKey);
  const keySchema = (hash: string, range?: string) => [
    { AttributeName: hash, KeyType: 'HASH' as const },
    ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
  ];
  const input: CreateTableCommandInput = {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(spec.hashKey, spec.rangeKey),
    AttributeDefinitions: [],
  };
  if (spec.gsi) {
    attributes.add(spec.gsi.hashKey).add(spec.gsi.rangeKey);
    input.GlobalSecondaryIndexes = [
      { IndexName: spec.gsi.name, KeySchema: keySchema(spec.gsi.hashKey, spec.gsi.rangeKey), Projection: { ProjectionType: spec.gsi.projection } },
    ];
  }
  if (spec.lsi) {
    attributes.add(spec.lsi.rangeKey);
    input.LocalSecondaryIndexes = [
      { IndexName: spec.lsi.name, KeySchema: keySchema(spec.lsi.hashKey, spec.lsi.rangeKey), Projection: { ProjectionType: spec.lsi.projection } },
    ];
  }
  input.AttributeDefinitions = [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));
  return input;
}

/** The primary key attributes of an item of `kind`. */
export function keyOf(kind: TableKind, item: Record<string, unknown>): Record<string, unknown> {
  const spec = TABLE_SPECS[kind];
  return spec.rangeKey ? { pk: item.pk, sk: item[spec.rangeKey] } : { pk: item.pk };
}
