/**
 * The Kedge CA lives in Secret <namespace>/kedge-ca (type kubernetes.io/tls).
 * The first replica (or `kedge init`) creates it; when two race, the loser's
 * create fails with AlreadyExists and it reads the winner's, so all replicas
 * share one CA.
 */
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { CaError } from '../errors';
import { apiStatus, isConflict, isNotFound } from '../kube';
import type { Logger } from '../log';
import { createCa, parseCa, type CaMaterial } from './pki';

export const CA_SECRET_NAME = 'kedge-ca';

const decode = (secret: V1Secret, key: string): string | undefined => {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
};

async function readCa(core: CoreV1Api, namespace: string): Promise<CaMaterial | undefined> {
  let secret: V1Secret;
  try {
    secret = await core.readNamespacedSecret({ name: CA_SECRET_NAME, namespace });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const certPem = decode(secret, 'tls.crt');
  const keyPem = decode(secret, 'tls.key');
  if (!certPem || !keyPem) {
    throw new CaError(
      `Secret ${namespace}/${CA_SECRET_NAME} lacks tls.crt or tls.key; delete it to let cloudcore create a new CA, or run kedge init`,
      {
        secret: `${namespace}/${CA_SECRET_NAME}`,
      },
    );
  }
  return parseCa(certPem, keyPem);
}

/** Creates the namespace on a bare API server; 409 (exists) and 403 (no right to create namespaces, so it is provisioned) are fine. */
async function ensureNamespace(core: CoreV1Api, namespace: string): Promise<void> {
  try {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  } catch (err) {
    if (!isConflict(err) && apiStatus(err) !== 403) throw err;
  }
}

export async function loadOrCreateCa(core: CoreV1Api, namespace: string, log: Logger): Promise<CaMaterial> {
  const existing = await readCa(core, namespace);
  if (existing) {
    log.info('loaded CA', { secret: `${namespace}/${CA_SECRET_NAME}`, subject: existing.cert.subject });
    return existing;
  }
  await ensureNamespace(core, namespace);
  const pair = await createCa();
  const body: V1Secret = {
    metadata: { name: CA_SECRET_NAME, namespace, labels: { 'app.kubernetes.io/part-of': 'kedge' } },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(pair.certPem).toString('base64'),
      'tls.key': Buffer.from(pair.keyPem).toString('base64'),
    },
  };
  try {
    await core.createNamespacedSecret({ namespace, body });
    log.info('created CA', { secret: `${namespace}/${CA_SECRET_NAME}` });
    return parseCa(pair.certPem, pair.keyPem);
  } catch (err) {
    if (!isConflict(err)) throw err;
    const winner = await readCa(core, namespace);
    if (!winner)
      throw new CaError(
        `Secret ${namespace}/${CA_SECRET_NAME} vanished right after another replica created it; restart cloudcore`,
      );
    log.info('another replica created the CA first; using it', { secret: `${namespace}/${CA_SECRET_NAME}` });
    return winner;
  }
}
