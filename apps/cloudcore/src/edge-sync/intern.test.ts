import { describe, expect, it } from 'vitest';
import { StringInterner } from './intern';

const pod = (name: string) =>
  JSON.parse(
    JSON.stringify({
      metadata: { name, namespace: 'toll-gantry', labels: { app: 'plate-reader' } },
      spec: {
        containers: [{ name: 'app', image: 'registry.example/plate-reader:1.4', args: ['--lane', '3'] }],
        tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }],
      },
      created: new Date('2026-11-28T10:00:00Z'),
    }),
  ) as Record<string, unknown>;

describe('StringInterner', () => {
  it('leaves every value as it was, at any depth, and returns the same object', () => {
    const interner = new StringInterner();
    const obj = pod('reader-0');
    const expected = pod('reader-0');
    expect(interner.internValues(obj)).toBe(obj);
    expect(obj).toEqual(expected);
  });

  it('keeps one entry per distinct value across many objects', () => {
    const interner = new StringInterner();
    for (let i = 0; i < 100; i++) interner.internValues(pod(`reader-${i}`));
    // 100 names, plus namespace, label, container name, image, two args, toleration key and operator, the date string.
    expect(interner.size).toBe(100 + 9);
  });

  it('never holds more than its capacity: when full it starts afresh', () => {
    const interner = new StringInterner(10);
    for (let i = 0; i < 1000; i++) {
      expect(interner.intern(`uid-${i}`)).toBe(`uid-${i}`);
      expect(interner.size).toBeLessThanOrEqual(10);
    }
  });

  it('does not keep long values', () => {
    const interner = new StringInterner(10, 8);
    expect(interner.intern('x'.repeat(9))).toBe('x'.repeat(9));
    expect(interner.size).toBe(0);
  });

  it('leaves Date values and nulls untouched', () => {
    const interner = new StringInterner();
    const when = new Date('2026-11-28T10:00:00Z');
    const obj = { metadata: { deletionTimestamp: when, ownerReferences: null } };
    interner.internValues(obj);
    expect(obj.metadata.deletionTimestamp).toBe(when);
    expect(obj.metadata.ownerReferences).toBeNull();
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new StringInterner(0)).toThrow('interner capacity must be a positive integer');
  });
});
