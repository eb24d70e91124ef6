/**
 * Tables that turn into one card per row on a phone, so nothing scrolls sideways: add the class
 * `stacked` to the table (inside a `.table-wrap` or a `.card`). Cells with `data-label` are
 * prefixed with it ("Status: Active"), since the header row is hidden; the key column has none.
 */
import { css } from 'lit';

export const stackedTableStyles = css`
  @media (max-width: 760px) {
    .table-wrap:has(> table.stacked) { border: none; background: none; overflow: visible; }
    table.stacked, table.stacked tbody, table.stacked tr, table.stacked td, table.stacked tbody th { display: block; width: auto; }
    table.stacked thead { display: none; }
    table.stacked tr { border: 1px solid var(--ch-border); border-radius: 8px; margin-bottom: 0.6rem; background: var(--ch-surface); padding: 0.35rem 0; }
    table.stacked td, table.stacked tbody th { border: none; padding: 0.2rem 0.75rem; min-width: 0; text-align: left; background: none; }
    table.stacked td.num { text-align: left; }
    table.stacked td[data-label]::before { content: attr(data-label) ': '; color: var(--ch-muted); font-size: 0.85rem; }
    table.stacked td:empty { display: none; }
  }
`;
