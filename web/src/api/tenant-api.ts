/** The tenant API: every call is scoped by the server to the session's tenant. */
import { request, withQuery } from './http.js';
import type {
  AccountBudgetUpdate,
  AccountView,
  ConnectAccountRequest,
  CostsResponse,
  FindingsPage,
  MetricsResponse,
  Onboarding,
  Overview,
  PermissionReport,
  UpdateAccountRequest,
  RecommendationPatch,
  RecommendationView,
  RecommendationsResponse,
  Settings,
  SettingsUpdate,
  SuppressionRuleRequest,
  SuppressionRuleView,
} from './types.js';

export interface MetricsQuery {
  from: string;
  to: string;
  accountId?: string;
  region?: string;
  namespace?: string;
  resourceId?: string;
  metric?: string;
}

export interface FindingsQuery {
  /** Comma-separated bands, e.g. `high,critical`; empty for all. */
  severity?: string;
  /** Default (server side): open. */
  status?: 'open' | 'suppressed' | 'archived' | 'all';
  accountId?: string;
  region?: string;
  /** Substring of the finding type. */
  type?: string;
  /** Substring of the resource id or type. */
  resource?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  cursor?: string;
  limit?: number;
}

/** The URL of the CSV export of the findings `query` selects (every page). */
export function findingsCsvUrl(query: Omit<FindingsQuery, 'cursor' | 'limit'>): string {
  return withQuery('/api/findings.csv', { ...query });
}

export const tenantApi = {
  overview: (signal?: AbortSignal) => request<Overview>('/api/overview', { signal }),
  metrics: (query: MetricsQuery, signal?: AbortSignal) => request<MetricsResponse>(withQuery('/api/metrics', { ...query }), { signal }),
  costs: (query: { from: string; to: string; accountId?: string }, signal?: AbortSignal) =>
    request<CostsResponse>(withQuery('/api/costs', query), { signal }),
  findings: (query: FindingsQuery, signal?: AbortSignal) => request<FindingsPage>(withQuery('/api/findings', { ...query }), { signal }),
  suppressions: (signal?: AbortSignal) => request<SuppressionRuleView[]>('/api/findings/suppressions', { signal }),
  addSuppression: (body: SuppressionRuleRequest) => request<SuppressionRuleView>('/api/findings/suppressions', { method: 'POST', body }),
  removeSuppression: (id: string) => request<void>(`/api/findings/suppressions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  recommendations: (signal?: AbortSignal) => request<RecommendationsResponse>('/api/recommendations', { signal }),
  setRecommendationStatus: (id: string, body: RecommendationPatch) =>
    request<RecommendationView | undefined>(`/api/recommendations/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  accounts: (signal?: AbortSignal) => request<AccountView[] | { items: AccountView[] }>('/api/accounts', { signal }).then(listOf),
  onboarding: (signal?: AbortSignal) => request<Onboarding>('/api/accounts/onboarding', { signal }),
  connectAccount: (body: ConnectAccountRequest) => request<AccountView>('/api/accounts', { method: 'POST', body }),
  updateAccount: (id: string, body: UpdateAccountRequest) => request<AccountView>(`/api/accounts/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  checkAccount: (id: string, body: { includePaid?: boolean } = {}) =>
    request<PermissionReport>(`/api/accounts/${encodeURIComponent(id)}/check`, { method: 'POST', body }),
  setAccountBudget: (id: string, body: AccountBudgetUpdate) => request<AccountView>(`/api/accounts/${encodeURIComponent(id)}/budget`, { method: 'PUT', body }),
  deleteAccount: (id: string) => request<void>(`/api/accounts/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  settings: (signal?: AbortSignal) => request<Settings>('/api/settings', { signal }),
  updateSettings: (body: SettingsUpdate) => request<Settings>('/api/settings', { method: 'PUT', body }),
};

// api-types.ts does not name the GET /api/accounts body; accept a bare array or { items }.
function listOf(body: AccountView[] | { items: AccountView[] }): AccountView[] {
  return Array.isArray(body) ? body : body.items;
}
