/** Alert channels (GET/POST /api/channels, DELETE /api/channels/:id, POST /api/channels/:id/test; admins). */
import { request } from './http.js';
import type { ChannelTestView, ChannelView, NewChannelRequest, NewChannelView } from './types.js';

export const channelsApi = {
  list: (signal?: AbortSignal) => request<ChannelView[]>('/api/channels', { signal }),
  add: (body: NewChannelRequest) => request<NewChannelView>('/api/channels', { method: 'POST', body }),
  remove: (id: string) => request<void>(`/api/channels/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  test: (id: string) => request<ChannelTestView>(`/api/channels/${encodeURIComponent(id)}/test`, { method: 'POST' }),
};
