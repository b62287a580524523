/** The cloudcore process: bad configuration exits 2 naming the field; a good one serves until SIGTERM, then exits 0. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeLite, type KubeLite } from '@kedge/kube-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kubeconfig';
import { eventually } from './testing/test-edge';

const MAIN = join(import.meta.dirname, 'main.ts');

function runMain(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

const httpStatus = (url: string) =>
  new Promise<number>((resolve, reject) =>
    get(url, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject),
  );

let dir: string;
let kubeLite: KubeLite;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudcore-main-'));
  kubeLite = await startKubeLite({ dataDir: dir, port: 0, log: () => undefined, controllers: false });
}, 60_000);

afterAll(async () => {
  await kubeLite?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('cloudcore main', () => {
  it('exits 2 with an error naming the bad flag', async () => {
    const run = runMain(['--listen', 'nowhere', '--kubeconfig', '/dev/null']);
    expect(await run.exited).toBe(2);
    const line = JSON.parse(run.stderr().trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
    expect(line).toMatchObject({ level: 'error', field: 'listen', code: 'CONFIG_INVALID' });
    expect(line.error).toMatch(/flag --listen "nowhere" is not host:port; write e.g. 0.0.0.0:10000/);
  }, 30_000);

  it('names the fix when there is no Kubernetes API to talk to', () => {
    expect(() => loadKubeConfig({ kubeconfig: '' }, {})).toThrow(
      /pass --kubeconfig PATH, set \$KUBECONFIG, or run in a cluster/,
    );
    expect(() => loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' }, {})).toThrow(
      /kubeconfig \/nonexistent\/kubeconfig does not exist/,
    );
    expect(() => loadKubeConfig({ kubeconfig: '' }, { KUBECONFIG: kubeLite.kubeconfigPath })).not.toThrow();
  });

  it('becomes ready against kube-lite and stops cleanly on SIGTERM', async () => {
    const run = runMain([
      '--kubeconfig',
      kubeLite.kubeconfigPath,
      '--listen',
      '127.0.0.1:0',
      '--health-listen',
      '127.0.0.1:0',
    ]);
    const healthPort = await eventually(
      async () => /"msg":"health listening"[^\n]*"port":(\d+)/.exec(run.stderr())?.[1],
      20_000,
      'health port',
    );
    await eventually(
      async () => ((await httpStatus(`http://127.0.0.1:${healthPort}/readyz`)) === 200 ? true : undefined),
      20_000,
      'readyz',
    );
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('"msg":"stopped"');
  }, 45_000);
});
