import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerConfigError, InvalidPodSpecError } from '../errors';
import { writeAtomicDir } from './atomic-dir';
import type { KubeObject, Pod } from './kube-types';
import { containerMounts, referencesObject, removePodDir, setupVolumes } from './volumes';

const root = mkdtempSync(join(tmpdir(), 'kedge-volumes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = (text: string, mode = 0o644) => ({ data: Buffer.from(text), mode });

describe('writeAtomicDir', () => {
  it('switches the whole payload through one ..data link and drops stale keys', async () => {
    const dir = join(root, 'atomic');
    expect(
      await writeAtomicDir(
        dir,
        new Map([
          ['a', file('1')],
          ['sub/b', file('2', 0o600)],
        ]),
      ),
    ).toBe(true);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('1');
    expect(readFileSync(join(dir, 'sub/b'), 'utf8')).toBe('2');
    expect(statSync(join(dir, 'sub/b')).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(dir, 'a')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'a'))).toBe('..data/a');
    expect(
      await writeAtomicDir(
        dir,
        new Map([
          ['a', file('1')],
          ['sub/b', file('2', 0o600)],
        ]),
      ),
    ).toBe(false);
    expect(await writeAtomicDir(dir, new Map([['a', file('3')]]))).toBe(true);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('3');
    expect(readdirSync(dir).filter((e) => !e.startsWith('..'))).toEqual(['a']);
    expect(readdirSync(dir).filter((e) => e.startsWith('..'))).toHaveLength(2);
  });
});

describe('pod volumes', () => {
  const objects: Record<string, KubeObject> = {
    'ConfigMap/default/cm': { data: { 'app.conf': 'x=1', other: 'o' } },
    'Secret/default/sec': { data: { key: Buffer.from('k').toString('base64') } },
  };
  const resolve = (kind: string, ns: string, name: string) => objects[`${kind}/${ns}/${name}`];
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'default', uid: 'vol-uid' },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'i',
          envFrom: [{ secretRef: { name: 'sec' } }],
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/app' },
            { name: 'scratch', mountPath: '/data', subPath: 'logs' },
            { name: 'sec', mountPath: '/secret', readOnly: false },
          ],
        },
      ],
      volumes: [
        {
          name: 'cfg',
          configMap: { name: 'cm', items: [{ key: 'app.conf', path: 'conf/app.conf' }], defaultMode: 0o640 },
        },
        { name: 'scratch', emptyDir: {} },
        { name: 'sec', secret: { secretName: 'sec' } },
      ],
    },
  };

  it('writes ConfigMap items and Secrets, creates emptyDir subPaths, and mounts them (ConfigMap/Secret read-only)', async () => {
    await setupVolumes(pod, root, resolve);
    const base = join(root, 'pods', 'vol-uid', 'volumes');
    expect(readFileSync(join(base, 'kubernetes.io~configmap/cfg/conf/app.conf'), 'utf8')).toBe('x=1');
    expect(statSync(join(base, 'kubernetes.io~configmap/cfg/conf/app.conf')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(base, 'kubernetes.io~secret/sec/key'), 'utf8')).toBe('k');
    const mounts = await containerMounts(pod, pod.spec.containers[0]!, root, 'spec.containers[0]');
    expect(mounts).toEqual([
      { hostPath: join(base, 'kubernetes.io~configmap/cfg'), containerPath: '/etc/app', readOnly: true },
      { hostPath: join(base, 'kubernetes.io~empty-dir/scratch/logs'), containerPath: '/data', readOnly: false },
      { hostPath: join(base, 'kubernetes.io~secret/sec'), containerPath: '/secret', readOnly: true },
    ]);
    expect(statSync(join(base, 'kubernetes.io~empty-dir/scratch/logs')).isDirectory()).toBe(true);
    await removePodDir(root, 'vol-uid');
    expect(() => statSync(join(root, 'pods', 'vol-uid'))).toThrow();
  });

  it('rejects missing sources, unknown mounts and escaping paths', async () => {
    const missing: Pod = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'cfg', configMap: { name: 'absent' } }] } };
    await expect(setupVolumes(missing, root, resolve)).rejects.toBeInstanceOf(ContainerConfigError);
    const escaping: Pod = {
      ...pod,
      spec: {
        ...pod.spec,
        volumes: [{ name: 'cfg', configMap: { name: 'cm', items: [{ key: 'other', path: '../x' }] } }],
      },
    };
    await expect(setupVolumes(escaping, root, resolve)).rejects.toThrow(/must be a relative path without '\.\.'/);
    await expect(containerMounts(missing, pod.spec.containers[0]!, root, 'spec.containers[0]')).rejects.toBeInstanceOf(
      InvalidPodSpecError,
    );
  });

  it('knows which pods reference an object', () => {
    expect(referencesObject(pod, 'ConfigMap', 'cm')).toBe(true);
    expect(referencesObject(pod, 'Secret', 'sec')).toBe(true);
    expect(referencesObject(pod, 'ConfigMap', 'sec')).toBe(false);
  });
});
