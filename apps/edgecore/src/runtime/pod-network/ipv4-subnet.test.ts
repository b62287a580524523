import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../../errors';
import { ipToNumber, numberToIp, parseSubnet } from './ipv4-subnet';

describe('parseSubnet', () => {
  it('gives the bridge the first address and pods the rest, broadcast excluded', () => {
    const s = parseSubnet('10.88.0.0/16', 'f');
    expect(s).toMatchObject({ prefix: 16, gateway: '10.88.0.1' });
    expect(numberToIp(s.first)).toBe('10.88.0.2');
    expect(numberToIp(s.last)).toBe('10.88.255.254');
    expect(numberToIp(ipToNumber('192.168.7.9') as number)).toBe('192.168.7.9');
  });

  it.each([
    ['10.88.0.0', /not an IPv4 subnet/],
    ['10.88.0.0/30', /not an IPv4 subnet/],
    ['10.88.0.0/7', /not an IPv4 subnet/],
    ['10.288.0.0/16', /not an IPv4 subnet/],
    ['10.88.0.0/x', /not an IPv4 subnet/],
    ['10.88.1.0/16', /host bits are set; the subnet starts at 10.88.0.0\/16/],
  ])('refuses %s, naming the field', (cidr, message) => {
    const attempt = () => parseSubnet(cidr, 'runtime.podSubnet');
    expect(attempt).toThrow(InvalidOptionsError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/runtime\.podSubnet/);
  });
});
