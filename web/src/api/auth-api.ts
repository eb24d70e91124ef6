/** Sign-up, verification, log-in and log-out (POST /api/auth/*) and the current user. */
import { request } from './http.js';
import type { LoginRequest, Me, SignupRequest } from './types.js';

export const authApi = {
  signup: (body: SignupRequest, signal?: AbortSignal) => request<unknown>('/api/auth/signup', { method: 'POST', body, signal }),
  verify: (token: string, signal?: AbortSignal) => request<unknown>('/api/auth/verify', { method: 'POST', body: { token }, signal }),
  /** Always 202, whether or not the address is known. */
  resend: (email: string) => request<unknown>('/api/auth/resend', { method: 'POST', body: { email } }),
  login: (body: LoginRequest) => request<Me>('/api/auth/login', { method: 'POST', body }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST' }),
  me: (signal?: AbortSignal) => request<Me>('/api/me', { signal }),
};
