import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MODULES, runApp, type Module } from './app';
import { loadConfig, silentLogger, type EdgecoreConfig } from './config';
import { ModuleFailedError } from './errors';
import { createNodeKey, createTestCa } from './hub-client/testing/certs';
import { openMetastore } from './metastore';

let dir: string;
let config: EdgecoreConfig;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-app-'));
  const ca = await createTestCa();
  const node = await createNodeKey();
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'node.key'), node.keyPem);
  writeFileSync(join(dir, 'node.crt'), await ca.issue('edge-1', node.keys.publicKey, new Date(), 86_400_000));
  // Port 1 on loopback refuses at once: the agent runs offline.
  writeFileSync(
    join(dir, 'edgecore.yaml'),
    'nodeName: edge-1\ncloud: { url: "wss://127.0.0.1:1" }\nruntime: { type: simulated }\nmqtt: { enabled: false }\nhealth: { listen: "127.0.0.1:0" }\n',
  );
  config = loadConfig(join(dir, 'edgecore.yaml'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const waitFor = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('runApp', () => {
  it('stops every module and rejects loudly when one module fails', async () => {
    let otherStopped = false;
    const modules: Module[] = [
      {
        name: 'steady',
        start: (_ctx, signal) =>
          new Promise<void>((resolve) => signal.addEventListener('abort', () => ((otherStopped = true), resolve()))),
      },
      { name: 'broken', start: async () => Promise.reject(new Error('disk on fire')) },
      { name: 'waiting', start: async (ctx) => void (await ctx.services.need('hub')) },
    ];
    const failure = await runApp(config, silentLogger, new AbortController().signal, modules).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModuleFailedError);
    expect((failure as ModuleFailedError).context.module).toBe('broken');
    expect((failure as Error).message).toMatch(/disk on fire/);
    expect(otherStopped).toBe(true);
  });

  it('treats a module that returns while running as a failure', async () => {
    const modules: Module[] = [{ name: 'quitter', start: async () => {} }];
    await expect(runApp(config, silentLogger, new AbortController().signal, modules)).rejects.toThrow(
      /quitter.*returned/,
    );
  });

  it('runs offline, rebuilds pods from the store, and stops cleanly', async () => {
    const seed = openMetastore(config.dataDir);
    const uid = '11111111-2222-3333-4444-555555555555';
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', uid, resourceVersion: '7' },
      spec: { nodeName: 'edge-1', containers: [{ name: 'web', image: 'kedge.local/busybox:1' }] },
    };
    seed.objects.put({
      uid,
      kind: 'Pod',
      namespace: 'default',
      name: 'web',
      resourceVersion: '7',
      body: JSON.stringify(pod),
      contentHash: '',
    });
    seed.close();

    const stop = new AbortController();
    const running = runApp(config, silentLogger, stop.signal, MODULES);
    const reader = openMetastore(config.dataDir);
    try {
      await waitFor(
        () => reader.outbox.get('Pod/default/web') !== undefined && reader.outbox.get('Node/edge-1') !== undefined,
        'pod and node status',
      );
      const status = JSON.parse(new TextDecoder().decode(reader.outbox.get('Pod/default/web')!.body)) as {
        phase?: string;
      };
      expect(status.phase).toBeDefined();
    } finally {
      reader.close();
      stop.abort();
    }
    await running;
  });
});
