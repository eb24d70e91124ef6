/**
 * Styles every element shares (shadow roots do not inherit the page's rules): controls, focus
 * rings, cards, tables, badges, alerts. Colours come from the custom properties on :root in
 * index.html and meet WCAG AA contrast on their backgrounds.
 */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    display: block;
    color: var(--ch-text);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1, h2, h3 {
    line-height: 1.25;
    margin: 0 0 0.5rem;
  }
  h1 { font-size: 1.5rem; }
  h2 { font-size: 1.2rem; }
  h3 { font-size: 1rem; }
  p { margin: 0 0 0.75rem; }
  a { color: var(--ch-link); }
  a:hover { text-decoration-thickness: 2px; }
  :focus-visible {
    outline: 3px solid var(--ch-focus);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35rem;
    min-height: 2.5rem;
    padding: 0.4rem 0.9rem;
    border: 1px solid var(--ch-primary);
    border-radius: 6px;
    background: var(--ch-primary);
    color: #fff;
    cursor: pointer;
    text-decoration: none;
    white-space: nowrap;
  }
  button.secondary,
  .button.secondary {
    background: var(--ch-surface);
    color: var(--ch-primary);
  }
  button.danger {
    background: var(--ch-danger);
    border-color: var(--ch-danger);
  }
  button.link {
    background: none;
    border: none;
    color: var(--ch-link);
    padding: 0;
    min-height: auto;
    text-decoration: underline;
    white-space: normal;
    text-align: left;
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  input:not([type='checkbox']):not([type='radio']),
  select,
  textarea {
    font: inherit;
    width: 100%;
    min-height: 2.5rem;
    padding: 0.4rem 0.6rem;
    border: 1px solid var(--ch-border-strong);
    border-radius: 6px;
    background: var(--ch-surface);
    color: var(--ch-text);
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: 1.1rem;
    height: 1.1rem;
    accent-color: var(--ch-primary);
  }
  input[aria-invalid='true'] {
    border-color: var(--ch-danger);
  }
  .field {
    margin-bottom: 1rem;
  }
  .hint {
    color: var(--ch-muted);
    font-size: 0.875rem;
    margin-top: 0.25rem;
  }
  .field-error {
    color: var(--ch-danger);
    font-size: 0.875rem;
    margin-top: 0.25rem;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-weight: normal;
    margin: 0.25rem 0;
  }
  fieldset {
    border: 1px solid var(--ch-border);
    border-radius: 6px;
    padding: 0.5rem 0.9rem 0.75rem;
    margin: 0 0 1rem;
  }
  legend {
    font-weight: 600;
    padding: 0 0.25rem;
  }
  .card {
    background: var(--ch-surface);
    border: 1px solid var(--ch-border);
    border-radius: 8px;
    padding: 1rem;
  }
  .grid {
    display: grid;
    gap: 1rem;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr));
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .muted {
    color: var(--ch-muted);
  }
  .table-wrap {
    /* relative: visually-hidden cells inside must not widen the page past the scroller */
    position: relative;
    overflow-x: auto;
    border: 1px solid var(--ch-border);
    border-radius: 8px;
    background: var(--ch-surface);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.5rem 0.75rem;
    border-bottom: 1px solid var(--ch-border);
    vertical-align: top;
  }
  th {
    font-size: 0.875rem;
    background: var(--ch-surface-alt);
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .badge {
    display: inline-block;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 600;
    background: var(--ch-surface-alt);
    color: var(--ch-text);
    white-space: nowrap;
  }
  .badge.ok { background: var(--ch-ok-bg); color: var(--ch-ok); }
  .badge.warn { background: var(--ch-warn-bg); color: var(--ch-warn); }
  .badge.bad { background: var(--ch-bad-bg); color: var(--ch-danger); }
  .sev-critical { background: var(--ch-sev-critical-bg); color: var(--ch-sev-critical); }
  .sev-high { background: var(--ch-sev-high-bg); color: var(--ch-sev-high); }
  .sev-medium { background: var(--ch-sev-medium-bg); color: var(--ch-sev-medium); }
  .sev-low { background: var(--ch-sev-low-bg); color: var(--ch-sev-low); }
  .notice {
    border-radius: 6px;
    padding: 0.75rem 1rem;
    margin: 0 0 1rem;
    border: 1px solid var(--ch-ok);
    background: var(--ch-ok-bg);
  }
  .loading,
  .updating {
    color: var(--ch-muted);
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
  .updating {
    font-size: 0.8rem;
    margin: 0 0 0.5rem;
  }
  .spinner {
    width: 1rem;
    height: 1rem;
    border: 2px solid var(--ch-border-strong);
    border-top-color: var(--ch-primary);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to { transform: rotate(360deg); }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner { animation: none; }
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
