import { describe, expect, it } from 'vitest';
import { mergePatch } from './merge';
import { strategicMergePatch } from './strategic';

describe('JSON merge patch', () => {
  it('merges objects, deletes with null, replaces lists', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({
      a: { b: 1, d: 3 },
      l: [3],
    });
    expect(mergePatch({ a: 1 }, 'x')).toBe('x');
  });
});

describe('strategic merge patch', () => {
  const pod = {
    metadata: { labels: { a: '1' }, finalizers: ['x'] },
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
        { name: 'side', image: 'busybox:1' },
      ],
      tolerations: [{ key: 't1' }],
    },
  };

  it('merges containers by name and env by name', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'web', image: 'nginx:2', env: [{ name: 'B', value: '2' }] }] },
    });
    const containers = (out.spec as { containers: { name: string; image: string; env?: unknown[] }[] }).containers;
    expect(containers.map((c) => c.image)).toEqual(['nginx:2', 'busybox:1']);
    expect(containers[0]!.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  it('honours $patch delete and replace, ignores $setElementOrder', () => {
    const deleted = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'side', $patch: 'delete' }], '$setElementOrder/containers': [{ name: 'web' }] },
    });
    expect((deleted.spec as { containers: unknown[] }).containers).toHaveLength(1);
    const replaced = strategicMergePatch(pod, {
      spec: { $patch: 'replace', containers: [{ name: 'only', image: 'x' }] },
    });
    expect(replaced.spec).toEqual({ containers: [{ name: 'only', image: 'x' }] });
  });

  it('replaces lists without a merge key and unions finalizers', () => {
    const out = strategicMergePatch(pod, {
      metadata: { finalizers: ['y'], labels: { a: null, b: '2' } },
      spec: { tolerations: [{ key: 't2' }] },
    });
    expect((out.spec as { tolerations: unknown[] }).tolerations).toEqual([{ key: 't2' }]);
    expect(out.metadata).toEqual({ labels: { b: '2' }, finalizers: ['x', 'y'] });
    const removed = strategicMergePatch(pod, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } });
    expect((removed.metadata as { finalizers: string[] }).finalizers).toEqual([]);
  });

  it('merges container ports by containerPort and service ports by port', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] },
    });
    expect((out.spec as { containers: { ports?: unknown[] }[] }).containers[0]!.ports).toEqual([
      { containerPort: 80, name: 'http' },
      { containerPort: 443 },
    ]);
    const svc = strategicMergePatch(
      { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
      { spec: { ports: [{ port: 80, name: 'web' }] } },
    );
    expect(svc.spec).toEqual({ ports: [{ port: 80, targetPort: 8080, name: 'web' }] });
  });
});
