/** Links into the metrics page, e.g. from an alarm on the overview to its metric's charts. */
import { withQuery } from '../api/http.js';

/** What the metrics page can be opened on: one account, region, namespace and metric. */
export interface MetricFocus {
  accountId?: string;
  region?: string;
  namespace?: string;
  metric?: string;
}

/** `/resource-metrics?accountId=…&region=…&namespace=…&metric=…`. */
export function metricHref(focus: MetricFocus): string {
  return withQuery('/resource-metrics', { ...focus });
}

/** The focus in a metrics-page URL's query. */
export function metricFocusOf(query: URLSearchParams): MetricFocus {
  const focus: MetricFocus = {};
  for (const key of ['accountId', 'region', 'namespace', 'metric'] as const) {
    const value = query.get(key);
    if (value !== null && value !== '') focus[key] = value;
  }
  return focus;
}
