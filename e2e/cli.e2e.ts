// End to end: the `kedge` CLI as a real process against kube-lite (or the
// cluster of $E2E_KUBECONFIG) and a real cloudcore child process; then the
// whole local fleet (`kedge up`) and the self-contained bundle.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, freePortBlock } from '@kedge/testkit';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsxLoader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const cliMain = join(root, 'apps', 'cli', 'src', 'main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `kedge ...args` from the TypeScript sources. */
function kedge(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runProcess(process.execPath, ['--import', tsxLoader, cliMain, ...args], env);
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  detail: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

interface UpPorts {
  port: number;
  cloud: number;
  health: number;
  mqtt: number;
}

/** Edge node i listens on health + i and mqtt + i - 1: reserve those blocks whole. */
async function upPorts(nodes: number): Promise<UpPorts> {
  return {
    port: await freePort(),
    cloud: await freePort(),
    health: await freePortBlock(nodes + 1),
    mqtt: await freePortBlock(nodes),
  };
}

interface UpRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts `kedge up` (from `entry`, the sources by default) and resolves once it prints its Ctrl-C hint. */
async function startUp(
  ports: UpPorts,
  args: string[],
  opts: { entry?: string[]; cwd?: string; what?: string } = {},
): Promise<UpRun> {
  const entry = opts.entry ?? ['--import', tsxLoader, cliMain];
  const portArgs = [
    '--port',
    ports.port,
    '--cloud-port',
    ports.cloud,
    '--health-port',
    ports.health,
    '--mqtt-port',
    ports.mqtt,
  ];
  const child = spawn(process.execPath, [...entry, 'up', ...args, ...portArgs.map(String)], {
    cwd: opts.cwd ?? root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitFor(
      opts.what ?? 'kedge up ready',
      async () =>
        stderr.includes('Press Ctrl-C')
          ? true
          : child.exitCode !== null
            ? Promise.reject(new Error(stderr))
            : undefined,
      200_000,
      () => stderr,
    );
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  }
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function dockerReachable(): Promise<boolean> {
  const r = await runProcess('docker', ['version', '--format', '{{.Server.Version}}']).catch(() => undefined);
  return r?.code === 0;
}

const tmp = mkdtempSync(join(tmpdir(), 'kedge-cli-e2e-'));
let kubeLite: KubeLite | undefined;
let kubeconfig = process.env.E2E_KUBECONFIG ?? '';
let cloudcore: ChildProcess | undefined;
let edgecore: ChildProcess | undefined;
let cloudPort = 0;
let healthPort = 0;

beforeAll(async () => {
  if (!kubeconfig) {
    kubeLite = await startKubeLite({ dataDir: join(tmp, 'kube-lite'), port: 0, log: () => {} });
    kubeconfig = kubeLite.kubeconfigPath;
  }
});

afterAll(async () => {
  await stop(edgecore);
  await stop(cloudcore);
  await kubeLite?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('kedge bad input', () => {
  it('exits 2 with an error and a hint for an unknown flag', async () => {
    const r = await kedge(['status', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: unknown option '--frobnicate'\nhint: /);
  });

  it('exits 2 when no kubeconfig can be found', async () => {
    const r = await kedge(['token', 'list'], { KUBECONFIG: join(tmp, 'missing'), HOME: join(tmp, 'no-home') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no kubeconfig found .*\nhint: pass --kubeconfig FILE or set KUBECONFIG/);
  });

  it('exits 2 for a cloud URL that is not wss://host:port', async () => {
    const pin = `sha256:${'a'.repeat(64)}`;
    const r = await kedge([
      'join',
      '--cloud',
      'http://cloud:10000',
      '--token',
      'abcdef.0123456789abcdef',
      '--ca-hash',
      pin,
      '--node-name',
      'n1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cloud .* must use wss:\/\//);
  });

  it('exits 2 for a bad --ttl', async () => {
    const r = await kedge(['token', 'create', '--ttl', '3 days', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ttl .* is not a duration/);
  });
});

// Each step runs several CLI processes; a loaded 2-core machine needs the room.
describe('kedge against a cluster and cloudcore', { timeout: 300_000 }, () => {
  const env = (): NodeJS.ProcessEnv => ({ KUBECONFIG: kubeconfig });
  let token = '';
  let tokenId = '';
  let caHash = '';
  const nodeDir = join(tmp, 'edge-e2e');
  /** `kedge join` against this test's cloudcore with its token and CA hash, unless overridden. */
  const kedgeJoin = (extra: string[], over: { cloud?: string; token?: string; caHash?: string } = {}) =>
    kedge([
      'join',
      '--cloud',
      over.cloud ?? `wss://127.0.0.1:${cloudPort}`,
      '--token',
      over.token ?? token,
      '--ca-hash',
      over.caHash ?? caHash,
      ...extra,
    ]);

  it('init prepares the namespace, CRDs and CA, and is idempotent', async () => {
    const first = await kedge(['init'], env());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/namespace\/kedge-system (created|configured)/);
    expect(first.stderr).toMatch(/customresourcedefinition\/devices\.devices\.kubeedge\.io/);
    expect(first.stdout).toMatch(/CA pin sha256:[0-9a-f]{64}/);
    const second = await kedge(['init'], env());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/secret\/kedge-ca unchanged/);
  });

  it.skipIf(Boolean(process.env.E2E_KUBECONFIG))('exits 4 when the API server refuses the credentials', async () => {
    const bad = join(tmp, 'bad-kubeconfig.yaml');
    writeFileSync(bad, readFileSync(kubeconfig, 'utf8').replace(/token: .*/, 'token: not-the-admin-token'));
    const r = await kedge(['status', '--kubeconfig', bad]);
    expect([r.code, r.stderr]).toEqual([
      4,
      expect.stringMatching(/^error: cannot list nodes: Unauthorized \(HTTP 401\)\nhint: /),
    ]);
  });

  it('token create prints a token, the CA hash and a join line; token list shows it', async () => {
    const text = await kedge(['token', 'create', '--ttl', '1h', '--description', 'e2e'], env());
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/token: +[a-z0-9]{6}\.[a-z0-9]{16}/);
    expect(text.stdout).toMatch(/--ca-hash sha256:[0-9a-f]{64}/);
    expect(text.stdout).toMatch(/kedge join --cloud wss:\/\/CLOUD_HOST:10000 --token /);

    const created = await kedge(['token', 'create', '-o', 'json', '--ttl', '30m'], env());
    expect(created.code, created.stderr).toBe(0);
    const parsed = JSON.parse(created.stdout) as { id: string; token: string; caHash: string; expiration: string };
    ({ token, id: tokenId, caHash } = parsed);
    expect(Date.parse(parsed.expiration) - Date.now()).toBeGreaterThan(25 * 60_000);

    const list = await kedge(['token', 'list', '-o', 'json'], env());
    expect(list.code, list.stderr).toBe(0);
    const tokens = JSON.parse(list.stdout) as { id: string; expired: boolean; description: string }[];
    expect(tokens.find((t) => t.id === tokenId)).toMatchObject({ expired: false });
    expect(tokens.some((t) => t.description === 'e2e')).toBe(true);
    expect(list.stdout).not.toContain(token.split('.')[1]);
  });

  it('join fetches a certificate from cloudcore and writes the node dir', async () => {
    cloudPort = await freePort();
    healthPort = await freePort();
    cloudcore = spawn(
      process.execPath,
      [
        '--import',
        tsxLoader,
        join(root, 'apps', 'cloudcore', 'src', 'main.ts'),
        '--kubeconfig',
        kubeconfig,
        '--listen',
        `127.0.0.1:${cloudPort}`,
        '--health-listen',
        `127.0.0.1:${healthPort}`,
      ],
      { cwd: root, stdio: 'ignore' },
    );
    await waitFor('cloudcore /ca.crt', async () =>
      (await kedgeJoin(['--node-name', 'probe', '--data-dir', join(tmp, 'probe')])).code === 0 ? true : undefined,
    );

    const r = await kedgeJoin([
      '--node-name',
      'edge-e2e',
      '--labels',
      'kedge.io/group=e2e',
      '--data-dir',
      nodeDir,
      '--runtime',
      'simulated',
      '--mqtt-port',
      String(await freePort()),
      '--health-listen',
      `127.0.0.1:${await freePort()}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/node edge-e2e joined/);
    expect(readdirSync(nodeDir).sort()).toEqual(['ca.crt', 'edgecore.yaml', 'node.crt', 'node.key']);
    expect(statSync(join(nodeDir, 'node.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(nodeDir, 'edgecore.yaml'), 'utf8')).toMatch(/nodeName: edge-e2e/);

    const again = await kedgeJoin(['--node-name', 'edge-e2e', '--data-dir', nodeDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a joined node\nhint: run `kedge reset/);
  });

  it('join fails distinctly for a wrong CA hash (4), a wrong token (4), a revoked token (4) and a closed port (3)', async () => {
    const base = ['--node-name', 'edge-x', '--data-dir', join(tmp, 'edge-x')];
    const pin = await kedgeJoin(base, { caHash: `sha256:${'0'.repeat(64)}` });
    expect([pin.code, pin.stderr]).toEqual([
      4,
      expect.stringMatching(/CA hash is sha256:[0-9a-f]{64}, not the --ca-hash given/),
    ]);
    const wrong = await kedgeJoin(base, { token: `${tokenId}.0000000000000000` });
    expect([wrong.code, wrong.stderr]).toEqual([4, expect.stringMatching(/rejected the token/)]);

    const extra = JSON.parse((await kedge(['token', 'create', '-o', 'json'], env())).stdout) as {
      id: string;
      token: string;
    };
    const revoked = await kedge(['token', 'revoke', extra.id], env());
    expect(revoked.code, revoked.stderr).toBe(0);
    const afterRevoke = await kedgeJoin(base, { token: extra.token });
    expect([afterRevoke.code, afterRevoke.stderr]).toEqual([4, expect.stringMatching(/unknown or was revoked/)]);

    const closed = await freePort();
    const unreachable = await kedgeJoin(base, { cloud: `wss://127.0.0.1:${closed}` });
    expect([unreachable.code, unreachable.stderr]).toEqual([
      3,
      expect.stringMatching(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/),
    ]);
    expect(existsSync(join(tmp, 'edge-x'))).toBe(false);
  });

  it('status shows the joined node online once its edgecore runs', async () => {
    edgecore = spawn(
      process.execPath,
      [
        '--import',
        tsxLoader,
        join(root, 'apps', 'edgecore', 'src', 'main.ts'),
        '--config',
        join(nodeDir, 'edgecore.yaml'),
      ],
      {
        cwd: root,
        stdio: 'ignore',
      },
    );
    const row = await waitFor('edge-e2e online', async () => {
      const r = await kedge(['status', '-o', 'json', '--metrics-url', `http://127.0.0.1:${healthPort}/metrics`], env());
      const rows = JSON.parse(r.stdout) as {
        node: string;
        online: boolean;
        group: string;
        lastSeen?: string;
        bytesIn?: number;
      }[];
      return rows.find((n) => n.node === 'edge-e2e' && n.online && n.lastSeen);
    });
    expect(row.group).toBe('e2e');
    expect(row.bytesIn).toBeGreaterThan(0);
    const table = await kedge(['status'], env());
    expect(table.stdout).toMatch(/^NODE +GROUP +ONLINE +LAST SEEN +PODS +BYTES IN +BYTES OUT$/m);
    expect(table.stdout).toMatch(/edge-e2e +e2e +yes/);
  });

  it('reset refuses without --yes off a TTY, then removes the node dir', async () => {
    await stop(edgecore);
    const refused = await kedge(['reset', '--data-dir', nodeDir]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringMatching(/stdin is not a terminal\nhint: pass --yes/),
    ]);
    expect(existsSync(nodeDir)).toBe(true);
    const done = await kedge(['reset', '--data-dir', nodeDir, '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(existsSync(nodeDir)).toBe(false);
  });
});

describe('kedge up', () => {
  it('starts a two-node fleet, runs pods, and Ctrl-C leaves no process or container behind', async () => {
    const dataDir = join(tmp, 'fleet');
    const docker = await dockerReachable();
    const ports = await upPorts(2);
    const up = await startUp(ports, ['--data-dir', dataDir, '--runtime', docker ? 'docker' : 'simulated']);
    try {
      expect(up.stdout()).toMatch(/edge-1 +local +yes/);
      expect(up.stdout()).toMatch(/edge-2 +local +yes/);
      expect(up.stdout()).toContain(`export KUBECONFIG=${join(dataDir, 'kubeconfig')}`);
      const kubectl = (args: string[]): Promise<Run> =>
        runProcess('kubectl', args, { KUBECONFIG: join(dataDir, 'kubeconfig') });
      const apply = await kubectl(['apply', '-f', join(dataDir, 'examples', 'web.yaml')]);
      expect(apply.code, apply.stderr).toBe(0);
      const uids = await waitFor(
        'two web pods running',
        async () => {
          const pods = JSON.parse((await kubectl(['get', 'pods', '-o', 'json'])).stdout) as {
            items: { metadata: { uid: string }; status: { phase: string } }[];
          };
          const running = pods.items.filter((p) => p.status.phase === 'Running');
          return running.length === 2 ? running.map((p) => p.metadata.uid) : undefined;
        },
        150_000,
      );
      const children = (await runProcess('pgrep', ['-P', String(up.child.pid)])).stdout
        .split('\n')
        .filter((l) => /^\d+$/.test(l));
      expect(children.length).toBeGreaterThanOrEqual(3);
      const containersOf = async (): Promise<string[]> =>
        (
          await Promise.all(
            uids.map((u) => runProcess('docker', ['ps', '-aq', '--filter', `label=io.kedge.pod.uid=${u}`])),
          )
        ).flatMap((r) => r.stdout.split('\n').filter(Boolean));
      if (docker) expect((await containersOf()).length).toBeGreaterThanOrEqual(2);

      up.child.kill('SIGINT');
      expect(await up.exited).toBe(0);
      expect(up.stderr()).toMatch(/SIGINT: stopping/);
      // Children (and tsx's esbuild helper) are reaped just after kedge exits.
      await waitFor(
        'children gone',
        async () => (children.every((pid) => !existsSync(`/proc/${pid}`)) ? true : undefined),
        10_000,
      );
      if (docker) expect(await containersOf()).toEqual([]);
    } finally {
      if (up.child.exitCode === null) up.child.kill('SIGKILL');
    }

    // A second run reuses the joined nodes.
    const again = await startUp(ports, ['--data-dir', dataDir], { what: 'second kedge up ready' });
    try {
      expect(again.stderr()).toMatch(/reusing the earlier join of edge-1 .*edge-2/);
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    } finally {
      if (again.child.exitCode === null) again.child.kill('SIGKILL');
    }
  }, 600_000);
});

describe('bundle', () => {
  const target = mkdtempSync(join(tmpdir(), 'kedge-bundle-'));
  afterAll(() => rmSync(target, { recursive: true, force: true }));

  it('runs `node main.js --version` from an empty directory', async () => {
    const build = await runProcess(
      process.execPath,
      [join(root, 'tools', 'bundle.mjs'), 'cli'],
      {},
      join(root, 'apps', 'cli'),
    );
    expect(build.code, build.stderr).toBe(0);
    cpSync(join(root, 'dist', 'kedge'), join(target, 'kedge'), { recursive: true });
    expect(existsSync(join(target, 'kedge', 'better_sqlite3.node'))).toBe(true);
    const version = (JSON.parse(readFileSync(join(root, 'apps', 'cli', 'package.json'), 'utf8')) as { version: string })
      .version;
    const r = await runProcess(process.execPath, [join(target, 'kedge', 'main.js'), '--version'], {}, target);
    expect([r.code, r.stdout.trim()]).toEqual([0, version]);
    const bad = await runProcess(
      process.execPath,
      [join(target, 'kedge', 'main.js'), 'join', '--cloud', 'x'],
      {},
      target,
    );
    expect(bad.code).toBe(2);
  });

  it('runs a whole fleet from dist/{kedge,cloudcore,edgecore} without node_modules', async () => {
    for (const app of ['cloudcore', 'edgecore']) {
      const build = await runProcess(
        process.execPath,
        [join(root, 'tools', 'bundle.mjs'), app],
        {},
        join(root, 'apps', app),
      );
      expect(build.code, build.stderr).toBe(0);
      cpSync(join(root, 'dist', app), join(target, app), { recursive: true });
    }
    const up = await startUp(await upPorts(2), ['--data-dir', join(target, 'state'), '--runtime', 'simulated'], {
      entry: [join(target, 'kedge', 'main.js')],
      cwd: target,
      what: 'bundled kedge up ready',
    });
    try {
      expect(up.stdout()).toMatch(/edge-2 +local +yes/);
      const children = (await runProcess('pgrep', ['-a', '-P', String(up.child.pid)])).stdout;
      expect(children).toContain(join(target, 'cloudcore', 'main.js'));
      expect(children).toContain(join(target, 'edgecore', 'main.js'));
      up.child.kill('SIGTERM');
      expect(await up.exited).toBe(0);
    } finally {
      if (up.child.exitCode === null) up.child.kill('SIGKILL');
    }
  }, 400_000);
});
