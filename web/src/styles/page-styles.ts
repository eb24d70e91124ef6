/** Layout shared by the pages: the narrow auth card and the page header with its actions. */
import { css } from 'lit';

export const pageStyles = css`
  .auth {
    max-width: 27rem;
    margin: 1.5rem auto;
  }
  .page-head {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: end;
    justify-content: space-between;
    margin-bottom: 1rem;
  }
  .page-head h1 {
    margin: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: end;
  }
  .toolbar .field {
    margin: 0;
    min-width: 9rem;
  }
  section + section {
    margin-top: 1.5rem;
  }
  .empty {
    text-align: center;
    padding: 2rem 1rem;
  }
`;
