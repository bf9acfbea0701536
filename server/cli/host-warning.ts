/**
 * The warning `daf serve` prints when it listens beyond loopback without `--base-url`. Daf
 * then takes its own address from each request's Host header, which a client chooses: it ends
 * up in oEmbed HTML, invitation URLs, W3C ids and the origin check.
 */
import { isIP } from 'node:net';

/** Is `host` a name or address that only this machine reaches? */
function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The warning to print for serving on `host` with `baseUrl`, or null when there is nothing to warn of. */
export function hostWarning(host: string, baseUrl: string | undefined): string | null {
  if (baseUrl !== undefined || isLoopback(host)) return null;
  return (
    `Warning: serving on ${host} without --base-url (or DAF_BASE_URL): Daf takes its public address from ` +
    'each request\'s Host header, which any client can set, and uses it in oEmbed HTML, invitation links, ' +
    'W3C ids and the origin check. Give the public URL, e.g. --base-url https://daf.example.org'
  );
}
