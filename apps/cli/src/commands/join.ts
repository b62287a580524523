// `kedge join`: runs the join and tells the operator how to start edgecore.
import { relative } from 'node:path';
import type { BootstrapToken } from '../bootstrap';
import { DEFAULT_DOCKER_SOCKET, dockerReachable } from '../docker/engine';
import { joinNode, type JoinOutcome } from '../join/join';
import type { CloudUrl } from '../options/parse';
import type { Output } from './output';

export interface JoinCommandOptions {
  cloud: CloudUrl;
  token: BootstrapToken;
  caHash: string;
  nodeName: string;
  labels: Record<string, string>;
  dataDir: string;
  runtime: 'docker' | 'simulated';
  podNetwork: 'bridge' | 'docker';
  mqttPort: number;
  healthListen: string;
  force: boolean;
}

export async function join(opts: JoinCommandOptions, out: Output): Promise<JoinOutcome> {
  const outcome = await joinNode({ ...opts, token: opts.token.token });
  const rel = relative(process.cwd(), outcome.configPath);
  const config = rel && !rel.startsWith('..') ? rel : outcome.configPath;
  out.data(`node ${opts.nodeName} joined ${opts.cloud.url}; certificate valid until ${outcome.certificateNotAfter}`);
  out.data(`wrote ${outcome.dataDir}/{ca.crt,node.crt,node.key,edgecore.yaml}`);
  if (opts.runtime === 'docker' && !(await dockerReachable())) {
    out.info(
      `note: Docker is not reachable at ${DEFAULT_DOCKER_SOCKET}; start it before edgecore (or join with --runtime simulated)`,
    );
  }
  out.data('Start edgecore with one of:');
  out.data(`  node dist/edgecore/main.js --config ${config}`);
  out.data(`  npx tsx apps/edgecore/src/main.ts --config ${config}`);
  out.data('  systemctl enable --now edgecore   (deploy/systemd/edgecore.service, for --data-dir /var/lib/kedge)');
  return outcome;
}
