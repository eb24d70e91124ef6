/** Number and severity formatting shared by the templates (fixed locale, so output is deterministic). */
import { severityBand } from '../domain/records.js';

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `$1,234.50`. */
export function formatUsd(amount: number): string {
  return Number.isFinite(amount) ? USD.format(amount) : '–';
}

const BAND_LABEL = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' } as const;

/** `Critical (9.5)`: the band GuardDuty's console shows, with the number behind it. */
export function formatSeverity(severity: number): string {
  return `${BAND_LABEL[severityBand(severity)]} (${severity.toFixed(1)})`;
}

/** The band's label alone. */
export function severityLabel(severity: number): string {
  return BAND_LABEL[severityBand(severity)];
}
