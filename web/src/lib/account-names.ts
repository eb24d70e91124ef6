/** Accounts are identified by the service's id (a-…); people know them by name and AWS id. */
import type { AccountView } from '../api/types.js';

/** id -> "name (123456789012)"; an id not in the list is shown as is. */
export function accountLabeller(accounts: readonly AccountView[] | undefined): (id: string) => string {
  const names = new Map((accounts ?? []).map((account) => [account.id, `${account.name} (${account.awsAccountId})`]));
  return (id) => names.get(id) ?? id;
}
