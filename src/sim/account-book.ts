/**
 * How AWS treats each simulated account: explicit configurations (demo world, tests) and the
 * default world's role trust (DESIGN.md "AWS simulator"): an unconfigured 12-digit account has one
 * role, `CloudHealthMonitor`, whose trust pins the first non-empty ExternalId it is assumed with.
 * Pins live in memory, per simulator.
 */
import type { SimAccountConfig } from './types.js';

/** The role every unconfigured account has (the onboarding's suggested name). */
export const DEFAULT_ROLE = 'CloudHealthMonitor';
/** A `newAccount` was opened this many days before it was configured. */
export const NEW_ACCOUNT_AGE_DAYS = 3;

const DAY_MS = 86_400_000;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const KEYS = new Set(['roles', 'deniedActions', 'disabledRegions', 'costExplorerEnabled', 'rightsizingOptIn', 'newAccount', 'guardDutyDisabledRegions', 'alarmFlapMs', 'ec2Instances', 'healthSubscription', 'securityHubDisabledRegions']);

function stringList(value: unknown, field: string, pattern: RegExp, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && pattern.test(item))) throw new TypeError(`${field} must be an array of ${what}`);
  return [...(value as string[])];
}

function flag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TypeError(`${field} must be a boolean`);
}

/** Check an account configuration; returns a copy, or throws a TypeError naming the bad field. */
export function validateAccountConfig(input: unknown): SimAccountConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('an account configuration is an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) throw new TypeError(`unknown account configuration field ${key}`);
  const config: SimAccountConfig = {};
  if (raw.roles !== undefined) {
    if (typeof raw.roles !== 'object' || raw.roles === null || Array.isArray(raw.roles)) throw new TypeError('roles must be an object of role name -> { externalId? }');
    config.roles = {};
    for (const [name, trust] of Object.entries(raw.roles as Record<string, unknown>)) {
      if (!ROLE_NAME.test(name)) throw new TypeError(`roles.${name}: not a valid IAM role name`);
      if (typeof trust !== 'object' || trust === null || Array.isArray(trust)) throw new TypeError(`roles.${name} must be an object`);
      const externalId = (trust as { externalId?: unknown }).externalId;
      if (externalId !== undefined && (typeof externalId !== 'string' || externalId === '')) throw new TypeError(`roles.${name}.externalId must be a non-empty string`);
      config.roles[name] = externalId === undefined ? {} : { externalId };
    }
  }
  const denied = stringList(raw.deniedActions, 'deniedActions', ACTION, "IAM actions like 'ce:GetCostForecast'");
  if (denied) config.deniedActions = denied;
  const disabled = stringList(raw.disabledRegions, 'disabledRegions', REGION, 'region names');
  if (disabled) config.disabledRegions = disabled;
  const noDetector = stringList(raw.guardDutyDisabledRegions, 'guardDutyDisabledRegions', REGION, 'region names');
  if (noDetector) config.guardDutyDisabledRegions = noDetector;
  const noHub = stringList(raw.securityHubDisabledRegions, 'securityHubDisabledRegions', REGION, 'region names');
  if (noHub) config.securityHubDisabledRegions = noHub;
  if (raw.alarmFlapMs !== undefined) {
    if (typeof raw.alarmFlapMs !== 'number' || !Number.isInteger(raw.alarmFlapMs) || raw.alarmFlapMs < 1_000) throw new TypeError('alarmFlapMs must be an integer of at least 1000 (ms)');
    config.alarmFlapMs = raw.alarmFlapMs;
  }
  for (const key of ['costExplorerEnabled', 'rightsizingOptIn', 'newAccount', 'healthSubscription'] as const) {
    const value = flag(raw[key], key);
    if (value !== undefined) config[key] = value;
  }
  if (raw.ec2Instances !== undefined) {
    const n = raw.ec2Instances;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 500) throw new TypeError('ec2Instances must be an integer in [1, 500]');
    config.ec2Instances = n;
  }
  return config;
}

/** An IAM action pattern as a RegExp: `*` any characters, `?` one; case-insensitive like IAM. */
function actionPattern(action: string): RegExp {
  const body = action.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

interface AccountState {
  config: SimAccountConfig;
  denied: RegExp[];
  /** Day number (UTC) the account was opened, for `newAccount`. */
  openedDay: number | undefined;
}

/** Per-account configurations and the default world's ExternalId pins. */
export class AccountBook {
  private readonly accounts = new Map<string, AccountState>();
  private readonly pins = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  /** Replace an account's configuration. */
  configure(awsAccountId: string, input: unknown): void {
    if (typeof awsAccountId !== 'string' || !ACCOUNT_ID.test(awsAccountId)) throw new TypeError('awsAccountId must be 12 digits');
    const config = validateAccountConfig(input);
    const previous = this.accounts.get(awsAccountId);
    // A new account keeps its opening day when reconfigured, so its history does not move.
    const openedDay = config.newAccount ? (previous?.openedDay ?? Math.floor(this.now() / DAY_MS) - NEW_ACCOUNT_AGE_DAYS) : undefined;
    this.accounts.set(awsAccountId, { config, denied: (config.deniedActions ?? []).map(actionPattern), openedDay });
  }

  /** A copy of the account's explicit configuration. */
  config(awsAccountId: string): SimAccountConfig | undefined {
    const state = this.accounts.get(awsAccountId);
    return state ? structuredClone(state.config) : undefined;
  }

  /**
   * Whether the role's trust lets the platform in with `externalId`; pins the default role's
   * ExternalId on its first successful use.
   */
  trusts(awsAccountId: string, roleName: string, externalId: string | undefined): boolean {
    const roles = this.accounts.get(awsAccountId)?.config.roles;
    if (roles) {
      if (!Object.hasOwn(roles, roleName)) return false;
      const required = roles[roleName]?.externalId;
      return required === undefined || required === externalId;
    }
    if (roleName !== DEFAULT_ROLE || !externalId) return false;
    const pinned = this.pins.get(awsAccountId);
    if (pinned === undefined) {
      this.pins.set(awsAccountId, externalId);
      return true;
    }
    return pinned === externalId;
  }

  /** True when an IAM policy of the account denies `action` (e.g. `ce:GetCostForecast`). */
  denies(awsAccountId: string, action: string): boolean {
    return this.accounts.get(awsAccountId)?.denied.some((pattern) => pattern.test(action)) ?? false;
  }

  regionDisabled(awsAccountId: string, region: string): boolean {
    return this.accounts.get(awsAccountId)?.config.disabledRegions?.includes(region) ?? false;
  }

  costExplorerEnabled(awsAccountId: string): boolean {
    return this.accounts.get(awsAccountId)?.config.costExplorerEnabled ?? true;
  }

  rightsizingOptIn(awsAccountId: string): boolean {
    return this.accounts.get(awsAccountId)?.config.rightsizingOptIn ?? true;
  }

  /** The day (UTC day number) a new account was opened; undefined for an account with history. */
  openedDay(awsAccountId: string): number | undefined {
    return this.accounts.get(awsAccountId)?.openedDay;
  }

  /** False when the account has no support plan that includes the AWS Health API. */
  healthSubscription(awsAccountId: string): boolean {
    return this.accounts.get(awsAccountId)?.config.healthSubscription ?? true;
  }

  /** False when Security Hub is not enabled in the region. */
  securityHubEnabled(awsAccountId: string, region: string): boolean {
    return !(this.accounts.get(awsAccountId)?.config.securityHubDisabledRegions?.includes(region) ?? false);
  }

  /** true/false when the configuration decides whether GuardDuty has a detector in the region; undefined: the generated world decides. */
  guardDutyEnabled(awsAccountId: string, region: string): boolean | undefined {
    const disabled = this.accounts.get(awsAccountId)?.config.guardDutyDisabledRegions;
    return disabled === undefined ? undefined : !disabled.includes(region);
  }
}
