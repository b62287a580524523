// The REST semantics over real HTTPS (no controllers): auth, errors,
// paging, optimistic concurrency, patches, deletion rules and watches.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../options';
import type { ApiServerHandle } from './start';
import { startApiServer } from './start';

let server: ApiServerHandle;
let agent: Agent;
let dir: string;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

function call(
  method: string,
  path: string,
  body?: unknown,
  options: { type?: string; token?: string | null } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'Content-Type': options.type ?? 'application/json' };
    // DELETE bodies are not chunked by node: they need an explicit length.
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
    if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? server.token}`;
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // watch streams are several JSON lines
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const cm = (name: string, data: Record<string, string> = { a: '1' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});
const meta = (r: Reply) => r.body.metadata as Record<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-lite-http-'));
  server = await startApiServer(withDefaults({ dataDir: dir, port: 0, historyLimit: 50, log: () => {} }));
  agent = new Agent({ ca: server.caPem, keepAlive: true });
});

afterAll(async () => {
  agent.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kube-lite REST API', () => {
  it('answers 401 Unauthorized without a valid token', async () => {
    const missing = await call('GET', '/api/v1/namespaces', undefined, { token: null });
    const wrong = await call('GET', '/api/v1/namespaces', undefined, { token: 'nope' });
    for (const r of [missing, wrong])
      expect([r.status, r.body.reason, r.body.kind]).toEqual([401, 'Unauthorized', 'Status']);
  });

  it('serves discovery with short names, categories and subresources', async () => {
    const core = await call('GET', '/api/v1');
    const resources = core.body.resources as { name: string; shortNames?: string[]; categories?: string[] }[];
    expect(resources.find((r) => r.name === 'pods')).toMatchObject({ shortNames: ['po'], categories: ['all'] });
    expect(resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['pods/status', 'pods/binding', 'nodes/status']),
    );
    const apps = await call('GET', '/apis/apps/v1');
    expect(
      (apps.body.resources as { name: string; kind: string }[]).find((r) => r.name === 'deployments/scale')?.kind,
    ).toBe('Scale');
  });

  it('creates with generateName, rejects duplicates and stale updates', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', {
      ...cm(''),
      metadata: { generateName: 'gen-' },
    });
    expect(created.status).toBe(201);
    expect(String(meta(created).name)).toMatch(/^gen-[a-z0-9]{5}$/);
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('dup'));
    const dup = await call('POST', '/api/v1/namespaces/default/configmaps', cm('dup'));
    expect([dup.status, dup.body.reason]).toEqual([409, 'AlreadyExists']);
    const current = await call('GET', '/api/v1/namespaces/default/configmaps/dup');
    const ok = await call('PUT', '/api/v1/namespaces/default/configmaps/dup', { ...current.body, data: { a: '2' } });
    expect(Number(meta(ok).resourceVersion)).toBeGreaterThan(Number(meta(current).resourceVersion));
    const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/dup', { ...current.body, data: { a: '3' } });
    expect([stale.status, stale.body.reason]).toEqual([409, 'Conflict']);
  });

  it('reports invalid objects with field causes and body/URL mismatches as 400', async () => {
    const bad = await call('POST', '/api/v1/namespaces/default/configmaps', cm('Bad_Name'));
    expect([bad.status, bad.body.reason]).toEqual([422, 'Invalid']);
    expect((bad.body.details as { causes: { field: string }[] }).causes[0]!.field).toBe('metadata.name');
    const mismatch = await call('POST', '/api/v1/namespaces/default/configmaps', { ...cm('x'), apiVersion: 'apps/v1' });
    expect(mismatch.status).toBe(400);
    const noNs = await call('POST', '/api/v1/namespaces/missing/configmaps', cm('x'));
    expect([noNs.status, noNs.body.reason]).toEqual([404, 'NotFound']);
    const selector = await call('GET', '/api/v1/pods?fieldSelector=spec.bogus%3D1');
    expect(selector.status).toBe(400);
  });

  it('pages lists with limit and continue', async () => {
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paging' } });
    for (let i = 0; i < 5; i++) await call('POST', '/api/v1/namespaces/paging/configmaps', cm(`c${i}`));
    const names: string[] = [];
    let token = '';
    do {
      const page = await call(
        'GET',
        `/api/v1/namespaces/paging/configmaps?limit=2${token ? `&continue=${token}` : ''}`,
      );
      names.push(...(page.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
      token = String(meta(page).continue ?? '');
    } while (token);
    expect(names).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('applies json, merge and strategic patches, and dryRun writes nothing', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('patched', { a: '1', b: '2' }));
    await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/patched',
      { data: { b: null, c: '3' } },
      { type: 'application/merge-patch+json' },
    );
    await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/patched',
      [{ op: 'replace', path: '/data/a', value: 'x' }],
      { type: 'application/json-patch+json' },
    );
    const smp = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/patched',
      { metadata: { labels: { l: 'v' } } },
      { type: 'application/strategic-merge-patch+json' },
    );
    expect([smp.body.data, meta(smp).labels]).toEqual([{ a: 'x', c: '3' }, { l: 'v' }]);
    const apply = await call('PATCH', '/api/v1/namespaces/default/configmaps/patched', 'data: {}', {
      type: 'application/apply-patch+yaml',
    });
    expect(apply.status).toBe(415);
    const dry = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', cm('dry'));
    expect(dry.status).toBe(201);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
  });

  it('keeps objects with finalizers until they are emptied', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', {
      ...cm('fin'),
      metadata: { name: 'fin', finalizers: ['example.com/hold'] },
    });
    const deleting = await call('DELETE', '/api/v1/namespaces/default/configmaps/fin');
    expect(meta(deleting).deletionTimestamp).toBeDefined();
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/fin')).status).toBe(200);
    await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/fin',
      { metadata: { finalizers: null } },
      { type: 'application/merge-patch+json' },
    );
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/fin')).status).toBe(404);
  });

  it('keeps a bound pod terminating until its node confirms with grace 0', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bound' },
      spec: { nodeName: 'edge-1', containers: [{ name: 'c', image: 'busybox:1' }] },
    };
    expect((await call('POST', '/api/v1/namespaces/default/pods', pod)).status).toBe(201);
    const first = await call('DELETE', '/api/v1/namespaces/default/pods/bound');
    expect([first.status, meta(first).deletionGracePeriodSeconds]).toEqual([202, 30]);
    const confirm = await call('DELETE', '/api/v1/namespaces/default/pods/bound', { gracePeriodSeconds: 0 });
    expect(confirm.status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/default/pods/bound')).status).toBe(404);
  });

  it('serves the scale subresource and ignores status in main updates', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
      },
      status: { replicas: 9 },
    };
    const created = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
    expect(created.body.status).toBeUndefined();
    const scaled = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web/scale',
      { spec: { replicas: 4 } },
      { type: 'application/merge-patch+json' },
    );
    expect([scaled.body.kind, (scaled.body.spec as { replicas: number }).replicas]).toEqual(['Scale', 4]);
    const after = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect([(after.body.spec as { replicas: number }).replicas, meta(after).generation]).toEqual([4, 2]);
  });

  it('deletes collections by selector and orphans dependents on request', async () => {
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } });
    for (const [name, tier] of [
      ['x1', 'a'],
      ['x2', 'a'],
      ['x3', 'b'],
    ]) {
      await call('POST', '/api/v1/namespaces/bulk/configmaps', { ...cm(name!), metadata: { name, labels: { tier } } });
    }
    const deleted = await call('DELETE', '/api/v1/namespaces/bulk/configmaps?labelSelector=tier%3Da');
    expect((deleted.body.items as unknown[]).length).toBe(2);
    const left = await call('GET', '/api/v1/namespaces/bulk/configmaps');
    expect((left.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['x3']);
    const owner = await call('GET', '/api/v1/namespaces/bulk/configmaps/x3');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x3', uid: String(meta(owner).uid) };
    await call('POST', '/api/v1/namespaces/bulk/configmaps', {
      ...cm('child'),
      metadata: { name: 'child', ownerReferences: [ref] },
    });
    await call('DELETE', '/api/v1/namespaces/bulk/configmaps/x3', { propagationPolicy: 'Orphan' });
    const child = await call('GET', '/api/v1/namespaces/bulk/configmaps/child');
    expect(meta(child).ownerReferences).toBeUndefined();
  });

  it('resumes watches from a resourceVersion and answers 410 when it is too old', async () => {
    const start = await call('POST', '/api/v1/namespaces/default/configmaps', cm('watched'));
    const rv = String(meta(start).resourceVersion);
    await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/watched',
      { data: { a: '2' } },
      { type: 'application/merge-patch+json' },
    );
    const resumed = await call(
      'GET',
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1&fieldSelector=metadata.name%3Dwatched`,
    );
    const events = resumed.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type)).toEqual(['MODIFIED']);
    for (let i = 0; i < 80; i++)
      await call(
        'PATCH',
        '/api/v1/namespaces/default/configmaps/watched',
        { data: { a: String(i) } },
        { type: 'application/merge-patch+json' },
      );
    const gone = await call(
      'GET',
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`,
    );
    const error = JSON.parse(gone.text.trim()) as { type: string; object: { code: number; reason: string } };
    expect([error.type, error.object.code, error.object.reason]).toEqual(['ERROR', 410, 'Expired']);
  });

  it('answers Table requests the way kubectl asks for them', async () => {
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        new URL('/api/v1/namespaces', server.url),
        {
          agent,
          headers: {
            Authorization: `Bearer ${server.token}`,
            Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, text }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(r.body.kind).toBe('Table');
    const rows = r.body.rows as { cells: string[] }[];
    expect(rows.map((row) => row.cells[0])).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );
    expect(rows[0]!.cells[1]).toBe('Active');
  });
});
