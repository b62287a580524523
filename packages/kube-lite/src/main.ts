// Runnable entry: `tsx packages/kube-lite/src/main.ts --data-dir D --port P [--host H] [--no-controllers]`.
// Prints the kubeconfig path on stdout; stops cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startKubeLite } from './kube-lite';

const usage = 'usage: main.ts --data-dir DIR [--port 6443] [--host 127.0.0.1] [--no-controllers]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string', default: '6443' },
        host: { type: 'string', default: '127.0.0.1' },
        'no-controllers': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const dataDir = values['data-dir'];
  const port = Number(values.port);
  if (!dataDir) {
    process.stderr.write(`--data-dir is required: the directory kube-lite keeps its store in\n${usage}\n`);
    return 2;
  }
  if (!/^\d+$/.test(values.port) || port > 65535) {
    process.stderr.write(`--port must be a number from 0 to 65535, got "${values.port}"\n${usage}\n`);
    return 2;
  }
  const kube = await startKubeLite({ dataDir, port, host: values.host, controllers: !values['no-controllers'] });
  process.stdout.write(`${kube.kubeconfigPath}\n`);
  const onSignal = (): void => void kube.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const error = await kube.closed;
  if (error) {
    process.stderr.write(`kube-lite stopped: ${error.message}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`kube-lite failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
