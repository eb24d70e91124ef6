/**
 * GuardDuty findings over time. Before the simulator's origin (its start, to the hour) an account
 * has a sparse 30-day history (about one finding per 6 hours); from the origin on, one new
 * finding every 6 minutes. Half of the findings recur for a while: their `count` grows and
 * `updatedAt` moves. Every property is a pure function of (seed, account, slot, now).
 */
import { between, chance, hashString, hex, mix, pick, unit } from '../prng.js';
import { BAND_RANGES, BAND_WEIGHTS, FINDING_TEMPLATES, type FindingTemplate } from './finding-catalog.js';
import { detectorIdFor, inventoryFor, type RegionInventory } from './inventory.js';

const SLOT_MS = 6 * 60_000;
const HISTORY_MS = 30 * 86_400_000;
const HISTORY_RATE = 1 / 60;

/** A finding's fixed properties. */
export interface FindingRecord {
  id: string;
  account: string;
  region: string;
  detectorId: string;
  type: string;
  title: string;
  description: string;
  severity: number;
  resourceType: string;
  /** The `resource` block as GuardDuty's JSON spells it (minus resourceType). */
  resource: Record<string, unknown>;
  createdAt: number;
  /** Recurrence: every `recurEveryMs` until `recurUntil`; none when undefined. */
  recurEveryMs?: number;
  recurUntil?: number;
}

/** A finding as seen at some time. */
export interface FindingState extends FindingRecord {
  updatedAt: number;
  count: number;
}

/** The finding as it stands at `now`. */
export function stateAt(record: FindingRecord, now: number): FindingState {
  let count = 1;
  if (record.recurEveryMs && record.recurUntil) {
    count += Math.floor((Math.min(now, record.recurUntil) - record.createdAt) / record.recurEveryMs);
  }
  count = Math.max(1, count);
  return { ...record, count, updatedAt: record.createdAt + (count - 1) * (record.recurEveryMs ?? 0) };
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

function pickTemplate(seed: number, key: string): FindingTemplate {
  const r = chance(seed, key, 'band');
  let band: FindingTemplate['band'] = 'critical';
  let acc = 0;
  for (const [name, weight] of Object.entries(BAND_WEIGHTS) as [FindingTemplate['band'], number][]) {
    acc += weight;
    if (r < acc) {
      band = name;
      break;
    }
  }
  return pick(FINDING_TEMPLATES.filter((t) => t.band === band), seed, key, 'template');
}

function resourceFor(seed: number, key: string, account: string, region: RegionInventory, kind: FindingTemplate['resource']): { label: string; block: Record<string, unknown> } {
  if (kind === 'Instance') {
    const i = pick(region.ec2, seed, key, 'instance');
    return {
      label: i.id,
      block: {
        instanceDetails: {
          instanceId: i.id,
          instanceType: i.type,
          instanceState: 'running',
          availabilityZone: i.availabilityZone,
          imageId: `ami-0${hex(16, seed, region.region, 'ami')}`,
          tags: [{ key: 'Name', value: i.name }],
        },
      },
    };
  }
  if (kind === 'RDSDBInstance') {
    const db = pick(region.rds, seed, key, 'db');
    return {
      label: db.id,
      block: { rdsDbInstanceDetails: { dbInstanceIdentifier: db.id, engine: db.engine, dbInstanceArn: `arn:aws:rds:${region.region}:${account}:db:${db.id}` } },
    };
  }
  const user = pick(['deploy-bot', 'alice', 'ci-runner', 'ops-admin'], seed, key, 'user');
  const accessKeyDetails = { accessKeyId: `AKIA${hex(16, seed, key, 'key').toUpperCase()}`, principalId: `AIDA${hex(17, seed, user).toUpperCase()}`, userName: user, userType: 'IAMUser' };
  if (kind === 'AccessKey') return { label: user, block: { accessKeyDetails } };
  const bucket = `${pick(['logs', 'assets', 'backups', 'data-lake'], seed, key, 'bucket')}-${account}`;
  return { label: bucket, block: { accessKeyDetails, s3BucketDetails: [{ arn: `arn:aws:s3:::${bucket}`, name: bucket, type: 'Destination' }] } };
}

function generate(seed: number, account: string, slot: number, regions: RegionInventory[]): FindingRecord {
  const key = `${account}/finding/${slot}`;
  const region = pick(regions, seed, key, 'region');
  const template = pickTemplate(seed, key);
  const [low, high] = BAND_RANGES[template.band];
  const severity = Math.round(between(low, high + 0.1, seed, key, 'severity') * 10) / 10;
  const ip = `${pick(['198.51.100', '203.0.113', '192.0.2'], seed, key, 'net')}.${1 + Math.floor(chance(seed, key, 'host') * 254)}`;
  const resource = resourceFor(seed, key, account, region, template.resource);
  const createdAt = slot * SLOT_MS + Math.floor(chance(seed, key, 'jitter') * SLOT_MS);
  const record: FindingRecord = {
    id: hex(32, seed, key, 'id'),
    account,
    region: region.region,
    detectorId: region.detectorId ?? detectorIdFor(seed, account, region.region),
    type: template.type,
    title: fill(template.title, { resource: resource.label, ip }),
    description: fill(template.description, { resource: resource.label, ip }),
    severity: Math.min(10, severity),
    resourceType: template.resource,
    resource: resource.block,
    createdAt,
  };
  if (chance(seed, key, 'recurs') < 0.5) {
    record.recurEveryMs = Math.round(between(10, 120, seed, key, 'every')) * 60_000;
    record.recurUntil = createdAt + Math.round(between(1, 48, seed, key, 'for')) * 3_600_000;
  }
  return record;
}

interface AccountFindings {
  nextSlot: number;
  generated: FindingRecord[];
  injected: FindingRecord[];
}

/** Generated and injected findings of every account, extended lazily as time passes. */
export class FindingStore {
  private readonly accounts = new Map<string, AccountFindings>();
  private readonly enabled = new Set<string>();
  private readonly byId = new Map<string, FindingRecord>();
  private injectedCount = 0;

  /**
   * `origin`: when the live stream starts (the simulator's start, to the hour). `perAccount`: the
   * generated findings kept per account, the oldest dropped first (see SimulatorOptions.retain).
   */
  constructor(
    private readonly seed: number,
    private readonly origin: number,
    private readonly perAccount = 2_000,
  ) {}

  /** The GuardDuty detector in (account, region), if GuardDuty is enabled there. */
  detectorId(account: string, region: string): string | undefined {
    const generated = inventoryFor(this.seed, account).regions.find((r) => r.region === region)?.detectorId;
    if (generated) return generated;
    return this.enabled.has(`${account}/${region}`) ? detectorIdFor(this.seed, account, region) : undefined;
  }

  /** Findings of (account, region) that exist at `now`, oldest first. */
  list(account: string, region: string, now: number): FindingState[] {
    const all = this.extend(account, now);
    const out: FindingState[] = [];
    for (const list of [all.generated, all.injected]) {
      for (const record of list) if (record.region === region && record.createdAt <= now) out.push(stateAt(record, now));
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Findings by id in (account, region) as seen at `now`; unknown ids are skipped. */
  get(account: string, region: string, ids: readonly string[], now: number): FindingState[] {
    this.extend(account, now);
    const out: FindingState[] = [];
    for (const id of ids) {
      const record = this.byId.get(`${account}/${id}`);
      if (record && record.region === region && record.createdAt <= now) out.push(stateAt(record, now));
    }
    return out;
  }

  /** Add a finding created at `now`; GuardDuty is enabled in the region if it was not. */
  inject(account: string, region: string, finding: { title: string; severity: number; type?: string; description?: string }, now: number): string {
    this.enabled.add(`${account}/${region}`);
    const all = this.extend(account, now);
    this.injectedCount += 1;
    const key = `${account}/injected/${this.injectedCount}/${now}`;
    const record: FindingRecord = {
      id: hex(32, this.seed, key),
      account,
      region,
      detectorId: this.detectorId(account, region) ?? detectorIdFor(this.seed, account, region),
      type: finding.type ?? 'UnauthorizedAccess:EC2/SSHBruteForce',
      title: finding.title,
      description: finding.description ?? finding.title,
      severity: finding.severity,
      resourceType: 'Instance',
      resource: { instanceDetails: { instanceId: `i-0${hex(16, this.seed, key, 'instance')}`, instanceState: 'running' } },
      createdAt: now,
    };
    all.injected.push(record);
    this.byId.set(`${account}/${record.id}`, record);
    return record.id;
  }

  private extend(account: string, now: number): AccountFindings {
    let state = this.accounts.get(account);
    if (!state) {
      state = { nextSlot: Math.floor((this.origin - HISTORY_MS) / SLOT_MS), generated: [], injected: [] };
      this.accounts.set(account, state);
    }
    const regions = inventoryFor(this.seed, account).regions.filter((r) => r.detectorId !== undefined);
    const lastSlot = Math.floor(now / SLOT_MS);
    // A numeric mix per slot, not a string hash: thousands of history slots per account.
    const historyHash = hashString(`${account}|history`, this.seed);
    for (; state.nextSlot <= lastSlot; state.nextSlot++) {
      const slot = state.nextSlot;
      if (regions.length === 0) continue;
      const live = slot * SLOT_MS >= this.origin;
      if (!live && unit(mix(historyHash, slot)) >= HISTORY_RATE) continue;
      const record = generate(this.seed, account, slot, regions);
      state.generated.push(record);
      this.byId.set(`${account}/${record.id}`, record);
    }
    // Generated findings are in slot order: the oldest go first. (Injected ones are few: tests.)
    const excess = state.generated.length - this.perAccount;
    if (excess > 0) for (const dropped of state.generated.splice(0, excess)) this.byId.delete(`${account}/${dropped.id}`);
    return state;
  }
}
