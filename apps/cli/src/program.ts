// The `kedge` command tree: flags, help text and validation live here; each
// action calls one function of commands/. Bad flags surface as commander
// errors and exit with code 2 (see main.ts and docs/cli.md).
import { Command, InvalidArgumentError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { parseCaHash, parseNodeName, parseToken } from './bootstrap';
import type { JoinCommandOptions } from './commands/join';
import type { Output } from './commands/output';
import type { UpOptions } from './commands/up';
import { UsageError } from './errors';
import {
  checkLabelKey,
  parseCloudUrl,
  parseHostPort,
  parseHttpUrl,
  parseIntInRange,
  parseLabels,
  parsePort,
  parseTtlMs,
} from './options/parse';

/** Adapts a parser that throws UsageError to commander's argParser. */
function flag<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      if (err instanceof UsageError) throw new InvalidArgumentError(err.message);
      throw err;
    }
  };
}

const runtimes = ['docker', 'simulated'] as const;
const kubeconfigOption = (): Option =>
  new Option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)');

export function buildProgram(out: Output): Command {
  const program = new Command('kedge')
    .description(
      'Kedge: Kubernetes extended to the edge.\nExit codes: 0 ok, 1 runtime failure, 2 usage or bad input, 3 cloud unreachable, 4 auth failure.',
    )
    .version(pkg.version, '-V, --version', 'print the kedge version')
    .exitOverride()
    .showHelpAfterError('hint: add --help for usage')
    .configureHelp({ showGlobalOptions: true });

  program
    .command('up')
    .description('run a local fleet: kube-lite, cloudcore and edge nodes (Ctrl-C stops all)')
    .option('--data-dir <dir>', 'state directory (reused on the next run)', './.kedge')
    .addOption(
      new Option('--nodes <n>', 'number of edge nodes (edge-1..edge-N)')
        .default(2)
        .argParser(flag((t) => parseIntInRange(t, 1, 20, '--nodes'))),
    )
    .addOption(
      new Option('--runtime <type>', 'container runtime of the edge nodes')
        .choices(['docker', 'simulated', 'auto'])
        .default('auto'),
    )
    .addOption(new Option('--port <port>', 'kube-lite API port').default(6443).argParser(flag(parsePort)))
    .addOption(
      new Option('--cloud-port <port>', 'cloudcore edge channel port').default(10000).argParser(flag(parsePort)),
    )
    .addOption(
      new Option('--health-port <port>', 'cloudcore health/metrics port; edge-N uses this + N')
        .default(10351)
        .argParser(flag(parsePort)),
    )
    .addOption(
      new Option('--mqtt-port <port>', 'MQTT port of edge-1; edge-N uses this + N - 1')
        .default(1883)
        .argParser(flag(parsePort)),
    )
    .addHelpText(
      'after',
      '\nLogs go to <data-dir>/logs/; the kubeconfig is <data-dir>/kubeconfig. Ctrl-C stops everything.',
    )
    .action(async (opts: UpOptions) => (await import('./commands/up')).up(opts, out));

  program
    .command('kube-lite')
    .description('run only the embedded Kubernetes API server (kube-lite)')
    .requiredOption('--data-dir <dir>', 'state directory (SQLite store, certificates, kubeconfig)')
    .addOption(new Option('--port <port>', 'HTTPS port').default(6443).argParser(flag(parsePort)))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { dataDir: string; port: number; host: string }) =>
      (await import('./commands/kube-lite')).kubeLite(opts, out),
    );

  program
    .command('init')
    .description('prepare a cluster for Kedge: namespace, device CRDs, cloudcore RBAC, CA Secret')
    .addOption(kubeconfigOption())
    .option('--deploy', 'also apply the cloudcore Deployment and Service (deploy/cloudcore)', false)
    .action(async (opts: { kubeconfig?: string; deploy: boolean }) => {
      await (await import('./commands/init')).init(opts, out);
    });

  const token = program.command('token').description('manage bootstrap tokens used by `kedge join`');
  token
    .command('create')
    .description('create a join token; prints it, the CA hash and a ready `kedge join` line')
    .addOption(kubeconfigOption())
    .addOption(
      new Option('--ttl <duration>', 'how long the token is valid (1m..365d, e.g. 30m, 24h, 7d)')
        .default(parseTtlMs('24h'), '24h')
        .argParser(flag(parseTtlMs)),
    )
    .option('--description <text>', 'free text stored with the token', '')
    .addOption(
      new Option('--cloud <url>', 'cloudcore address for the printed join line')
        .default('wss://CLOUD_HOST:10000')
        .argParser(flag((t) => parseCloudUrl(t).url)),
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      async (opts: {
        kubeconfig?: string;
        ttl: number;
        description: string;
        cloud: string;
        output: 'text' | 'json';
      }) => {
        await (await import('./commands/token')).tokenCreate({ ...opts, ttlMs: opts.ttl }, out);
      },
    );
  token
    .command('list')
    .description('list join tokens')
    .addOption(kubeconfigOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { kubeconfig?: string; output: 'table' | 'json' }) =>
      (await import('./commands/token')).tokenList(opts, out),
    );
  token
    .command('revoke')
    .description('revoke (delete) a join token')
    .argument(
      '<id>',
      'token id (the part before the dot)',
      flag((t) => {
        if (!/^[a-z0-9]{6}$/.test(t))
          throw new UsageError(`token id "${t}" must be 6 characters [a-z0-9] (the part before the dot)`);
        return t;
      }),
    )
    .addOption(kubeconfigOption())
    .action(async (id: string, opts: { kubeconfig?: string }) =>
      (await import('./commands/token')).tokenRevoke(id, opts.kubeconfig, out),
    );

  program
    .command('join')
    .description('join this machine to a Kedge cloud as an edge node')
    .requiredOption('--cloud <url>', 'cloudcore address, wss://HOST:PORT', flag(parseCloudUrl))
    .requiredOption('--token <token>', 'bootstrap token from `kedge token create`', flag(parseToken))
    .requiredOption(
      '--ca-hash <sha256>',
      'pin of the cloud CA, sha256:<hex>, from `kedge token create`',
      flag(parseCaHash),
    )
    .requiredOption('--node-name <name>', 'name of the Node (DNS-1123 subdomain)', flag(parseNodeName))
    .addOption(
      new Option('--labels <k=v,...>', 'labels for the Node, e.g. kedge.io/group=section-3')
        .default({}, 'none')
        .argParser(flag(parseLabels)),
    )
    .option('--data-dir <dir>', 'where the node keeps its key, certificate, config and state', '/var/lib/kedge')
    .addOption(new Option('--runtime <type>', 'container runtime').choices(runtimes).default('docker'))
    .addOption(
      new Option('--pod-network <mode>', "pods on edgecore's own bridge, or on Docker's network")
        .choices(['bridge', 'docker'])
        .default('bridge'),
    )
    .addOption(
      new Option('--mqtt-port <port>', 'port of the embedded MQTT broker').default(1883).argParser(flag(parsePort)),
    )
    .option(
      '--health-listen <host:port>',
      'address of edgecore /healthz and /metrics',
      flag((t) => parseHostPort(t, '--health-listen')),
      '127.0.0.1:10350',
    )
    .option('--force', 'replace an already joined data dir', false)
    .addHelpText(
      'after',
      '\nExample:\n  kedge join --cloud wss://cloud.example.com:10000 --token abcdef.0123456789abcdef \\\n    --ca-hash sha256:<from kedge token create> --node-name gantry-0042 --labels kedge.io/group=section-3',
    )
    .action(async (opts: JoinCommandOptions) => {
      await (await import('./commands/join')).join(opts, out);
    });

  program
    .command('reset')
    .description("undo `kedge join`: remove this node's containers and data dir")
    .option('--data-dir <dir>', 'data dir given to `kedge join`', '/var/lib/kedge')
    .option('-y, --yes', 'do not ask for confirmation', false)
    .action(async (opts: { dataDir: string; yes: boolean }) => (await import('./commands/reset')).reset(opts, out));

  program
    .command('status')
    .description('show the fleet: nodes, groups, online, last seen, pods, traffic')
    .addOption(kubeconfigOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .option(
      '--group-label <key>',
      'node label shown as GROUP',
      flag((t) => (checkLabelKey(t), t)),
      'kedge.io/group',
    )
    .option(
      '--metrics-url <url>',
      'cloudcore /metrics for BYTES IN/OUT (e.g. http://127.0.0.1:10351/metrics)',
      flag((t) => parseHttpUrl(t, '--metrics-url')),
    )
    .action(
      async (opts: { kubeconfig?: string; output: 'table' | 'json'; groupLabel: string; metricsUrl?: string }) => {
        await (await import('./commands/status')).status(opts, out);
      },
    );

  return program;
}
