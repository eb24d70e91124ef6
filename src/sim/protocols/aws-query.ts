/**
 * The awsQuery wire format (STS): form-encoded requests, XML responses wrapped in
 * `<{Action}Response><{Action}Result>` and errors as `<ErrorResponse><Error>`, as the SDK's
 * AwsQueryProtocol deserializer expects.
 */

/** A value that renders as XML: objects become elements, arrays `<member>` lists, Dates ISO-8601. */
export type XmlValue = string | number | boolean | Date | undefined | XmlValue[] | { [name: string]: XmlValue };

/** Parse a form-encoded body into a flat map (`Tags.member.1.Key` stays a flat key). */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) out[key] = value;
  return out;
}

/** Escape text for an XML element body. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function render(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (Array.isArray(value)) return value.map((item) => `<member>${render(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .map(([name, child]) => `<${name}>${render(child)}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** A successful awsQuery response body. */
export function queryResponseXml(action: string, xmlns: string, result: XmlValue, requestId: string): string {
  return (
    `<${action}Response xmlns="${xmlns}">` +
    `<${action}Result>${render(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  );
}

/** An awsQuery error body. */
export function queryErrorXml(xmlns: string, type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${xmlns}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId>` +
    `</ErrorResponse>`
  );
}
