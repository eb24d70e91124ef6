import t from 'tap';
import { mailLinks } from '../../src/mail/mail-links.js';
import { subjectLine, MAX_SUBJECT_LENGTH } from '../../src/mail/plain-text.js';

t.test('links hang off the public URL, with or without a path prefix', async (t) => {
  t.equal(mailLinks('https://health.example.com').preferences, 'https://health.example.com/settings');
  t.equal(mailLinks('https://example.com/health').findings, 'https://example.com/health/findings');
  t.equal(mailLinks('https://example.com/health/').dashboard, 'https://example.com/health/');
  t.equal(mailLinks('https://example.com/app?x=1#frag').costs, 'https://example.com/app/costs', 'query and fragment dropped');
});

t.test('the verification token is URL-encoded', async (t) => {
  t.equal(mailLinks('https://example.com').verify('a b&c=d/e'), 'https://example.com/verify?token=a+b%26c%3Dd%2Fe');
});

t.test('only absolute http(s) URLs without credentials are accepted', async (t) => {
  for (const bad of ['not a url', '/relative', 'javascript:alert(1)', 'ftp://example.com', 'https://user:pw@example.com']) {
    t.throws(() => mailLinks(bad), { code: 'INVALID_PUBLIC_URL' }, bad);
  }
});

t.test('subject lines: one line, bounded', async (t) => {
  t.equal(subjectLine('Alert\r\nBcc: victim@example.com'), 'Alert Bcc: victim@example.com');
  t.equal(subjectLine('a\u2028b\u0085c\td'), 'a b c d');
  const long = subjectLine('x'.repeat(500));
  t.equal([...long].length, MAX_SUBJECT_LENGTH);
  t.ok(long.endsWith('…'));
});
