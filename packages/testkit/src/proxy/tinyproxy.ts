import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessStartError, ProxyStartError } from '../errors';
import { freePort } from '../net/ports';
import { startProcess, type ManagedProcess } from '../proc/process';

export interface TinyproxyOptions {
  /** Address to listen on. Default 127.0.0.1 (an EdgeNetwork's hostAddress serves a namespace). */
  listenHost?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Client networks allowed to use the proxy, as CIDRs. Default: [`<listenHost>/32`]. */
  allow?: string[];
  /** Ports CONNECT may reach (the cloud port); others get 403. At least one. */
  connectPorts: number[];
  /** How long tinyproxy may take to listen, in ms. Default 10_000. */
  startTimeoutMs?: number;
}

export interface Tinyproxy {
  /** `http://host:port`, for HTTPS_PROXY or an https-proxy-agent. */
  readonly url: string;
  readonly port: number;
  /** tinyproxy's own log file. */
  readonly logFile: string;
  /** CONNECT requests tinyproxy has received so far (allowed or refused), read from its log. */
  requests(): number;
  /** Stops tinyproxy and removes its config and log. */
  stop(): Promise<void>;
}

/** When port 0 was asked for, retries with a new port if another process took the chosen one. */
const portAttempts = 3;

function withDefaults(options: TinyproxyOptions) {
  const listenHost = options.listenHost ?? '127.0.0.1';
  const o = { ...options, listenHost, port: options.port ?? 0, startTimeoutMs: options.startTimeoutMs ?? 10_000 };
  const allow = options.allow ?? [`${listenHost}/32`];
  const bad = (field: string, value: unknown, fix: string) =>
    new ProxyStartError(`tinyproxy: ${field} ${JSON.stringify(value)} is invalid: ${fix}`, { field, value });
  if (isIP(o.listenHost) !== 4) throw bad('listenHost', o.listenHost, 'use an IPv4 address');
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535) throw bad('port', o.port, 'use an integer 0..65535');
  if (!Array.isArray(o.connectPorts) || o.connectPorts.length === 0) {
    throw bad('connectPorts', o.connectPorts, 'list the ports CONNECT may reach, e.g. [cloudPort]');
  }
  for (const p of o.connectPorts) {
    if (!Number.isInteger(p) || p < 1 || p > 65_535) throw bad('connectPorts entry', p, 'use integers 1..65535');
  }
  for (const cidr of allow) {
    const [address = '', prefix = '32', ...rest] = cidr.split('/');
    if (isIP(address) !== 4 || rest.length > 0 || !/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) {
      throw bad('allow entry', cidr, 'use an IPv4 CIDR such as 10.213.1.0/24');
    }
  }
  return { ...o, allow };
}

function config(o: ReturnType<typeof withDefaults>, port: number, logFile: string): string {
  return [
    `Port ${port}`,
    `Listen ${o.listenHost}`,
    // Long idle timeout: tunnels may sit quiet through a whole simulated outage.
    'Timeout 3600',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 200',
    'DisableViaHeader Yes',
    ...o.allow.map((cidr) => `Allow ${cidr}`),
    ...o.connectPorts.map((p) => `ConnectPort ${p}`),
    '',
  ].join('\n');
}

/** Starts a real tinyproxy (no upstream) as a test-owned process; stop() or process exit ends it. */
export async function startTinyproxy(options: TinyproxyOptions): Promise<Tinyproxy> {
  const o = withDefaults(options);
  const dir = await mkdtemp(join(tmpdir(), 'kedge-tinyproxy-'));
  const logFile = join(dir, 'tinyproxy.log');
  const confFile = join(dir, 'tinyproxy.conf');
  let proc: ManagedProcess | undefined;
  let port = o.port;
  try {
    for (let attempt = 1; !proc; attempt += 1) {
      port = o.port || (await freePort(o.listenHost));
      await writeFile(confFile, config(o, port, logFile));
      await writeFile(logFile, '');
      try {
        proc = await startProcess({
          name: `tinyproxy:${port}`,
          command: 'tinyproxy',
          args: ['-d', '-c', confFile],
          cwd: dir,
          // Logged once the socket listens; a connect probe would also succeed on a port someone else holds.
          readyWhen: async () => (await readFile(logFile, 'utf8')).includes('Accepting connections'),
          readyTimeoutMs: o.startTimeoutMs,
          readyIntervalMs: 50,
        });
      } catch (error) {
        const log = await readFile(logFile, 'utf8').catch(() => '');
        // tinyproxy prints this on stderr, which the process error quotes.
        const portTaken = /Could not create listening socket/i.test(`${log}\n${(error as Error).message}`);
        if (o.port === 0 && portTaken && attempt < portAttempts) continue;
        const missing = error instanceof ProcessStartError && /not installed/.test(error.message);
        throw new ProxyStartError(
          missing
            ? 'tinyproxy is not installed: apt-get install tinyproxy (tools/ci-setup.sh installs it on CI)'
            : `tinyproxy did not start on ${o.listenHost}:${port}: ${(error as Error).message}\n${log.split('\n').slice(-15).join('\n')}`,
          { listenHost: o.listenHost, port, logTail: log.slice(-2000) },
          { cause: error },
        );
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const running = proc;
  return {
    url: `http://${o.listenHost}:${port}`,
    port,
    logFile,
    requests() {
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8');
      } catch {
        // Removed by stop(): nothing more to count.
      }
      return log.split('\n').filter((line) => /: Request \(file descriptor \d+\): CONNECT /.test(line)).length;
    },
    async stop() {
      await running.kill('SIGTERM', 3_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
