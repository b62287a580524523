// A first workload for the local fleet: one busybox web server per edge node,
// written beside the fleet's state so the printed kubectl line just works.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Image built by tools/test-image.sh; nothing is pulled. */
export const DEMO_IMAGE = 'kedge.local/busybox:1';

export function demoDeployment(replicas: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: DEMO_IMAGE,
              imagePullPolicy: 'Never',
              command: ['httpd', '-f', '-p', '8080'],
              ports: [{ containerPort: 8080 }],
            },
          ],
        },
      },
    },
  };
}

/** Writes `<dataDir>/examples/web.yaml` and returns its path. */
export function writeDemoManifest(dataDir: string, replicas: number): string {
  const dir = join(dataDir, 'examples');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'web.yaml');
  writeFileSync(
    file,
    `# Written by \`kedge up\`: a web server on each edge node.\n${stringify(demoDeployment(replicas))}`,
  );
  return file;
}
