/** Public facts about the service (GET /api/meta) and, in demo mode, the captured emails (GET /dev/outbox). */
import { request } from './http.js';
import type { Meta, OutboxEmail } from './types.js';

export const metaApi = {
  meta: (signal?: AbortSignal) => request<Meta>('/api/meta', { signal }),
  outbox: (signal?: AbortSignal) => request<OutboxEmail[]>('/dev/outbox', { signal }),
};
