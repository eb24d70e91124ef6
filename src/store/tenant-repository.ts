/**
 * Tenants and their connected AWS accounts: one item per tenant (pk = tenant id) holding its
 * settings and accounts, so that every change bumps the tenant's `revision` atomically, with
 * optimistic concurrency on that revision. The fleet lists tenants through a GSI on a few fixed
 * "bucket" partitions (a Query per bucket, pages followed), never a Scan.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Account, AccountCredentials, AccountStatus, MetricSelection, Tenant, TenantSettings, TenantSource } from '../domain/tenant.js';
import type { Keyring } from './crypto/keyring.js';
import { accountSecretContext } from './crypto/keyring.js';
import type { Db, Item } from './db.js';
import { assertId, newId } from './ids.js';
import { FLEET_BUCKETS, INDEX } from './tables.js';

/** A tenant as the product sees it: the runtime's `Tenant` plus what onboarding shows. */
export interface TenantRecord extends Tenant {
  /** The ExternalId every role of this tenant must require (generated, never chosen by the tenant). */
  externalId: string;
  createdAt: string;
  updatedAt: string;
}

/** Credentials as the tenant submits them; the secret is sealed before it is stored. */
export type NewCredentials = { type: 'role'; roleArn: string } | { type: 'keys'; accessKeyId: string; secretAccessKey: string };

export interface NewAccount {
  name: string;
  awsAccountId: string;
  regions: string[];
  credentials: NewCredentials;
}

export interface AccountPatch {
  name?: string;
  regions?: string[];
  credentials?: NewCredentials;
  /** The metric selection (replaces the stored one; validated by the API). */
  metrics?: MetricSelection;
  /** The account's monthly budget in USD; null removes it (validated by the API). */
  monthlyBudgetUsd?: number | null;
}

/** Tenants and accounts; also the fleet's `TenantSource`. */
export interface TenantRepository extends TenantSource {
  create(input: { name: string; id?: string; settings?: TenantSettings }): Promise<TenantRecord>;
  get(tenantId: string): Promise<TenantRecord | undefined>;
  rename(tenantId: string, name: string): Promise<TenantRecord>;
  updateSettings(tenantId: string, settings: TenantSettings): Promise<TenantRecord>;
  addAccount(tenantId: string, input: NewAccount): Promise<Account>;
  updateAccount(tenantId: string, accountId: string, patch: AccountPatch): Promise<Account>;
  /** False when there was no such account. */
  removeAccount(tenantId: string, accountId: string): Promise<boolean>;
  /** A no-op (no revision bump) when status and reason are unchanged or the account is gone. */
  setAccountStatus(tenantId: string, accountId: string, status: AccountStatus, reason?: string): Promise<void>;
  /**
   * Delete the tenant item with its accounts and their sealed credentials (the fleet stops its
   * actor at the next reconcile); false when there was none. Members, tokens and data are the
   * caller's to remove first.
   */
  remove(tenantId: string): Promise<boolean>;
}

export interface TenantRepositoryDeps {
  db: Db;
  keyring: Keyring;
  /** Called after every change of a tenant (cache invalidation). */
  onChange: (tenantId: string) => Promise<void>;
  now?: () => number;
}

const MAX_ACCOUNTS = 100;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

type StoredAccount = Omit<Account, 'tenantId'> & { createdAt: string };

const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`, { status: 404 });

/** The GSI bucket of a tenant: a stable hash, so a tenant never moves between buckets. */
export function fleetBucket(tenantId: string): string {
  return `t#${createHash('sha256').update(tenantId).digest().readUInt32BE(0) % FLEET_BUCKETS}`;
}

function toRecord(item: Item): TenantRecord {
  const tenantId = item.pk as string;
  const accounts = Object.values((item.accounts ?? {}) as Record<string, StoredAccount>)
    .map((account) => ({ ...account, tenantId }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    id: tenantId,
    name: item.name as string,
    revision: item.revision as number,
    settings: (item.settings ?? {}) as TenantSettings,
    accounts,
    externalId: item.externalId as string,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

function validateAccount(input: { awsAccountId?: string; regions?: string[]; name?: string; monthlyBudgetUsd?: number | null }): void {
  const bad = (detail: string) => new AppError('INVALID_ACCOUNT', detail, { status: 400 });
  // DynamoDB numbers hold 38 digits and reject NaN and infinities; a cent up to a billion fits any budget.
  const budget = input.monthlyBudgetUsd;
  if (budget !== undefined && budget !== null && !(Number.isFinite(budget) && budget >= 0.01 && budget <= 1e9)) throw bad('monthlyBudgetUsd must be 0.01-1000000000');
  if (input.name !== undefined && (input.name.trim() === '' || input.name.length > 100)) throw bad('name must be 1-100 characters');
  if (input.awsAccountId !== undefined && !/^\d{12}$/.test(input.awsAccountId)) throw bad('awsAccountId must be 12 digits');
  if (input.regions !== undefined) {
    if (input.regions.length === 0 || input.regions.length > 30) throw bad('give 1-30 regions');
    if (!input.regions.every((region) => REGION.test(region))) throw bad('invalid region name');
  }
}

/** Create the tenant repository. */
export function createTenantRepository(deps: TenantRepositoryDeps): TenantRepository {
  const { db, keyring } = deps;
  const now = () => new Date((deps.now ?? Date.now)()).toISOString();

  function sealCredentials(tenantId: string, accountId: string, externalId: string, input: NewCredentials): AccountCredentials {
    if (input.type === 'role') {
      if (!ROLE_ARN.test(input.roleArn)) throw new AppError('INVALID_ACCOUNT', 'invalid role ARN', { status: 400 });
      return { type: 'role', roleArn: input.roleArn, externalId };
    }
    if (!/^[A-Z0-9]{16,128}$/.test(input.accessKeyId) || input.secretAccessKey.length < 16) {
      throw new AppError('INVALID_ACCOUNT', 'invalid access key', { status: 400 });
    }
    return { type: 'keys', accessKeyId: input.accessKeyId, secret: keyring.seal(input.secretAccessKey, accountSecretContext(tenantId, accountId)) };
  }

  async function load(tenantId: string): Promise<Item | undefined> {
    return db.get('tenants', { Key: { pk: assertId('tenant', tenantId) }, ConsistentRead: true });
  }

  /**
   * Read-modify-write under the revision: `change` returns the changed item (the revision is
   * bumped here) or only a result for "nothing to change". Retried when another writer got in between.
   */
  async function mutate<T>(
    tenantId: string,
    change: (item: Item) => { item: Item; result: T } | { result: T },
  ): Promise<{ result: T; item: Item }> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await load(tenantId);
      if (!current) throw notFound('tenant');
      const outcome = change(structuredClone(current));
      if (!('item' in outcome)) return { result: outcome.result, item: current };
      const next = { ...outcome.item, revision: (current.revision as number) + 1, updatedAt: now() };
      const written = await db.putIf('tenants', {
        Item: next,
        ConditionExpression: 'revision = :revision',
        ExpressionAttributeValues: { ':revision': current.revision },
      });
      if (written) {
        await deps.onChange(tenantId);
        return { result: outcome.result, item: next };
      }
    }
    throw new AppError('CONFLICT', 'the tenant changed concurrently; try again', { status: 409 });
  }

  const accountsOf = (item: Item) => (item.accounts ?? {}) as Record<string, StoredAccount>;
  const publicAccount = (tenantId: string, stored: StoredAccount): Account => {
    return { ...stored, tenantId };
  };

  return {
    async create(input) {
      const id = assertId('tenant', input.id ?? newId('t'));
      const at = now();
      const item: Item = {
        pk: id,
        fleet: fleetBucket(id),
        name: input.name,
        revision: 1,
        settings: input.settings ?? {},
        accounts: {},
        // 128 random bits: the ExternalId must not be guessable from outside (confused deputy).
        externalId: `ch-${randomBytes(16).toString('hex')}`,
        createdAt: at,
        updatedAt: at,
      };
      const created = await db.putIf('tenants', { Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
      if (!created) throw new AppError('TENANT_EXISTS', 'a tenant with this id exists', { status: 409 });
      await deps.onChange(id);
      return toRecord(item);
    },

    async get(tenantId) {
      const item = await load(tenantId);
      return item && toRecord(item);
    },

    async rename(tenantId, name) {
      const { item } = await mutate(tenantId, (item) => {
        item.name = name;
        return { item, result: undefined };
      });
      return toRecord(item);
    },

    async updateSettings(tenantId, settings) {
      const { item } = await mutate(tenantId, (item) => {
        item.settings = { ...(item.settings as TenantSettings), ...settings };
        return { item, result: undefined };
      });
      return toRecord(item);
    },

    async addAccount(tenantId, input) {
      validateAccount(input);
      const { result } = await mutate(tenantId, (item) => {
        const accounts = accountsOf(item);
        if (Object.keys(accounts).length >= MAX_ACCOUNTS) throw new AppError('TOO_MANY_ACCOUNTS', 'account limit reached', { status: 409 });
        if (Object.values(accounts).some((a) => a.awsAccountId === input.awsAccountId)) {
          throw new AppError('ACCOUNT_EXISTS', 'this AWS account is already connected', { status: 409 });
        }
        const id = newId('a');
        const stored: StoredAccount = {
          id,
          name: input.name.trim(),
          awsAccountId: input.awsAccountId,
          regions: [...new Set(input.regions)],
          credentials: sealCredentials(tenantId, id, item.externalId as string, input.credentials),
          status: 'active',
          revision: 1,
          createdAt: now(),
        };
        accounts[id] = stored;
        item.accounts = accounts;
        return { item, result: publicAccount(tenantId, stored) };
      });
      return result;
    },

    async updateAccount(tenantId, accountId, patch) {
      validateAccount(patch);
      const { result } = await mutate(tenantId, (item) => {
        const accounts = accountsOf(item);
        const stored = accounts[assertId('account', accountId)];
        if (!stored) throw notFound('account');
        if (patch.name !== undefined) stored.name = patch.name.trim();
        // A new selection applies at the next poll through the tenant's revision; no fresh try needed.
        if (patch.metrics !== undefined) stored.metrics = patch.metrics;
        // A budget is read by the cost alerts and the cost page only: no fresh collection either.
        if (patch.monthlyBudgetUsd === null) delete stored.monthlyBudgetUsd;
        else if (patch.monthlyBudgetUsd !== undefined) stored.monthlyBudgetUsd = patch.monthlyBudgetUsd;
        if (patch.regions !== undefined || patch.credentials !== undefined) {
          if (patch.regions) stored.regions = [...new Set(patch.regions)];
          if (patch.credentials) stored.credentials = sealCredentials(tenantId, accountId, item.externalId as string, patch.credentials);
          // New credentials or regions deserve a fresh try.
          stored.revision += 1;
          stored.status = 'active';
          delete stored.statusReason;
        }
        return { item, result: publicAccount(tenantId, stored) };
      });
      return result;
    },

    async removeAccount(tenantId, accountId) {
      const { result } = await mutate(tenantId, (item) => {
        const accounts = accountsOf(item);
        if (!accounts[assertId('account', accountId)]) return { result: false };
        delete accounts[accountId];
        return { item, result: true };
      });
      return result;
    },

    async remove(tenantId) {
      const output = await db.delete('tenants', { Key: { pk: assertId('tenant', tenantId) }, ReturnValues: 'ALL_OLD' });
      await deps.onChange(tenantId);
      return output?.Attributes !== undefined;
    },

    async setAccountStatus(tenantId, accountId, status, reason) {
      try {
        await mutate(tenantId, (item) => {
          const stored = accountsOf(item)[assertId('account', accountId)];
          if (!stored || (stored.status === status && stored.statusReason === reason)) return { result: undefined };
          stored.status = status;
          if (reason === undefined) delete stored.statusReason;
          else stored.statusReason = reason.slice(0, 500);
          return { item, result: undefined };
        });
      } catch (error) {
        // A collector reporting on a tenant deleted meanwhile has nothing to record.
        if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
      }
    },

    async *listTenants(signal) {
      for (let bucket = 0; bucket < FLEET_BUCKETS; bucket += 1) {
        const items = db.queryAll(
          'tenants',
          { IndexName: INDEX.tenantsByFleet, KeyConditionExpression: 'fleet = :b', ExpressionAttributeValues: { ':b': `t#${bucket}` } },
          signal,
        );
        for await (const item of items) yield toRecord(item);
      }
    },
  };
}
