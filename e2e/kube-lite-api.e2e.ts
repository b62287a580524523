// kube-lite's API server driven by the real kubectl and by a
// @kubernetes/client-node informer. With E2E_KUBECONFIG set, the same
// suite runs against that cluster instead (kube-lite is not started, and
// the restart test, which needs to stop the server, is skipped).
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@kedge/testkit';

const externalKubeconfig = process.env.E2E_KUBECONFIG;
const runsKubeLite = !externalKubeconfig;
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const mainPath = join(repoRoot, 'packages/kube-lite/src/main.ts');
const suffix = Math.random().toString(36).slice(2, 7);
const ns = `kl-e2e-${suffix}`;
const group = `e2e${suffix}.kedge.example.com`;

let workDir: string;
let dataDir: string;
let kubeconfig: string;
let port = 0;
let server: ChildProcess | undefined;

/** Starts kube-lite's runnable entry and resolves with the kubeconfig path it prints. */
function startKubeLite(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', mainPath, '--data-dir', dataDir, '--port', String(port)],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server = child;
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) =>
      reject(new Error(`kube-lite exited with ${String(code)} before it was ready: ${err}`)),
    );
  });
}

function stopKubeLite(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig, ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const headerOf = (table: string): string[] =>
  table
    .split('\n')[0]!
    .trim()
    .split(/\s{2,}/);

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'kube-lite-e2e-'));
  if (externalKubeconfig) {
    kubeconfig = externalKubeconfig;
  } else {
    dataDir = join(workDir, 'data');
    port = await freePort();
    kubeconfig = await startKubeLite();
  }
  await ok(['create', 'namespace', ns]);
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  await kubectl(['delete', 'crd', `widgets.${group}`, '--wait=false']);
  await stopKubeLite();
  rmSync(workDir, { recursive: true, force: true });
});

describe('kube-lite API with kubectl', () => {
  it('lists the API resources with short names', async () => {
    const out = await ok(['api-resources']);
    for (const line of [
      /^pods\s+po\s+v1\s+true\s+Pod$/m,
      /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
      /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false/m,
    ]) {
      expect(out).toMatch(line);
    }
  });

  it('applies, gets, describes, patches, labels, edits and deletes a configmap', async () => {
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n  mode: fast\n`;
    expect(await ok(['apply', '-f', '-'], manifest)).toContain('configmap/settings created');
    expect(await ok(['apply', '-f', '-'], manifest)).toContain('configmap/settings unchanged');
    expect(await ok(['apply', '-f', '-'], manifest.replace('fast', 'slow'))).toContain('configmap/settings configured');
    expect(headerOf(await ok(['get', 'cm', 'settings', '-n', ns]))).toEqual(['NAME', 'DATA', 'AGE']);
    expect(await ok(['describe', 'configmap', 'settings', '-n', ns])).toMatch(/mode:\n----\nslow/);
    await ok(['patch', 'cm', 'settings', '-n', ns, '-p', '{"data":{"extra":"1"}}']);
    await ok(['label', 'cm', 'settings', '-n', ns, 'tier=edge']);
    await ok(['annotate', 'cm', 'settings', '-n', ns, 'owner=ops']);
    const editor = join(workDir, 'editor.sh');
    writeFileSync(editor, `#!/bin/sh\nsed -i 's/mode: slow/mode: edited/' "$1"\n`);
    chmodSync(editor, 0o755);
    const edit = await kubectl(['edit', 'cm', 'settings', '-n', ns], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
    expect(edit.stdout).toContain('configmap/settings edited');
    const cm = JSON.parse(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'json'])) as {
      data: Record<string, string>;
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(cm.data).toEqual({ mode: 'edited', extra: '1' });
    expect(cm.metadata.labels.tier).toBe('edge');
    expect(cm.metadata.annotations.owner).toBe('ops');
    expect(await ok(['get', 'cm', '-n', ns, '-l', 'tier in (edge,core)', '-o', 'name'])).toBe('configmap/settings\n');
    expect(await ok(['delete', 'cm', 'settings', '-n', ns])).toContain('configmap "settings" deleted');
    const gone = await kubectl(['get', 'cm', 'settings', '-n', ns]);
    expect(gone.stderr).toContain('Error from server (NotFound): configmaps "settings" not found');
  });

  it('applies a List, as kubectl get -o yaml writes it, with default validation', async () => {
    const item = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } });
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [item('listed-a'), item('listed-b')] });
    expect(await ok(['apply', '-f', '-'], list)).toBe('configmap/listed-a created\nconfigmap/listed-b created\n');
    const exported = await ok(['get', 'cm', 'listed-a', 'listed-b', '-n', ns, '-o', 'yaml']);
    expect(exported).toMatch(/^apiVersion: v1\nitems:/);
    expect(await ok(['apply', '-f', '-'], exported)).toBe(
      'configmap/listed-a configured\nconfigmap/listed-b configured\n',
    );
    await ok(['delete', 'cm', 'listed-a', 'listed-b', '-n', ns]);
  });

  it('runs the pod verbs kubectl users reach for', async () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${ns}\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: kedge.local/busybox:1\n    command: [sleep, "3600"]\n`;
    await ok(['apply', '-f', '-'], pod);
    expect(headerOf(await ok(['get', 'pods', '-n', ns]))).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(headerOf(await ok(['get', 'pods', '-n', ns, '-o', 'wide']))).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    const spec = JSON.parse(await ok(['get', 'pod', 'web', '-n', ns, '-o', 'json'])) as {
      spec: Record<string, unknown> & { containers: Record<string, unknown>[] };
    };
    expect(spec.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
    });
    expect(spec.spec.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
    });
    await ok(['label', 'pod', 'web', '-n', ns, 'track=stable']);
    await ok(['set', 'image', 'pod/web', '-n', ns, 'web=kedge.local/busybox:2']);
    await ok([
      'patch',
      'pod',
      'web',
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/annotations","value":{"note":"patched"}}]',
    ]);
    const described = await ok(['describe', 'pod', 'web', '-n', ns]);
    expect(described).toMatch(/Labels:\s+app=web\n\s+track=stable/);
    expect(described).toMatch(/Image:\s+kedge\.local\/busybox:2/);
    expect(described).toMatch(/Annotations:\s+note: patched/);
    expect(await ok(['get', 'pods', '-n', ns, '--field-selector', 'metadata.name=web', '-o', 'name'])).toBe(
      'pod/web\n',
    );
    const badField = await kubectl(['get', 'pods', '-n', ns, '--field-selector', 'spec.bogus=1']);
    expect(badField.stderr).toContain('field label not supported: spec.bogus');
    await ok(['delete', 'pod', 'web', '-n', ns, '--grace-period=0', '--force']);
  });

  it('creates, scales, updates and deletes a deployment', async () => {
    const created = await ok([
      'create',
      'deployment',
      'app',
      '-n',
      ns,
      '--image=kedge.local/busybox:1',
      '--replicas=2',
      '--',
      'sleep',
      '3600',
    ]);
    expect(created).toContain('deployment.apps/app created');
    expect(headerOf(await ok(['get', 'deploy', '-n', ns]))).toEqual([
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
    ]);
    expect(await ok(['scale', 'deployment', 'app', '-n', ns, '--replicas=3'])).toContain('deployment.apps/app scaled');
    await ok(['set', 'image', 'deployment/app', '-n', ns, 'busybox=kedge.local/busybox:2']);
    const d = JSON.parse(await ok(['get', 'deploy', 'app', '-n', ns, '-o', 'json'])) as {
      metadata: { generation: number };
      spec: { replicas: number; strategy: { type: string }; template: { spec: { containers: { image: string }[] } } };
    };
    expect([d.spec.replicas, d.spec.strategy.type, d.spec.template.spec.containers[0]!.image]).toEqual([
      3,
      'RollingUpdate',
      'kedge.local/busybox:2',
    ]);
    expect(d.metadata.generation).toBeGreaterThanOrEqual(3);
    await until(
      'a replica set for the deployment',
      async () => (await ok(['get', 'rs', '-n', ns, '-o', 'name'])).includes('replicaset.apps/app-') || undefined,
    );
    expect(headerOf(await ok(['get', 'rs', '-n', ns]))).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(await ok(['delete', 'deployment', 'app', '-n', ns])).toContain('deployment.apps "app" deleted');
  });

  it("prints kubectl's Invalid message for a bad manifest", async () => {
    const bad = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels: {app: one}\n  template:\n    metadata:\n      labels: {app: two}\n    spec:\n      containers: [{name: c, image: kedge.local/busybox:1}]\n`;
    const r = await kubectl(['apply', '-f', '-'], { input: bad });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'The Deployment "broken" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"two"}: `selector` does not match template `labels`',
    );
    const badName = await kubectl(['apply', '-f', '-'], {
      input: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n  namespace: ${ns}\n`,
    });
    expect(badName.stderr).toContain('The ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid"');
  });

  it('serves a CRD at once: apply, printer columns, status, watch', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg${suffix}]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
          status: {type: object, properties: {phase: {type: string}}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Phase, type: string, jsonPath: .status.phase}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`;
    await ok(['apply', '-f', '-'], crd);
    await until(
      'the CRD to be served',
      async () => (await kubectl(['get', 'widgets', '-n', ns])).code === 0 || undefined,
    );
    const widget = (name: string, size: number) =>
      `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  size: ${size}\n`;
    await ok(['apply', '-f', '-'], widget('w1', 3));
    await ok([
      'patch',
      'widget',
      'w1',
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Ready"}}',
    ]);
    const table = await ok(['get', `wdg${suffix}`, '-n', ns]);
    expect(headerOf(table)).toEqual(['NAME', 'SIZE', 'PHASE', 'AGE']);
    expect(table.split('\n')[1]).toMatch(/^w1\s+3\s+Ready\s+\d+s$/);

    const watcher = spawn('kubectl', ['get', 'widgets', '-n', ns, '-w'], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    let seen = '';
    watcher.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    try {
      await until('the initial watch rows', () => /^w1\s+3\s+Ready/m.test(seen) || undefined);
      await ok(['apply', '-f', '-'], widget('w2', 7));
      await ok(['patch', 'widget', 'w1', '-n', ns, '--type=merge', '-p', '{"spec":{"size":4}}']);
      await until(
        'watch rows for the new and the changed widget',
        () => (/^w2\s+7\s/m.test(seen) && /^w1\s+4\s+Ready/m.test(seen)) || undefined,
      );
      expect(seen.split('\n').filter((l) => l.startsWith('NAME')).length).toBe(1);
    } finally {
      watcher.kill();
    }
  });

  it('shows nodes with the usual columns', async () => {
    // A Node object without a kubelet: any cluster shows it (another one may
    // soon mark it NotReady), and it is removed again below.
    const node = `e2e-node-${suffix}`;
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${node}\n  labels: {node-role.kubernetes.io/edge: ""}\nstatus:\n  conditions: [{type: Ready, status: "True", reason: KubeletReady}]\n  nodeInfo: {kubeletVersion: v1.32.0-kedge, osImage: Busybox, kernelVersion: "6.1", containerRuntimeVersion: "docker://24"}\n`,
    );
    try {
      const out = await ok(['get', 'nodes']);
      expect(headerOf(out)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
      expect(out).toMatch(new RegExp(`^${node}\\s+\\S+\\s+edge\\s+\\d+s`, 'm'));
      expect(headerOf(await ok(['get', 'nodes', '-o', 'wide']))).toEqual([
        'NAME',
        'STATUS',
        'ROLES',
        'AGE',
        'VERSION',
        'INTERNAL-IP',
        'EXTERNAL-IP',
        'OS-IMAGE',
        'KERNEL-VERSION',
        'CONTAINER-RUNTIME',
      ]);
      // kube-lite keeps the status a node registers with, as kubelets rely on.
      if (runsKubeLite)
        expect(out).toMatch(new RegExp(`^${node}\\s+Ready\\s+edge\\s+\\d+s\\s+v1\\.32\\.0-kedge$`, 'm'));
    } finally {
      await ok(['delete', 'node', node]);
    }
  });
});

describe('client-node informer', () => {
  it('lists and watches pods and misses no event across a kube-lite restart', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/pods`, () =>
      core.listNamespacedPod({ namespace: ns }),
    );
    const added = new Set<string>();
    const deleted = new Set<string>();
    let restarting = false;
    informer.on('add', (p) => added.add(p.metadata!.name!));
    informer.on('delete', (p) => deleted.add(p.metadata!.name!));
    // client-node stops an informer on a connection error: restart it, as its docs advise.
    informer.on('error', () => {
      if (!restarting) setTimeout(() => void informer.start().catch(() => {}), 500);
    });
    const pod = (name: string) => ({
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'kedge.local/busybox:1' }] },
    });
    await core.createNamespacedPod({ namespace: ns, body: pod('before') });
    await informer.start();
    await until('the listed pod', () => added.has('before') || undefined);
    await core.createNamespacedPod({ namespace: ns, body: pod('watched') });
    await until('the watched pod', () => added.has('watched') || undefined);

    if (runsKubeLite) {
      await stopKubeLite();
      kubeconfig = await startKubeLite();
      // Changes made while the informer reconnects must reach it too.
      await core.createNamespacedPod({ namespace: ns, body: pod('after-restart') });
      await core.deleteNamespacedPod({ namespace: ns, name: 'before', gracePeriodSeconds: 0 });
    } else {
      await core.createNamespacedPod({ namespace: ns, body: pod('after-restart') });
      await core.deleteNamespacedPod({ namespace: ns, name: 'before', gracePeriodSeconds: 0 });
    }
    await until(
      'the events after the restart',
      () => (added.has('after-restart') && deleted.has('before')) || undefined,
      60_000,
    );
    restarting = true;
    await informer.stop();
    const names = informer
      .list()
      .map((p) => p.metadata!.name)
      .sort();
    const server = (await core.listNamespacedPod({ namespace: ns })).items.map((p) => p.metadata!.name).sort();
    expect(names).toEqual(server);
    expect(server).toEqual(['after-restart', 'watched']);
  });
});
