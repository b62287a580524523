// Starts the embedded API server for `kedge up` and `kedge kube-lite`,
// turning its start-up failures into CLI errors (bad port/dir: exit 2).
import { KubeLiteConfigError, startKubeLite, type KubeLite, type KubeLiteOptions } from '@kedge/kube-lite';
import { CliError, ExitCode, describe } from '../errors';

export async function startEmbeddedApi(options: KubeLiteOptions): Promise<KubeLite> {
  try {
    return await startKubeLite(options);
  } catch (err) {
    if (err instanceof KubeLiteConfigError) {
      const flag =
        err.field === 'port'
          ? '--port'
          : err.field === 'dataDir'
            ? '--data-dir'
            : err.field === 'host'
              ? '--host'
              : err.field;
      throw new CliError('BAD_INPUT', ExitCode.usage, `kube-lite: ${err.message}`, {
        hint: `change ${flag}`,
        cause: err,
      });
    }
    throw new CliError('PROCESS_FAILED', ExitCode.runtime, `kube-lite did not start: ${describe(err)}`, {
      hint: 'if its store is damaged, move the kube-lite data dir away and start again',
      cause: err,
    });
  }
}
