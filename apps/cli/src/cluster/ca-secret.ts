// Reads or creates the Kedge CA Secret (kedge-system/kedge-ca). Creation is
// create-or-read-the-winner so that `kedge init` and cloudcore replicas
// starting together end up with one CA.
import type { V1Secret } from '@kubernetes/client-node';
import { CliError, ExitCode } from '../errors';
import { createCa, type CaMaterial } from '../pki/ca';
import { KEDGE_NAMESPACE, apiStatus, toCliError, type Kube } from '../kube/client';

export const CA_SECRET_NAME = 'kedge-ca';

function decode(secret: V1Secret, key: string): string | undefined {
  const b64 = secret.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

function materialOf(secret: V1Secret): CaMaterial {
  const certPem = decode(secret, 'tls.crt');
  const keyPem = decode(secret, 'tls.key');
  if (!certPem?.includes('BEGIN CERTIFICATE') || !keyPem?.includes('PRIVATE KEY')) {
    throw new CliError(
      'CA_MISSING',
      ExitCode.runtime,
      `Secret ${KEDGE_NAMESPACE}/${CA_SECRET_NAME} lacks PEM tls.crt/tls.key`,
      {
        hint: `delete it (kubectl -n ${KEDGE_NAMESPACE} delete secret ${CA_SECRET_NAME}) and run \`kedge init\` again; joined nodes must then re-join`,
      },
    );
  }
  return { certPem, keyPem };
}

/** The CA, or undefined when the Secret does not exist. */
export async function readCa(kube: Kube): Promise<CaMaterial | undefined> {
  try {
    const secret = await kube.core.readNamespacedSecret({ name: CA_SECRET_NAME, namespace: KEDGE_NAMESPACE });
    return materialOf(secret);
  } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    throw toCliError(kube, `read Secret ${KEDGE_NAMESPACE}/${CA_SECRET_NAME}`, err);
  }
}

/** The CA; throws CA_MISSING with a hint to run `kedge init` when absent. */
export async function requireCa(kube: Kube): Promise<CaMaterial> {
  const ca = await readCa(kube);
  if (!ca) {
    throw new CliError('CA_MISSING', ExitCode.runtime, `Secret ${KEDGE_NAMESPACE}/${CA_SECRET_NAME} does not exist`, {
      hint: 'run `kedge init` (or start cloudcore once) to create the CA',
    });
  }
  return ca;
}

/** Creates the CA Secret if absent. Returns the CA in force and whether this call made it. */
export async function ensureCa(kube: Kube): Promise<{ ca: CaMaterial; created: boolean }> {
  const existing = await readCa(kube);
  if (existing) return { ca: existing, created: false };
  const ca = await createCa();
  const body: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: CA_SECRET_NAME, namespace: KEDGE_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'kedge' } },
    data: {
      'tls.crt': Buffer.from(ca.certPem).toString('base64'),
      'tls.key': Buffer.from(ca.keyPem).toString('base64'),
    },
  };
  try {
    await kube.core.createNamespacedSecret({ namespace: KEDGE_NAMESPACE, body });
    return { ca, created: true };
  } catch (err) {
    if (apiStatus(err) === 409) return { ca: await requireCa(kube), created: false };
    throw toCliError(kube, `create Secret ${KEDGE_NAMESPACE}/${CA_SECRET_NAME}`, err);
  }
}
