/** A daily digest on the real store: suppressed findings are neither new nor counted as open High/Critical. */
import t from 'tap';
import type { Tenant } from '../../src/domain/tenant.js';
import { loadDigestData } from '../../src/mail/digest-data.js';
import { finding, openTestStore, securityResult } from '../store/fixtures/store.js';

t.test('suppressed findings stay out of the digest', async (t) => {
  const { store } = await openTestStore(t);
  const now = Date.now();
  const tenant: Tenant = { id: 't-digest1', name: 'Digest Co', revision: 1, settings: {}, accounts: [] };
  const recent = new Date(now - 3_600_000).toISOString();
  await store.results.write(
    securityResult(tenant.id, 'a-digest1', [
      finding('f-honeypot', 9.5, recent, { resourceId: 'i-honeypot' }),
      finding('f-real', 8, recent, { resourceId: 'i-prod' }),
      finding('f-low', 2, recent, { resourceId: 'i-prod' }),
    ]),
  );
  const before = await loadDigestData(store, tenant, now);
  t.equal(before.findings.openHighOrCritical, 2);
  t.same(before.findings.newByBand, { critical: 1, high: 1, low: 1 });
  await store.findings.suppressions.add(tenant.id, { kind: 'resource', value: 'i-honeypot', reason: 'honeypot' });
  const after = await loadDigestData(store, tenant, now);
  t.equal(after.findings.openHighOrCritical, 1, 'the suppressed Critical is not counted');
  t.same(after.findings.newByBand, { high: 1, low: 1 });
});
