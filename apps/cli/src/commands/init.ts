// `kedge init`: prepares any cluster for Kedge — namespace, device CRDs,
// cloudcore's RBAC and the CA Secret; with --deploy also cloudcore itself.
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { caHashFromPem } from '../bootstrap';
import { applyObject, readManifestDir } from '../cluster/apply';
import { CA_SECRET_NAME, ensureCa } from '../cluster/ca-secret';
import { namespaceObject, rbacObjects } from '../cluster/rbac';
import { CliError, ExitCode } from '../errors';
import { KEDGE_NAMESPACE, openKube, type Kube } from '../kube/client';
import { findShipped } from '../paths';
import type { Output } from './output';

export interface InitOptions {
  kubeconfig?: string;
  deploy: boolean;
}

export interface InitResult {
  applied: string[];
  caCreated: boolean;
  caHash: string;
}

async function applyAll(
  kube: Kube,
  objects: readonly KubernetesObject[],
  out: Output,
  applied: string[],
  optional = false,
): Promise<void> {
  for (const o of objects) {
    const result = await applyObject(kube, o, { optional });
    const name = `${o.kind?.toLowerCase()}/${o.metadata?.name}`;
    if (result === 'not served') {
      out.info(`${name} skipped: the API server does not serve ${o.apiVersion} ${o.kind}`);
      continue;
    }
    applied.push(name);
    out.info(`${name} ${result}`);
  }
}

export async function init(opts: InitOptions, out: Output): Promise<InitResult> {
  const kube = openKube(opts.kubeconfig);
  const applied: string[] = [];
  await applyAll(kube, [namespaceObject()], out, applied);

  const crdDir = findShipped(join('deploy', 'crds', 'devices'));
  if (crdDir) {
    await applyAll(kube, await readManifestDir(crdDir), out, applied);
  } else {
    out.info('deploy/crds/devices not found next to kedge: device CRDs skipped (apply them with kubectl later)');
  }
  await applyAll(kube, rbacObjects(), out, applied, true);

  const { ca, created } = await ensureCa(kube);
  out.info(`secret/${CA_SECRET_NAME} ${created ? 'created' : 'unchanged'}`);

  if (opts.deploy) {
    const deployDir = findShipped(join('deploy', 'cloudcore'));
    if (!deployDir) {
      throw new CliError('BAD_INPUT', ExitCode.usage, 'deploy/cloudcore manifests not found next to kedge', {
        hint: 'run kedge from a Kedge checkout or apply deploy/cloudcore/ with kubectl',
      });
    }
    const manifests = (await readManifestDir(deployDir)).map((object) => withCaBundle(object, ca.certPem));
    await applyAll(kube, manifests, out, applied, true);
  }

  const caHash = caHashFromPem(ca.certPem);
  out.data(`Kedge is initialised in namespace ${KEDGE_NAMESPACE} (CA pin ${caHash}).`);
  out.data(
    opts.deploy
      ? 'cloudcore is deployed; expose Service kedge-system/cloudcore port 10000 to edge nodes.'
      : 'Start cloudcore against this cluster, or run `kedge init --deploy`.',
  );
  out.data('Next: create a join token and join a node:');
  out.data('  kedge token create --ttl 24h --cloud wss://CLOUD_HOST:10000');
  out.data('  kedge join --cloud wss://CLOUD_HOST:10000 --token TOKEN --ca-hash ' + caHash + ' --node-name NODE_NAME');
  return { applied, caCreated: created, caHash };
}

/** The API server calls cloudcore's admission webhook trusting the Kedge CA. */
function withCaBundle<T extends { kind?: string }>(object: T, caPem: string): T {
  if (object.kind !== 'MutatingWebhookConfiguration') return object;
  const hooks = (object as { webhooks?: { clientConfig?: { caBundle?: string } }[] }).webhooks ?? [];
  for (const hook of hooks)
    hook.clientConfig = { ...hook.clientConfig, caBundle: Buffer.from(caPem).toString('base64') };
  return object;
}
