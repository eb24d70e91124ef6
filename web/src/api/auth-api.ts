/** Sign-up, verification, log-in and log-out (POST /api/auth/*), MFA, organizations, and the current user. */
import { request } from './http.js';
import type { LoginRequest, Me, MfaChallenge, MfaEnabled, MfaEnrolment, MfaLogin, MfaStatus, PasswordChange, PasswordUpdated, SessionsEnded, SessionView, SignupRequest } from './types.js';

export const authApi = {
  signup: (body: SignupRequest, signal?: AbortSignal) => request<unknown>('/api/auth/signup', { method: 'POST', body, signal }),
  verify: (token: string, signal?: AbortSignal) => request<unknown>('/api/auth/verify', { method: 'POST', body: { token }, signal }),
  /** Always 202, whether or not the address is known. */
  resend: (email: string) => request<unknown>('/api/auth/resend', { method: 'POST', body: { email } }),
  /** `Me` (200), or a `MfaChallenge` (202) when the user signs in with a second factor. */
  login: (body: LoginRequest) => request<Me | MfaChallenge>('/api/auth/login', { method: 'POST', body }),
  loginMfa: (body: MfaLogin) => request<Me>('/api/auth/login/mfa', { method: 'POST', body }),
  mfaStatus: (signal?: AbortSignal) => request<MfaStatus>('/api/auth/mfa', { signal }),
  mfaEnrol: () => request<MfaEnrolment>('/api/auth/mfa/enrol', { method: 'POST' }),
  mfaConfirm: (code: string) => request<MfaEnabled>('/api/auth/mfa/confirm', { method: 'POST', body: { code } }),
  mfaDisable: (body: { password: string; code?: string; recoveryCode?: string }) => request<void>('/api/auth/mfa/disable', { method: 'POST', body }),
  /** Owners: require MFA of every member of the current organization. */
  setMfaRequired: (required: boolean) => request<MfaStatus>('/api/auth/mfa/required', { method: 'PUT', body: { required } }),
  /** Make another of the user's organizations the current one (a new session there). */
  switchOrganization: (tenantId: string) => request<Me>('/api/auth/switch', { method: 'POST', body: { tenantId } }),
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
