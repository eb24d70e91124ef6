/**
 * What the HTTP app needs from the rest of the service, as narrow interfaces: main.ts wires the
 * real parts, tests pass the real store and fakes for the rest. http never imports the runtime:
 * worker health comes through the read-only port of src/domain.
 */
import type Koa from 'koa';
import type { BillableCounts, CheckPermissions, MailMessage, ValidateAccount } from '../aws/index.js';
import type { ChannelService } from '../channels/index.js';
import type { LeaseSnapshot } from '../domain/leases.js';
import type { MetricDiscovery } from '../domain/metric-discovery.js';
import type { WorkerHealthView } from '../domain/worker-health.js';
import type { Logger } from '../log.js';
import type { SentEmail } from '../sim/index.js';
import type { Store } from '../store/index.js';
import type { AuthRateLimitOverrides, RateLimitStore } from './rate-limiter.js';

/**
 * The store's parts the API reads and writes (main.ts passes the `Store` itself); every call
 * takes the session's tenant id. `cache` is the read-through cache the repositories invalidate
 * on writes; `reads.overview` supplies alarm states and collector runs.
 */
export type AppStore = Pick<Store, 'users' | 'tenants' | 'sessions' | 'tokens' | 'findings' | 'costs' | 'metrics' | 'recommendations' | 'reads' | 'cache' | 'rateLimits' | 'audit' | 'apiTokens'> & Partial<Pick<Store, 'alarmHistory'>>;

/** The runtime's health, read-only, plus the one operator action. */
export interface AppHealth {
  /** Per tenant and collector state, the fleet's reconcile status and lag: snapshots. */
  registry: WorkerHealthView;
  /** Stop and start a tenant afresh; false when the tenant is not running here. */
  restartTenant(tenantId: string): boolean;
  /** True once shutdown began: /ops/health answers 503 so a load balancer drains this instance. Default never. */
  shuttingDown?: () => boolean;
  /** Billable AWS units of every tenant since start, for /metrics. Default: not exported. */
  billableTotals?: () => BillableCounts;
  /** Several instances: this instance's leases. Default: absent (one instance runs every tenant). */
  leases?: () => LeaseSnapshot;
  /** Collection in its own thread: that thread's event-loop delay p99 over its last second, ms, for /metrics. Default: absent. */
  collectionLoopDelayP99Ms?: () => number;
}

/** Everything `createApp` needs; each field documents its default. */
export interface AppDeps {
  /** Demo mode adds /dev/outbox and accepts any loopback origin for CSRF. */
  mode: 'demo' | 'production';
  /** The service's public base URL (PUBLIC_URL; in demo `http://127.0.0.1:<port>`): emails' links, CSRF origin, Secure cookies, HSTS. */
  publicUrl: string;
  /** Bearer token of the operator routes; without one they answer loopback clients only. */
  operatorToken?: string | undefined;
  store: AppStore;
  /** Live validation of a connection through STS (`AwsAdapters.validateAccount`). */
  validateAccount: ValidateAccount;
  /** The permission check of a connected account (`AwsAdapters.checkPermissions`). */
  checkPermissions: CheckPermissions;
  /** The AWS account the service runs in: onboarding's trust policy names it. */
  platformAccountId: string;
  /** Send one email (the platform's SES). Failures are logged, never shown to the client. */
  sendMail(message: MailMessage): Promise<void>;
  health: AppHealth;
  /** A tenant's accounts changed: the runtime should reconcile it now (not at the next interval). */
  onTenantChanged(tenantId: string): void;
  /** Billable AWS units of a tenant in a month (YYYY-MM): what its monitoring costs. */
  billing: { usage(tenantId: string, month: string): BillableCounts | Promise<BillableCounts> };
  /** Free CloudWatch reads for the metric-selection routes. Default: absent (those routes answer 503 UNAVAILABLE). */
  metricDiscovery?: MetricDiscovery;
  /** The metrics collector's default interval, for fee projections (a tenant's own setting wins). Default 15 min. */
  metricsIntervalMs?: number;
  /** Alert channels (Slack, webhooks) of Settings. Default: absent (those routes answer 503 UNAVAILABLE). */
  channels?: ChannelService;
  /** Demo mode: the simulator's captured emails, served at /dev/outbox. */
  outbox?: () => SentEmail[];
  log: Logger;
  /** Clock (ms). Default `Date.now`. */
  now?: () => number;
  /**
   * Host names answered besides the public URL's (and, in demo mode, the loopback names): the
   * Host allow-list against DNS rebinding (ALLOWED_HOSTS). Default none.
   */
  allowedHosts?: readonly string[];
  /** Trust X-Forwarded-For/-Proto from a reverse proxy (client IP for rate limits). Default false. */
  trustProxy?: boolean;
  /** Overrides of the auth rate limits (defaults in `DEFAULT_AUTH_RATE_LIMITS`). */
  rateLimits?: AuthRateLimitOverrides;
  /** Where rate-limit hits are counted. Default the store's (Redis when REDIS_URL is set). */
  rateLimitStore?: RateLimitStore;
  /** Largest JSON body accepted, bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** Timeout of the live STS validation of a new account. Default 15 s. */
  validateTimeoutMs?: number;
  /**
   * HOOK for the web dashboard: `src/http/static-web.ts` (built by another engineer) serves
   * web/dist. Mounted after every API route, before the final 404.
   */
  web?: Koa.Middleware;
  /** Answer current rendered hits before Koa (fast-reads.ts; default true). Tests turn it off to compare. */
  fastReads?: boolean;
}
