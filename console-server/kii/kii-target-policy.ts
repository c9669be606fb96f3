import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where the console server may send a connected app's Kii calls. A team admin names a custom
 * base URL, and the server fetches it with the app's secret: without limits that is a way to
 * make the server reach anything it can (cloud metadata, admin ports on its own network).
 */
export interface KiiTargetPolicy {
  /**
   * Private and loopback targets (10/8, 172.16/12, 192.168/16, 100.64/10, 127/8, ::1, fc00::/7)
   * are refused unless this is set (`--allow-private-kii`, or KPC_ALLOW_PRIVATE_KII=1): the
   * demo's local Kii server on 127.0.0.1, or a Kii-compatible server on the company network.
   */
  allowPrivate: boolean;
}

/** Why an address is refused; null when it may be reached. */
export type TargetRefusal = 'link-local or metadata' | 'unspecified or reserved' | 'private';

/** Never reached, whatever the flag: link-local, cloud metadata, unspecified, multicast. */
const NEVER = new BlockList();
NEVER.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER.addSubnet('169.254.0.0', 16, 'ipv4');
NEVER.addSubnet('224.0.0.0', 3, 'ipv4'); // multicast, reserved 240/4 and 255.255.255.255
NEVER.addAddress('::', 'ipv6');
NEVER.addSubnet('fe80::', 10, 'ipv6');
NEVER.addSubnet('ff00::', 8, 'ipv6');
// AWS's IPv6 instance metadata (fd00:ec2::254) sits in the private fd00::/8: refused anyway.
NEVER.addSubnet('fd00:ec2::', 32, 'ipv6');

const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
LINK_LOCAL.addSubnet('fd00:ec2::', 32, 'ipv6');

/** Reached only with `allowPrivate`. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** `::ffff:169.254.169.254` is the IPv4 address it carries, and is judged as that. */
function unmapped(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why `address` (an IP literal) may not be reached under `policy`, or null. */
export function targetRefusal(address: string, policy: KiiTargetPolicy): TargetRefusal | null {
  // Every Kii call checks its literal host; three BlockList checks cost about 25 us, and the
  // answer is a pure function of the address and the flag.
  const key = `${policy.allowPrivate ? 'p' : 's'} ${address}`;
  const known = decided.get(key);
  if (known !== undefined) return known;
  const refusal = decideRefusal(address, policy);
  if (decided.size >= 1024) decided.clear();
  decided.set(key, refusal);
  return refusal;
}

const decided = new Map<string, TargetRefusal | null>();

function decideRefusal(address: string, policy: KiiTargetPolicy): TargetRefusal | null {
  const { address: ip, type } = unmapped(address);
  if (NEVER.check(ip, type)) {
    return LINK_LOCAL.check(ip, type) ? 'link-local or metadata' : 'unspecified or reserved';
  }
  if (!policy.allowPrivate && PRIVATE.check(ip, type)) return 'private';
  return null;
}

/** A Kii target the policy refuses: the host, the address it resolved to, and why. */
export class KiiTargetRefusedError extends Error {
  readonly code = 'TARGET_REFUSED';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly refusal: TargetRefusal,
  ) {
    super(
      refusal === 'private'
        ? `${host} is ${address}, a private or loopback address; the console server reaches those only when started with --allow-private-kii (or KPC_ALLOW_PRIVATE_KII=1)`
        : `${host} is ${address}, a ${refusal} address; the console server never connects there`,
    );
  }
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function checkAll(host: string, addresses: readonly LookupAddress[], policy: KiiTargetPolicy) {
  // One refused address refuses the name: a name resolving to a public and a metadata address
  // must not get a chance to connect to the second.
  for (const { address } of addresses) {
    const refusal = targetRefusal(address, policy);
    if (refusal) throw new KiiTargetRefusedError(host, address, refusal);
  }
}

/**
 * Checks a base URL before an app is connected: the name is resolved and every address checked,
 * so the admin learns at once. Calls are still checked as they connect (`guardedLookup`): the
 * name may resolve elsewhere later (DNS rebinding).
 */
export async function checkKiiTarget(baseUrl: string, policy: KiiTargetPolicy): Promise<void> {
  const url = new URL(baseUrl);
  const host = hostOf(url);
  if (isIP(host)) return checkLiteralHost(url, policy);
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  checkAll(host, addresses, policy);
}

/**
 * A `lookup` for the sockets of Kii calls: resolves once, checks every address, and hands the
 * connection exactly the addresses it checked, so what is checked is what is connected to.
 */
export function guardedLookup(policy: KiiTargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      try {
        checkAll(hostname, addresses, policy);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) {
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      }
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * Checks an IP-literal host before connecting (sockets skip `lookup` for literals); names are
 * checked by `guardedLookup` as the socket connects.
 */
export function checkLiteralHost(url: URL, policy: KiiTargetPolicy): void {
  const host = hostOf(url);
  if (!isIP(host)) return;
  const refusal = targetRefusal(host, policy);
  if (refusal) throw new KiiTargetRefusedError(host, host, refusal);
}
