/** What every route module gets: the app's dependencies plus the per-app helpers built from them. */
import type { InsightSources } from '../insights/index.js';
import type { AppDeps } from './app-deps.js';
import type { BackgroundTasks } from './background-tasks.js';
import type { LoginThrottle } from './login-throttle.js';
import type { AuthRateLimits, RateLimiter } from './rate-limiter.js';

/** Built once per app in `createApp`. */
export interface RouteContext {
  deps: AppDeps;
  now(): number;
  limiter: RateLimiter;
  limits: AuthRateLimits;
  /** Login throttling over `limiter`. */
  loginThrottle: LoginThrottle;
  /** True when the public URL is https: cookies get `Secure`. */
  secureCookies: boolean;
  background: BackgroundTasks;
  /**
   * A tenant read through the store's cache (`key` names the query and its parameters). Pass the
   * request's `signal`: it stops this request waiting, and `load` gets a signal aborted only when
   * every request sharing the load has gone (single flight), so pass that one to the store read.
   */
  cached<T>(tenantId: string, key: string, load: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Count a failed password sign-in for the operator (`/metrics`), by whether the address is registered. */
  signInFailed(address: 'known' | 'unknown'): void;
  /** Derived data (src/insights) over the store, through its cache. */
  insights: InsightSources;
}
