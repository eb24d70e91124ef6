/** CSV (RFC 4180) for the exports: the dashboard's tables as a spreadsheet opens them. */

/**
 * Quote one field. Text starting with =, +, -, @ or a tab is prefixed with ' so a spreadsheet
 * shows it instead of running it as a formula (OWASP "CSV Injection"); numbers stay numbers.
 */
export function csvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: a header row, then the rows, CRLF line ends. */
export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number | undefined | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
