// `kedge kube-lite`: the embedded API server alone, until SIGINT/SIGTERM.
import { startEmbeddedApi } from '../fleet/kube-lite';
import type { Output } from './output';

export interface KubeLiteOptions {
  dataDir: string;
  port: number;
  host: string;
}

export async function kubeLite(opts: KubeLiteOptions, out: Output): Promise<void> {
  const kl = await startEmbeddedApi({ dataDir: opts.dataDir, port: opts.port, host: opts.host });
  out.data(`kube-lite serving ${kl.url}`);
  out.data(`export KUBECONFIG=${kl.kubeconfigPath}`);
  out.info('Press Ctrl-C to stop.');
  const sig = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  out.info(`${sig}: stopping kube-lite`);
  await kl.stop();
}
