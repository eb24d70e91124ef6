/** Sign-up, verification, log-in and log-out (POST /api/auth/*) and the current user. */
import { request } from './http.js';
import type { LoginRequest, Me, PasswordChange, PasswordUpdated, SessionsEnded, SessionView, SignupRequest } from './types.js';

export const authApi = {
  signup: (body: SignupRequest, signal?: AbortSignal) => request<unknown>('/api/auth/signup', { method: 'POST', body, signal }),
  verify: (token: string, signal?: AbortSignal) => request<unknown>('/api/auth/verify', { method: 'POST', body: { token }, signal }),
  /** Always 202, whether or not the address is known. */
  resend: (email: string) => request<unknown>('/api/auth/resend', { method: 'POST', body: { email } }),
  login: (body: LoginRequest) => request<Me>('/api/auth/login', { method: 'POST', body }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST' }),
  me: (signal?: AbortSignal) => request<Me>('/api/me', { signal }),
  /** Always 202, whether or not the address is known. */
  requestReset: (email: string) => request<unknown>('/api/auth/reset/request', { method: 'POST', body: { email } }),
  reset: (token: string, password: string) => request<PasswordUpdated>('/api/auth/reset', { method: 'POST', body: { token, password } }),
  changePassword: (body: PasswordChange) => request<PasswordUpdated>('/api/auth/password', { method: 'POST', body }),
  sessions: (signal?: AbortSignal) => request<SessionView[]>('/api/auth/sessions', { signal }),
  endSession: (id: string) => request<void>(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  endOtherSessions: () => request<SessionsEnded>('/api/auth/sessions', { method: 'DELETE' }),
};
