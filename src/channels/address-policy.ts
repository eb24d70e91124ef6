/**
 * Which IP addresses a tenant-supplied URL may reach (SSRF): only public unicast ones. Refused:
 * loopback, private (RFC 1918), carrier-grade NAT, link-local (169.254.0.0/16, the EC2 metadata
 * service among them; fe80::/10), unique local (fc00::/7), multicast, broadcast, unspecified and
 * reserved ranges, and the IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4, Teredo), which are judged by the IPv4 address inside.
 * Classification by ipaddr.js (`range()`), a maintained table of the IANA special-purpose ranges.
 */
import ipaddr from 'ipaddr.js';

/** The only ranges a channel may reach. */
const PUBLIC_RANGES = new Set(['unicast']);

/** IPv6 ranges whose address carries an IPv4 address in its last 32 bits. */
const EMBEDS_V4 = new Set(['ipv4Mapped', 'rfc6052', 'rfc6145']);

/**
 * Why `address` may not be reached (the ipaddr.js range name, e.g. `loopback`, `private`), or
 * undefined when it is a public unicast address. Anything that does not parse is `invalid`.
 */
export function forbiddenRange(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return 'invalid';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const range = v6.range();
    if (EMBEDS_V4.has(range)) {
      const bytes = v6.toByteArray().slice(12);
      parsed = new ipaddr.IPv4(bytes);
    } else if (range === '6to4' || range === 'teredo') {
      // Tunnels to an IPv4 address chosen by whoever wrote the URL: refused outright.
      return range;
    }
  }
  const range = parsed.range();
  return PUBLIC_RANGES.has(range) ? undefined : range;
}

/** True when `host` (a URL's hostname) is an IP literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return ipaddr.isValid(bare) && (bare.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(bare));
}
