/**
 * Whether an address elsewhere may be delivered to (docs/federation.md §1): a web address whose
 * host resolves only to public addresses. Fedify guards what it fetches, but not the inboxes it
 * delivers to, and an actor on a public server may name an inbox on someone's private network
 * (or this server's own: a database, a cache). Checked when a follower is taken in and again
 * before each delivery; DNS answers are kept five minutes.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true });

/** Whether an IPv4 address is public: none of the special-purpose blocks (RFC 6890 and after). */
export function isPublicIPv4(address: string): boolean {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  const [a, b, c] = parts;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false; // this network, private, loopback, multicast and reserved
  if (a === 100 && b >= 64 && b <= 127) return false; // shared address space (carrier NAT)
  if (a === 169 && b === 254) return false; // link-local (cloud metadata lives here)
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false; // IETF protocol assignments, documentation
  if (a === 198 && (b === 18 || b === 19)) return false; // benchmarking
  if (a === 198 && b === 51 && c === 100) return false; // documentation
  if (a === 203 && b === 0 && c === 113) return false; // documentation
  return true;
}

/** Whether an IPv6 address is public: not loopback, unspecified, unique-local, link-local, multicast, documentation, or a private IPv4 in disguise. */
export function isPublicIPv6(address: string): boolean {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPublicIPv4(mapped[1]);
  if (lower === '::' || lower === '::1') return false;
  const first = parseInt(lower.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((first & 0xff00) === 0xff00) return false; // multicast
  if (lower.startsWith('2001:db8:') || lower.startsWith('2001:0db8:')) return false; // documentation
  if (lower.startsWith('64:ff9b:')) return false; // NAT64 could reach private IPv4
  return true;
}

const cache = new Map<string, { ok: boolean; until: number }>();
const cacheMs = 5 * 60 * 1000;

/** Whether `url` is an http(s) address whose host resolves to public addresses only (and at least one). */
export async function isPublicDestination(url: string, lookup: Lookup = systemLookup, now = Date.now()): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return false;
  const kind = isIP(host);
  if (kind === 4) return isPublicIPv4(host);
  if (kind === 6) return isPublicIPv6(host);
  const known = lookup === systemLookup ? cache.get(host) : undefined;
  if (known && known.until > now) return known.ok;
  let ok: boolean;
  try {
    const addresses = await lookup(host);
    ok = addresses.length > 0 && addresses.every((a) => (a.family === 4 ? isPublicIPv4(a.address) : a.family === 6 ? isPublicIPv6(a.address) : false));
  } catch {
    ok = false;
  }
  if (lookup === systemLookup) cache.set(host, { ok, until: now + cacheMs });
  return ok;
}
