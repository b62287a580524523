// Kubernetes access for the CLI: loads the kubeconfig and maps API failures to
// CLI errors with the right exit code (unreachable 3, auth 4, other 1).
import { ApiException, CoordinationV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { homedir } from 'node:os';
import { AuthError, CliError, ExitCode, UnreachableError, describe, networkErrorCode } from '../errors';
import { resolveKubeconfigPath } from './kubeconfig';

export interface Kube {
  kubeconfigPath: string;
  server: string;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  objects: KubernetesObjectApi;
}

/** Namespace holding Kedge's CA, tokens and cloudcore. */
export const KEDGE_NAMESPACE = 'kedge-system';

export function connectKube(kubeconfigPath: string): Kube {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(kubeconfigPath);
  } catch (err) {
    throw new CliError(
      'KUBECONFIG_MISSING',
      ExitCode.usage,
      `cannot read kubeconfig ${kubeconfigPath}: ${describe(err)}`,
      {
        hint: 'check that the file is a valid kubeconfig (kubectl --kubeconfig FILE get nodes)',
        cause: err,
      },
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new CliError('KUBECONFIG_MISSING', ExitCode.usage, `kubeconfig ${kubeconfigPath} has no current cluster`, {
      hint: 'set a current context: kubectl config use-context NAME',
    });
  }
  return {
    kubeconfigPath,
    server: cluster.server,
    core: kc.makeApiClient(CoreV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

/** Resolves the kubeconfig like kubectl (flag, $KUBECONFIG, ~/.kube/config) and connects. */
export function openKube(flag: string | undefined): Kube {
  return connectKube(resolveKubeconfigPath({ flag, env: process.env.KUBECONFIG, home: homedir() }));
}

/** HTTP status of a failed API call, if it was one. */
export function apiStatus(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

function apiMessage(err: ApiException<unknown>): string {
  const body = err.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return body.slice(0, 200);
    }
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  const line = /^Message: (.+)$/m.exec(err.message)?.[1];
  return line && line !== 'undefined' ? line : 'request failed';
}

/** Runs one API call; `what` names it in the error ("create Secret kedge-system/kedge-ca"). */
export async function kubeCall<T>(kube: Kube, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toCliError(kube, what, err);
  }
}

export function toCliError(kube: Kube, what: string, err: unknown): CliError {
  if (err instanceof CliError) return err;
  const net = networkErrorCode(err);
  if (net) {
    return new UnreachableError(
      'KUBE_API_UNREACHABLE',
      `cannot ${what}: API server ${kube.server} unreachable (${net})`,
      {
        hint: `check that the cluster is running (kubectl --kubeconfig ${kube.kubeconfigPath} get nodes)`,
        cause: err,
      },
    );
  }
  if (err instanceof ApiException) {
    if (err.code === 401 || err.code === 403) {
      return new AuthError('KUBE_API_AUTH', `cannot ${what}: ${apiMessage(err)} (HTTP ${err.code})`, {
        hint:
          err.code === 401
            ? `the API server refused the credentials of ${kube.kubeconfigPath}; refresh them`
            : 'the kubeconfig user lacks the rights; use an admin kubeconfig',
        cause: err,
      });
    }
    return new CliError('KUBE_API_ERROR', ExitCode.runtime, `cannot ${what}: ${apiMessage(err)} (HTTP ${err.code})`, {
      cause: err,
    });
  }
  return new CliError('KUBE_API_ERROR', ExitCode.runtime, `cannot ${what}: ${describe(err)}`, { cause: err });
}
