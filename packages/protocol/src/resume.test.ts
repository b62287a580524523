import { describe, expect, it } from 'vitest';
import { contentHash, manifestDigest } from './resume';

const pod = (rv: string, image = 'busybox') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: rv },
  spec: { containers: [{ name: 'c', image }] },
});

describe('contentHash', () => {
  it('ignores the resourceVersion and nothing else', () => {
    expect(contentHash(pod('1'))).toBe(contentHash(pod('2')));
    expect(contentHash(pod('1'))).not.toBe(contentHash(pod('1', 'nginx')));
    expect(contentHash(pod('1'))).toMatch(/^[\w-]{22}$/);
  });

  it('does not depend on the order of fields, at any depth', () => {
    const reordered = {
      spec: { containers: [{ image: 'busybox', name: 'c' }] },
      metadata: { uid: 'u1', resourceVersion: '9', namespace: 'default', name: 'web' },
      kind: 'Pod',
      apiVersion: 'v1',
    };
    expect(contentHash(reordered)).toBe(contentHash(pod('1')));
    // Array order is content.
    const two = (a: string, b: string) => ({ spec: { containers: [{ name: a }, { name: b }] } });
    expect(contentHash(two('a', 'b'))).not.toBe(contentHash(two('b', 'a')));
  });

  it('hashes a Date as the API server writes the timestamp', () => {
    const raw = { metadata: { name: 'web', creationTimestamp: '2026-11-27T12:28:22Z' } };
    const typed = { metadata: { name: 'web', creationTimestamp: new Date('2026-11-27T12:28:22Z') } };
    expect(contentHash(typed)).toBe(contentHash(raw));
    const micro = { metadata: { renewTime: new Date('2026-11-27T12:28:22.250Z') } };
    expect(contentHash(micro)).toBe(contentHash({ metadata: { renewTime: '2026-11-27T12:28:22.250Z' } }));
  });

  it('hashes objects without metadata too', () => {
    expect(contentHash({ kind: 'X' })).not.toBe(contentHash({ kind: 'Y' }));
  });
});

describe('manifestDigest', () => {
  const a = { uid: 'a', contentHash: 'h1' };
  const b = { uid: 'b', contentHash: 'h2' };

  it('does not depend on order, and changes with any uid or hash', () => {
    expect(manifestDigest([a, b])).toBe(manifestDigest([b, a]));
    expect(manifestDigest([a, b])).toMatch(/^sha256:[\w-]{22}$/);
    expect(manifestDigest([a, b])).not.toBe(manifestDigest([a]));
    expect(manifestDigest([a, b])).not.toBe(manifestDigest([a, { ...b, contentHash: 'h3' }]));
    expect(manifestDigest([a, b])).not.toBe(manifestDigest([a, { ...b, uid: 'c' }]));
  });

  it('is empty when any entry has no content hash', () => {
    expect(manifestDigest([a, { uid: 'b', contentHash: '' }])).toBe('');
  });

  it('has a digest for holding nothing', () => {
    expect(manifestDigest([])).toMatch(/^sha256:/);
  });
});
