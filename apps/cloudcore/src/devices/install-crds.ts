/**
 * Installs the device CRDs when they are missing, so `kubectl apply` of a
 * Device works right after cloudcore starts. A CRD that exists is left as
 * it is: an operator (or a newer Kedge) may have changed it on purpose.
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { CloudcoreError } from '../errors';
import { apiErrorMessage, apiStatus, isConflict } from '../kube';
import type { Logger } from '../log';
import { DEVICE_CRDS } from './crds';

const CRD_API = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };

export type CrdOutcome = 'created' | 'present' | 'forbidden';

/**
 * Creates each device CRD that the API server lacks. Without the right to
 * create CRDs (a locked-down cluster where an operator installs them) it
 * logs what to apply and carries on: edge-sync picks the kinds up once they
 * appear. Other API failures reject with a CloudcoreError (API_UNAVAILABLE);
 * the caller retries.
 */
export async function installDeviceCrds(
  custom: Pick<CustomObjectsApi, 'createClusterCustomObject'>,
  log: Logger,
): Promise<Record<string, CrdOutcome>> {
  const outcomes: Record<string, CrdOutcome> = {};
  for (const [file, crd] of Object.entries(DEVICE_CRDS)) {
    const name = crd.metadata?.name ?? file;
    try {
      // Through the untyped client: the body goes out exactly as written.
      await custom.createClusterCustomObject({ ...CRD_API, body: crd });
      outcomes[name] = 'created';
      log.info('installed CRD', { crd: name });
    } catch (err) {
      if (isConflict(err)) {
        outcomes[name] = 'present';
      } else if (apiStatus(err) === 403) {
        outcomes[name] = 'forbidden';
        log.warn('cannot install CRD; apply it with kubectl', {
          crd: name,
          fix: `kubectl apply -f deploy/crds/devices/${file}`,
          error: apiErrorMessage(err),
        });
      } else {
        throw new CloudcoreError(
          'API_UNAVAILABLE',
          `installing CRD ${name} failed: ${apiErrorMessage(err)}`,
          { crd: name },
          { cause: err },
        );
      }
    }
  }
  return outcomes;
}
