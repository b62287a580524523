import { InvalidOptionsError } from '../../errors';

/** An IPv4 subnet for pods: the first host address is the bridge's (gateway), the rest are for pods. */
export interface Ipv4Subnet {
  cidr: string;
  prefix: number;
  gateway: string;
  /** First and last pod address, as 32-bit numbers. */
  first: number;
  last: number;
}

export function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/n` (n from 8 to 28: a bridge with room for at least 13 pods). */
export function parseSubnet(cidr: string, field: string): Ipv4Subnet {
  const [address = '', prefixText = ''] = cidr.split('/');
  const base = ipToNumber(address);
  const prefix = /^\d+$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (base === undefined || !(prefix >= 8 && prefix <= 28)) {
    throw new InvalidOptionsError(
      `${field} is "${cidr}", not an IPv4 subnet with a prefix from /8 to /28; write e.g. 10.88.0.0/16`,
      { field, cidr },
    );
  }
  const size = 2 ** (32 - prefix);
  const network = base - (base % size);
  if (network !== base) {
    throw new InvalidOptionsError(
      `${field} is "${cidr}", whose host bits are set; the subnet starts at ${numberToIp(network)}/${prefix}`,
      { field, cidr },
    );
  }
  return {
    cidr,
    prefix,
    gateway: numberToIp(network + 1),
    first: network + 2,
    last: network + size - 2,
  };
}
