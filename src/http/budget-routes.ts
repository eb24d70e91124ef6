/**
 * Budgets per account: a monthly figure whose 50/80/100 % thresholds of actual and of forecast
 * spend each alert once a month (the tenant-wide budget is in /api/settings). Changing one needs
 * the admin role, as the tenant's budget does; the cost page shows where each stands.
 */
import { AppError } from '../domain/errors.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { accountBudgetSchema, idParams } from './schemas.js';
import { accountView } from './views.js';

/** The budget routes. */
export function budgetRoutes(rc: RouteContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'put',
      path: '/api/accounts/:id/budget',
      summary: "Set or remove (null) the account's monthly budget in USD; alerts at 50, 80 and 100 % of actual and of forecast spend, each once a month",
      tag: 'accounts',
      auth: 'session',
      role: 'admin',
      params: idParams('account'),
      body: accountBudgetSchema,
      responses: { 200: 'AccountView', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 403: 'Problem (ROLE_REQUIRED)', 404: 'Problem (NOT_FOUND)' },
      async handler(_ctx, { body, params, session: { tenantId } }) {
        const tenant = await rc.deps.store.tenants.get(tenantId);
        if (!tenant?.accounts.some((a) => a.id === params.id)) throw clientError(404, 'NOT_FOUND', 'no such account');
        let updated;
        try {
          updated = await rc.deps.store.tenants.updateAccount(tenantId, params.id, { monthlyBudgetUsd: body.monthlyBudgetUsd });
        } catch (error) {
          // Removed between the read and the write.
          if (error instanceof AppError && error.code === 'NOT_FOUND') throw clientError(404, 'NOT_FOUND', 'no such account');
          throw error;
        }
        rc.deps.onTenantChanged(tenantId);
        rc.deps.log.info({ tenant: tenantId, account: params.id, set: body.monthlyBudgetUsd !== null }, 'account budget changed');
        return accountView(updated, tenant.createdAt);
      },
    }),
  ];
}
