import t from 'tap';
import { escapeHtml, html, raw, SafeHtml, type HtmlValue } from '../../src/mail/html.js';

t.test('interpolated text is escaped, the template itself is not', async (t) => {
  const title = `<script>alert(1)</script> & "quotes" 'too' \`tick\``;
  t.equal(
    html`<p title="${title}">${title}</p>`.toString(),
    '<p title="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39; &#96;tick&#96;">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39; &#96;tick&#96;</p>',
  );
});

t.test('nested fragments and lists are inserted once, not escaped twice', async (t) => {
  const items = ['a<b', 'c&d'].map((x) => html`<li>${x}</li>`);
  t.equal(html`<ul>${items}</ul>`.toString(), '<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
});

t.test('null, undefined and false render nothing; numbers render', async (t) => {
  t.equal(html`[${null}${undefined}${false}${0}${1.5}]`.toString(), '[01.5]');
});

t.test('raw() is the only way to insert markup; look-alike objects are escaped', async (t) => {
  t.equal(html`${raw('<br>')}`.toString(), '<br>');
  const forged = { toString: () => '<img src=x onerror=alert(1)>' } as unknown as HtmlValue;
  t.equal(html`${forged}`.toString(), '&lt;img src=x onerror=alert(1)&gt;');
  const fromJson = JSON.parse('{"markup":"<b>"}') as unknown as HtmlValue;
  t.notOk((fromJson as unknown) instanceof SafeHtml);
  t.equal(escapeHtml('<>&'), '&lt;&gt;&amp;');
});
