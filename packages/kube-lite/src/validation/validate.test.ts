import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../controllers/api';
import { builtinResources } from '../registry/builtin';
import type { ResourceDef } from '../registry/types';
import { applyDefaults } from './defaults';
import { validateObject } from './validate';

const def = (resource: string): ResourceDef => builtinResources().find((d) => d.resource === resource)!;
const ctx = { services: () => [] };
const fields = (resource: string, o: KubeObject): string[] =>
  validateObject(def(resource), o).map((c) => `${c.field}: ${c.message.split(':')[0]}`);

describe('validation', () => {
  it('requires a name and checks DNS names and labels', () => {
    expect(
      fields('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '', namespace: 'd' } }),
    ).toEqual(['metadata.name: Required value']);
    expect(
      fields('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: 'd' } }),
    ).toEqual(['metadata.name: Invalid value']);
    expect(fields('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } })).toEqual([
      'metadata.name: Invalid value',
    ]);
    expect(
      fields('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ok', namespace: 'd', labels: { 'bad key!': 'v', ok: 'bad value' } },
      }),
    ).toEqual(['metadata.labels: Invalid value', 'metadata.labels: Invalid value']);
  });

  it('requires pod containers with name and image', () => {
    expect(
      fields('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: {} }),
    ).toEqual(['spec.containers: Required value']);
    expect(
      fields('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'd' },
        spec: { containers: [{ name: 'c' }] },
      }),
    ).toEqual(['spec.containers[0].image: Required value']);
  });

  it('checks that a deployment selector matches its template labels', () => {
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'd' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    };
    expect(fields('deployments', d)).toEqual(['spec.template.metadata.labels: Invalid value']);
    expect(fields('deployments', { ...d, spec: { template: (d.spec as { template: unknown }).template } })).toContain(
      'spec.selector: Required value',
    );
  });
});

describe('defaults', () => {
  it('fills the pod defaults kubectl shows', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'a', image: 'x:latest' },
          { name: 'b', image: 'x:1.2' },
        ],
      },
    };
    applyDefaults(def('pods'), pod, true, ctx);
    const spec = pod.spec as {
      restartPolicy: string;
      dnsPolicy: string;
      terminationGracePeriodSeconds: number;
      containers: { imagePullPolicy: string; terminationMessagePath: string }[];
    };
    expect([spec.restartPolicy, spec.dnsPolicy, spec.terminationGracePeriodSeconds]).toEqual([
      'Always',
      'ClusterFirst',
      30,
    ]);
    expect(spec.containers.map((c) => c.imagePullPolicy)).toEqual(['Always', 'IfNotPresent']);
    expect(spec.containers[0]!.terminationMessagePath).toBe('/dev/termination-log');
    expect((pod.status as { phase: string }).phase).toBe('Pending');
  });

  it('fills the deployment strategy defaults', () => {
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [] } } },
    };
    applyDefaults(def('deployments'), d, true, ctx);
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
  });
});
