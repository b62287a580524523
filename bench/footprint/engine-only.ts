// Reference for the rollout figure: the same pods' containers (sandbox + app
// each, edgecore's own create options) started straight through its
// DockerRuntime, all at once, with no control plane and no pod manager,
// once on the pod bridge (as edgecore runs them) and once on Docker's own
// network. The rollout time minus the first is what Kedge adds on top of the
// engine, on this box at this moment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime, PodBridge, type ContainerLabels } from '@kedge/edgecore/src/runtime';

export type PodNetwork = 'bridge' | 'docker';

export async function engineOnlyMs(pods: number, image: string, network: PodNetwork): Promise<number> {
  const nodeName = `footprint-engine-${network}-${process.pid}`;
  const filesDir = mkdtempSync(join(tmpdir(), 'kedge-engine-only-'));
  const runtime = new DockerRuntime(network === 'bridge' ? { podBridge: new PodBridge({ nodeName, filesDir }) } : {});
  const labels = (podUid: string, kind: ContainerLabels['kind']): ContainerLabels => ({
    nodeName,
    podUid,
    podName: podUid,
    podNamespace: 'default',
    containerName: kind === 'app' ? 'app' : '',
    kind,
    restartCount: 0,
    specHash: '',
  });
  await runtime.version();
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: pods }, async (_, i) => {
        const uid = `${nodeName}-${i}`;
        const sandboxId = await runtime.createSandbox({
          name: `${uid}-sandbox`,
          image,
          labels: labels(uid, 'sandbox'),
          hostname: uid,
          hostNetwork: false,
          ports: [],
        });
        const [, appId] = await Promise.all([
          runtime.startSandbox(sandboxId),
          runtime.createContainer({
            name: `${uid}-app`,
            image,
            labels: labels(uid, 'app'),
            entrypoint: ['sleep'],
            cmd: ['86400'],
            env: [],
            mounts: [],
            sandboxId,
          }),
        ]);
        await runtime.startContainer(appId);
        await runtime.inspectContainer(appId);
      }),
    );
    return Math.round(performance.now() - t0);
  } finally {
    const made = await runtime.listContainers({ nodeName });
    await Promise.all(made.map((c) => runtime.removeContainer(c.id)));
    rmSync(filesDir, { recursive: true, force: true });
  }
}
