/** The people of the tenant (GET/POST /api/members, PATCH/DELETE /api/members/:id) and the API tokens. */
import { request } from './http.js';
import type { ApiTokenView, MemberInvite, MemberView, NewApiToken } from './types.js';

export const membersApi = {
  list: (signal?: AbortSignal) => request<MemberView[]>('/api/members', { signal }),
  /** 202 whether or not the address already has an account. */
  invite: (body: MemberInvite) => request<unknown>('/api/members', { method: 'POST', body }),
  setRole: (id: string, role: MemberView['role']) => request<MemberView>(`/api/members/${encodeURIComponent(id)}`, { method: 'PATCH', body: { role } }),
  remove: (id: string) => request<void>(`/api/members/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  /** Delete the whole organization (owners; POST /api/tenant/delete with the password). */
  deleteOrganization: (password: string) => request<void>('/api/tenant/delete', { method: 'POST', body: { password } }),
};

/** API tokens (GET/POST /api/tokens, DELETE /api/tokens/:id; admins). */
export const tokensApi = {
  list: (signal?: AbortSignal) => request<ApiTokenView[]>('/api/tokens', { signal }),
  create: (name: string, scope: ApiTokenView['scope']) => request<NewApiToken>('/api/tokens', { method: 'POST', body: { name, scope } }),
  revoke: (id: string) => request<void>(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
