/**
 * Follow a paginated AWS operation page by page. Each page is its own call (its own retries,
 * its own billing entry). A runaway pagination — the same token again, or more pages than any
 * real answer has — stops with an error instead of looping and running up a bill.
 */
import { AwsCallError } from '../domain/errors.js';

/** One page's items and the token of the next page, if any. */
export interface Page<T> {
  items: T[];
  next: string | undefined;
}

/** Fetch pages until there is no next token; returns every item in order. */
export async function paginate<T>(
  site: { service: string; operation: string },
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  maxPages = 1_000,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages >= maxPages) {
      throw new AwsCallError('other', site.service, 'PaginationRunaway', `${site.service} ${site.operation}: more than ${maxPages} pages`);
    }
    const page = await fetchPage(token);
    items.push(...page.items);
    if (!page.next) return items;
    if (seen.has(page.next)) {
      throw new AwsCallError('other', site.service, 'PaginationRunaway', `${site.service} ${site.operation}: a page token came back twice`);
    }
    seen.add(page.next);
    token = page.next;
  }
}
