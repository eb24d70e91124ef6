/** The HTTP layer: what main.ts needs to build and serve the app. */
export { createApp, closeApp, drainBackground, API_VERSION } from './app.js';
export { startHttpServer, type HttpServer, type HttpServerOptions } from './http-server.js';
export { serveWeb } from './static-web.js';
export type { AppDeps, AppHealth, AppStore } from './app-deps.js';
export { DEFAULT_AUTH_RATE_LIMITS, DEFAULT_LOGIN_THROTTLE, createMemoryRateLimitStore, type AuthRateLimits, type AuthRateLimitOverrides, type LoginThrottleRules, type RateLimitStore, type RateRule } from './rate-limiter.js';
