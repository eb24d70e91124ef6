/** The people of the tenant (GET/POST /api/members, PATCH/DELETE /api/members/:id). */
import { request } from './http.js';
import type { MemberInvite, MemberView } from './types.js';

export const membersApi = {
  list: (signal?: AbortSignal) => request<MemberView[]>('/api/members', { signal }),
  /** 202 whether or not the address already has an account. */
  invite: (body: MemberInvite) => request<unknown>('/api/members', { method: 'POST', body }),
  setRole: (id: string, role: MemberView['role']) => request<MemberView>(`/api/members/${encodeURIComponent(id)}`, { method: 'PATCH', body: { role } }),
  remove: (id: string) => request<void>(`/api/members/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
