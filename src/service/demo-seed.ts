/**
 * Demo mode's tenants: a few organisations with verified users and simulated AWS accounts
 * (connected through the role the onboarding shows, with the tenant's ExternalId), created once
 * and kept in DATA_DIR across restarts. A few accounts are given the conditions real AWS accounts
 * have (DEMO_CONDITIONS), so the dashboard and the operator view show what each looks like.
 */
import type { Logger } from '../log.js';
import { DEFAULT_ROLE, type FaultSpec, type SimAccountConfig, type SimulatorOptions } from '../sim/index.js';
import type { Store } from '../store/create-store.js';

/** The demo users' password: demo mode only, printed in the log. */
export const DEMO_PASSWORD = 'cloudhealth-demo';

const ORGANISATIONS = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Tyrell'];

/** The 12-digit AWS account id of demo tenant `n`'s account `k`. */
export function demoAwsAccountId(n: number, k: number): string {
  return String(210_000_000_000 + n * 10 + k);
}

/** The demo's sender when SES_FROM is not set. */
export const DEMO_SENDER = 'Cloud Health <noreply@cloud-health.invalid>';

/** A demo account's simulated condition: what AWS does to it, and regions added to show it. */
export interface DemoCondition {
  tenant: number;
  account: number;
  /** What the dashboard should show for it. */
  shows: string;
  sim?: SimAccountConfig;
  faults?: Omit<FaultSpec, 'account'>[];
  extraRegions?: string[];
}

/**
 * The demo's failures, by tenant (0-based) and account: each is what a real AWS account does.
 * ap-east-1 (Hong Kong) is an opt-in region, the kind an account can leave disabled.
 */
export const DEMO_CONDITIONS: readonly DemoCondition[] = [
  { tenant: 1, account: 0, shows: 'a missing permission (ce:GetRightsizingRecommendation): no rightsizing, everything else flows', sim: { deniedActions: ['ce:GetRightsizingRecommendation'] } },
  { tenant: 1, account: 1, shows: 'rejected credentials: the role trusts another ExternalId (AssumeRole AccessDenied)', sim: { roles: { [DEFAULT_ROLE]: { externalId: 'ext-not-this-tenant' } } } },
  {
    tenant: 2,
    account: 0,
    shows: 'a disabled opt-in region (ap-east-1 refuses the credentials) and throttling with latency',
    sim: { disabledRegions: ['ap-east-1'] },
    extraRegions: ['ap-east-1'],
    faults: [{ throttleRate: 0.3, latencyMs: { min: 50, max: 400 } }],
  },
];

function conditionsFor(tenants: number): readonly DemoCondition[] {
  return DEMO_CONDITIONS.filter((c) => c.tenant < tenants && c.account < (c.tenant % 2 === 0 ? 1 : 2));
}

/** Faults that make the demo interesting (DEMO_CONDITIONS). */
export function demoFaults(tenants: number): FaultSpec[] {
  return conditionsFor(tenants).flatMap((c) => (c.faults ?? []).map((fault) => ({ ...fault, account: demoAwsAccountId(c.tenant, c.account) })));
}

/**
 * What the demo's simulator keeps in memory: enough for `/dev/outbox` and a day of each account's
 * findings, so demo mode can run for weeks (the simulator's defaults suit tests that inspect calls).
 */
export const DEMO_SIM_RETAIN = { calls: 0, emails: 500, findingsPerAccount: 240 } as const;

/** The in-process simulator's setup in demo mode: faults, account conditions, `sender` verified in SES, bounded memory. */
export function demoSimOptions(tenants: number, sender: string): Pick<SimulatorOptions, 'faults' | 'accounts' | 'ses' | 'retain'> {
  const accounts: Record<string, SimAccountConfig> = {};
  for (const c of conditionsFor(tenants)) if (c.sim) accounts[demoAwsAccountId(c.tenant, c.account)] = c.sim;
  const address = (/<([^<>]+)>\s*$/.exec(sender)?.[1] ?? sender).trim();
  return { faults: demoFaults(tenants), accounts, ses: { verifiedIdentities: ['example.com', address.slice(address.lastIndexOf('@') + 1)] }, retain: DEMO_SIM_RETAIN };
}

/** Create the demo tenants that do not exist yet; returns the logins. */
export async function seedDemo(store: Store, count: number, log: Logger): Promise<{ email: string; tenant: string }[]> {
  const logins: { email: string; tenant: string }[] = [];
  for (let n = 0; n < count; n++) {
    const email = `demo${n + 1}@example.com`;
    const name = ORGANISATIONS[n % ORGANISATIONS.length]! + (n >= ORGANISATIONS.length ? ` ${n + 1}` : '');
    logins.push({ email, tenant: name });
    if (await store.users.findByEmail(email)) continue;
    const tenant = await store.tenants.create({ name, settings: { monthlyBudgetUsd: 2_000 } });
    const user = await store.users.create({ tenantId: tenant.id, email, password: DEMO_PASSWORD, role: 'owner' });
    await store.users.markEmailVerified(tenant.id, user.id, email);
    const accounts = n % 2 === 0 ? 1 : 2;
    for (let k = 0; k < accounts; k++) {
      const awsAccountId = demoAwsAccountId(n, k);
      const extra = DEMO_CONDITIONS.find((c) => c.tenant === n && c.account === k)?.extraRegions ?? [];
      await store.tenants.addAccount(tenant.id, {
        name: k === 0 ? 'production' : 'staging',
        awsAccountId,
        regions: [...(k === 0 ? ['us-east-1', 'eu-west-1'] : ['us-east-1']), ...extra],
        // The tenant's own ExternalId goes with it (the store adds it), as in production.
        credentials: { type: 'role', roleArn: `arn:aws:iam::${awsAccountId}:role/${DEFAULT_ROLE}` },
      });
    }
    log.info({ tenant: tenant.id, name }, 'demo tenant created');
  }
  return logins;
}
