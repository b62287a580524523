import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatObjectKey, parseObjectKey, sameObjectKey } from './object-key';

describe('ObjectKey', () => {
  it('formats namespaced and cluster-scoped keys', () => {
    expect(formatObjectKey({ kind: 'Pod', namespace: 'default', name: 'web-0' })).toBe('Pod/default/web-0');
    expect(formatObjectKey({ kind: 'Node', namespace: '', name: 'gantry-17' })).toBe('Node/gantry-17');
  });

  it('parses what it formats', () => {
    const segment = fc.stringMatching(/^[a-z0-9][-a-z0-9.]{0,20}$/);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,15}$/),
        fc.oneof(fc.constant(''), segment),
        segment,
        (kind, namespace, name) => {
          const key = { kind, namespace, name };
          const parsed = parseObjectKey(formatObjectKey(key));
          expect(parsed).toEqual({ ok: true, key });
          expect(parsed.ok && sameObjectKey(parsed.key, key)).toBe(true);
        },
      ),
    );
  });

  it('rejects malformed keys with MALFORMED and the expected form', () => {
    for (const bad of ['', 'Pod', 'Pod/a/b/c', 'Pod//b', 'Pod/a/', '/a/b', 'pod-1/a', 'Pod/a b/c']) {
      const result = parseObjectKey(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('MALFORMED');
        expect(result.error.message).toContain('Kind/namespace/name');
      }
    }
  });

  it('tells different keys apart', () => {
    expect(sameObjectKey({ kind: 'Pod', namespace: 'a', name: 'b' }, { kind: 'Pod', namespace: '', name: 'b' })).toBe(
      false,
    );
  });
});
