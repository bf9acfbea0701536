/**
 * Where federation may deliver (docs/federation.md §1): only to web addresses whose host
 * resolves to public addresses, whatever an actor elsewhere names as its inbox.
 */
import { describe, expect, it } from 'vitest';
import { isPublicDestination, isPublicIPv4, isPublicIPv6, type Lookup } from '../../server/services/federation/public-address.ts';

describe('public addresses', () => {
  it('tells public IPv4 addresses from special-purpose ones', () => {
    for (const a of ['93.184.215.14', '1.1.1.1', '8.8.8.8', '100.63.255.255', '172.32.0.1', '192.169.0.1']) expect(isPublicIPv4(a), a).toBe(true);
    for (const a of ['0.0.0.0', '10.1.2.3', '127.0.0.1', '127.9.9.9', '100.64.0.1', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.168.1.1', '192.0.2.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '255.255.255.255', '1.2.3', 'x.1.2.3']) {
      expect(isPublicIPv4(a), a).toBe(false);
    }
  });

  it('tells public IPv6 addresses from special-purpose ones, private IPv4 in disguise included', () => {
    for (const a of ['2606:4700:4700::1111', '2a01:4f8::1']) expect(isPublicIPv6(a), a).toBe(true);
    for (const a of ['::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '2001:db8::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '[::1]']) {
      expect(isPublicIPv6(a), a).toBe(false);
    }
    expect(isPublicIPv6('::ffff:93.184.215.14')).toBe(true);
  });

  it('allows an inbox only when every address its host resolves to is public', async () => {
    const dns: Record<string, { address: string; family: number }[]> = {
      'good.example': [{ address: '93.184.215.14', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }],
      'inside.example': [{ address: '10.0.0.5', family: 4 }],
      'mixed.example': [{ address: '93.184.215.14', family: 4 }, { address: '127.0.0.1', family: 4 }],
      'empty.example': [],
    };
    const lookup: Lookup = async (host) => {
      if (!(host in dns)) throw new Error('ENOTFOUND');
      return dns[host];
    };
    expect(await isPublicDestination('https://good.example/inbox', lookup)).toBe(true);
    for (const url of [
      'https://inside.example/inbox',
      'https://mixed.example/inbox',
      'https://empty.example/inbox',
      'https://unknown.example/inbox',
      'http://localhost:6379/',
      'http://api.localhost/inbox',
      'http://127.0.0.1:8080/inbox',
      'http://[::1]/inbox',
      'http://169.254.169.254/latest/meta-data',
      'ftp://good.example/inbox',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(await isPublicDestination(url, lookup), url).toBe(false);
    }
    expect(await isPublicDestination('https://93.184.215.14/inbox', lookup)).toBe(true);
  });
});
