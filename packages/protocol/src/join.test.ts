import { describe, expect, it } from 'vitest';
import {
  caHashFromPem,
  formatToken,
  generateToken,
  hashTokenSecret,
  parseJoinRequest,
  parseJoinResponse,
  parseToken,
  tokenSecretMatches,
  validateCaHash,
  validateNodeName,
  verifyCaHash,
} from './join';

// A throwaway P-256 CA. Its pin was computed independently, as kubeadm documents:
// openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum
const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBhDCCASugAwIBAgIUIBUKC2vXA8WGkO1QAG7fkmeyb/EwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNa2VkZ2UtdGVzdC1jYTAeFw0yNjExMjcwOTE4NDFaFw0zNjEx
MjQwOTE4NDFaMBgxFjAUBgNVBAMMDWtlZGdlLXRlc3QtY2EwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAS4tMeNyP1WqoQ3zqmJ6h7yWAwYK/8bBvkboF7FzKb18M8T
hicKNJqUysryPH5iXyP+eTG5rdAzK0TVb/Sr8jw5o1MwUTAdBgNVHQ4EFgQUQuGN
QuLuXtrH2X824XbtTC36A2AwHwYDVR0jBBgwFoAUQuGNQuLuXtrH2X824XbtTC36
A2AwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiApe3w4K+btuQRr
wuWouqks0cZj6ds4HtQDzD+IkcneUgIgT8hk+JHsFa+aLH3btl6iS0/P0CVGt+GW
j1wFlKA+law=
-----END CERTIFICATE-----
`;
const CA_PIN = 'sha256:40031ffe60ec56c834a5f0279ecd818ae262c5eab4b5bb0146d1a9de03aec815';
const CSR_PEM = '-----BEGIN CERTIFICATE REQUEST-----\nMIHO\n-----END CERTIFICATE REQUEST-----\n';

describe('bootstrap tokens', () => {
  it('generates tokens that parse back', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const token = generateToken();
      const text = formatToken(token);
      expect(text).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
      expect(parseToken(text)).toEqual({ ok: true, token });
      seen.add(text);
    }
    expect(seen.size).toBe(200);
  });

  it('rejects malformed tokens without echoing them', () => {
    for (const bad of [
      '',
      'abcdef',
      'abcdef.0123456789abcde',
      'ABCDEF.0123456789abcdef',
      'abcdef:0123456789abcdef',
      'abcde.0123456789abcdefg',
      'kedge.abcdef.0123456789abcdef',
    ]) {
      const result = parseToken(bad);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('INVALID_TOKEN');
      expect(result.error.message).toContain('[a-z0-9]{6}.[a-z0-9]{16}');
      if (bad.length > 6) expect(result.error.message).not.toContain(bad);
    }
  });

  it('stores sha256 of the secret and compares in constant time', () => {
    expect(hashTokenSecret('0123456789abcdef')).toBe(
      '9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f',
    );
    const stored = hashTokenSecret('0123456789abcdef');
    expect(tokenSecretMatches('0123456789abcdef', stored)).toBe(true);
    expect(tokenSecretMatches('0123456789abcdee', stored)).toBe(false);
    expect(tokenSecretMatches('0123456789abcdef', 'not-hex')).toBe(false);
  });
});

describe('CA pin', () => {
  it('hashes the DER SubjectPublicKeyInfo like kubeadm', () => {
    expect(caHashFromPem(CA_PEM)).toBe(CA_PIN);
    expect(verifyCaHash(CA_PEM, CA_PIN)).toBeUndefined();
  });

  it('rejects a pin of the wrong form', () => {
    for (const bad of [
      '',
      '40031ffe',
      'sha1:40031ffe60ec56c834a5f0279ecd818ae262c5ea',
      `sha256:${'A'.repeat(64)}`,
      `sha256:${'0'.repeat(63)}`,
    ]) {
      expect(validateCaHash(bad)?.code).toBe('INVALID_CA_HASH');
    }
  });

  it('names expected and actual hash when the CA does not match', () => {
    const other = `sha256:${'0'.repeat(64)}`;
    const error = verifyCaHash(CA_PEM, other);
    expect(error?.code).toBe('INVALID_CA_HASH');
    expect(error?.message).toContain(CA_PIN);
    expect(error?.message).toContain(other);
  });

  it('rejects a file that holds no certificate', () => {
    expect(() => caHashFromPem('not a certificate')).toThrow(/not a PEM certificate/);
    expect(verifyCaHash('garbage', CA_PIN)?.code).toBe('INVALID_CA_HASH');
  });
});

describe('validateNodeName', () => {
  it('accepts DNS-1123 subdomains', () => {
    for (const good of ['a', 'gantry-17', 'gantry-17.section-3', '0node', 'a'.repeat(253)])
      expect(validateNodeName(good)).toBeUndefined();
  });

  it('rejects anything else, naming the rule', () => {
    for (const bad of ['', 'Gantry', '-a', 'a-', 'a..b', 'a_b', 'a/b', 'a.-b', 'a'.repeat(254)]) {
      const error = validateNodeName(bad);
      expect(error?.code, bad).toBe('INVALID_NODE_NAME');
    }
    expect(validateNodeName('Gantry_1')?.message).toContain('DNS-1123 subdomain');
    expect(validateNodeName('a'.repeat(254))?.message).toContain('at most 253');
  });
});

describe('join messages', () => {
  const request = { token: 'abcdef.0123456789abcdef', nodeName: 'gantry-1', csrPem: CSR_PEM, labels: { zone: 'g4' } };

  it('accepts a well-formed request and response', () => {
    expect(parseJoinRequest(request)).toEqual({ ok: true, request });
    const response = { certificatePem: CA_PEM, caPem: CA_PEM, cloudUrl: 'wss://cloud.example:10000/edge' };
    expect(parseJoinResponse(response)).toEqual({ ok: true, response });
  });

  it('names the field that is wrong', () => {
    const cases: [unknown, string][] = [
      [null, 'joinRequest'],
      [{ ...request, token: 7 }, 'joinRequest.token'],
      [{ ...request, token: 'nope' }, 'token'],
      [{ ...request, nodeName: 'Bad_Name' }, 'nodeName'],
      [{ ...request, csrPem: 'x' }, 'joinRequest.csrPem'],
      [{ ...request, labels: { a: 1 } }, 'joinRequest.labels'],
    ];
    for (const [json, field] of cases) {
      const result = parseJoinRequest(json);
      expect(result.ok || result.error.field).toBe(field);
    }
    const response = parseJoinResponse({ certificatePem: 'c', caPem: 'c', cloudUrl: 'http://x' });
    expect(response.ok || response.error.field).toBe('joinResponse.cloudUrl');
    const missing = parseJoinResponse({ certificatePem: 'c', cloudUrl: 'wss://x' });
    expect(missing.ok || missing.error.field).toBe('joinResponse.caPem');
  });
});
