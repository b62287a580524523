import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests, readManifestDir } from './apply';
import { namespaceObject, rbacObjects } from './rbac';

const deployDir = fileURLToPath(new URL('../../../../deploy/cloudcore/', import.meta.url));

describe('cloudcore RBAC', () => {
  it('matches deploy/cloudcore (kedge init and kubectl apply grant the same rights)', () => {
    const text = readFileSync(`${deployDir}10-rbac.yaml`, 'utf8');
    expect(parseManifests(text, '10-rbac.yaml')).toEqual(rbacObjects());
    expect(parseManifests(readFileSync(`${deployDir}00-namespace.yaml`, 'utf8'), 'ns')).toEqual([namespaceObject()]);
  });

  it('grants no wildcard and no write on secrets cluster-wide', () => {
    const clusterRole = rbacObjects().find((o) => o.kind === 'ClusterRole') as unknown as {
      rules: { resources: string[]; verbs: string[] }[];
    };
    for (const rule of clusterRole.rules) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      if (rule.resources.includes('secrets')) expect(rule.verbs).toEqual(['get', 'list', 'watch']);
    }
  });

  it('deploy/cloudcore parses: 2 replicas with a readiness probe, a Service on 10000, a PDB', async () => {
    const objects = await readManifestDir(deployDir);
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace',
        'ServiceAccount',
        'ClusterRole',
        'Deployment',
        'Service',
        'PodDisruptionBudget',
      ]),
    );
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: {
        replicas: number;
        template: { spec: { containers: { readinessProbe: { httpGet: { path: string } }; resources: object }[] } };
      };
    };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0]?.readinessProbe.httpGet.path).toBe('/readyz');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata?.name === 'cloudcore') as unknown as {
      spec: { ports: { port: number }[] };
    };
    expect(service.spec.ports[0]?.port).toBe(10000);
  });

  it('names the file and problem for bad manifests', () => {
    expect(() => parseManifests('kind: [', 'bad.yaml')).toThrow(/bad.yaml/);
    expect(() => parseManifests('apiVersion: v1\nkind: ConfigMap\n', 'noname.yaml')).toThrow(
      /noname.yaml: a document lacks/,
    );
  });
});
