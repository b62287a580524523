import { describe, expect, it } from 'vitest';
import { caHashFromPem, generateToken, hashTokenSecret, parseCaHash, parseNodeName, parseToken } from './bootstrap';
import { UsageError } from './errors';
import { createCa } from './pki/ca';

describe('bootstrap helpers', () => {
  it('generates tokens that parse back', () => {
    const t = generateToken();
    expect(t.token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(parseToken(t.token)).toEqual(t);
    expect(hashTokenSecret(t.secret)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('rejects malformed tokens without echoing them', () => {
    expect(() => parseToken('abcdef.short')).toThrow(UsageError);
    expect(() => parseToken('abcdef.short')).not.toThrow(/short/);
  });
  it('pins a CA and validates --ca-hash', async () => {
    const ca = await createCa();
    const pin = caHashFromPem(ca.certPem);
    expect(parseCaHash(pin.toUpperCase().replace('SHA256', 'sha256'))).toBe(pin);
    expect(() => parseCaHash('sha256:1234')).toThrow(/64 hex digits/);
    expect(() => parseCaHash('md5:' + 'a'.repeat(64))).toThrow(UsageError);
  });
  it('validates node names', () => {
    expect(parseNodeName('gantry-17.section-3')).toBe('gantry-17.section-3');
    for (const bad of ['', 'Edge-1', '-edge', 'edge_1', 'a'.repeat(254)])
      expect(() => parseNodeName(bad)).toThrow(/--node-name/);
  });
});
