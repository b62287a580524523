// Finds the kubeconfig the way kubectl does: --kubeconfig, then $KUBECONFIG
// (first existing entry of the list), then ~/.kube/config.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { CliError, ExitCode } from '../errors';

export interface KubeconfigSources {
  flag?: string | undefined;
  env?: string | undefined;
  home?: string | undefined;
}

/** Returns the kubeconfig path to use, or throws KUBECONFIG_MISSING (exit 2) naming what was tried. */
export function resolveKubeconfigPath(
  sources: KubeconfigSources = { env: process.env.KUBECONFIG, home: homedir() },
): string {
  if (sources.flag !== undefined) {
    const p = resolve(sources.flag);
    if (!existsSync(p)) {
      throw new CliError('KUBECONFIG_MISSING', ExitCode.usage, `--kubeconfig ${sources.flag} does not exist`, {
        hint: 'pass the path of an existing kubeconfig file (with `kedge up`, it is .kedge/kubeconfig)',
      });
    }
    return p;
  }
  const fromEnv = (sources.env ?? '').split(delimiter).filter((s) => s !== '');
  for (const candidate of fromEnv) if (existsSync(candidate)) return resolve(candidate);
  const fallback = sources.home ? join(sources.home, '.kube', 'config') : undefined;
  if (fallback && existsSync(fallback)) return fallback;
  const tried = [...fromEnv.map((p) => `$KUBECONFIG entry ${p}`), fallback ?? '~/.kube/config'].join(', ');
  throw new CliError('KUBECONFIG_MISSING', ExitCode.usage, `no kubeconfig found (tried ${tried})`, {
    hint: 'pass --kubeconfig FILE or set KUBECONFIG; `kedge up` writes one to .kedge/kubeconfig',
  });
}
