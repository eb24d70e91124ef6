/** Small coloured labels used across pages: severity bands and worker/collector states. */
import { html } from 'lit';
import type { SeverityBand } from '../api/types.js';
import { titleCase } from './format.js';

/** The bands from worst to least, as GuardDuty orders them. */
export const BANDS: readonly SeverityBand[] = ['critical', 'high', 'medium', 'low'];

export function severityBadge(band: SeverityBand, severity?: number) {
  const score = severity === undefined ? '' : ` ${severity.toFixed(1)}`;
  return html`<span class="badge sev-${band}">${titleCase(band)}${score}</span>`;
}

const GOOD = new Set(['active', 'running', 'idle', 'closed', 'ok']);
const BAD = new Set(['parked', 'stopped', 'open', 'credentials_invalid', 'down', 'failed']);

/** A state word, green when healthy, red when broken, amber in between (backoff, halfOpen). */
export function stateBadge(state: string, label: string = state.replace(/_/g, ' ')) {
  const tone = GOOD.has(state) ? 'ok' : BAD.has(state) ? 'bad' : 'warn';
  return html`<span class="badge ${tone}" data-state=${state}>${label}</span>`;
}
