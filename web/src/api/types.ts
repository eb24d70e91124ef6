/**
 * The API contract, type-only: the dashboard compiles against the same shapes the server sends
 * (src/http/api-types.ts), so the two cannot drift without a type error. Erased at build time.
 */
export type * from '../../../src/http/api-types.js';
