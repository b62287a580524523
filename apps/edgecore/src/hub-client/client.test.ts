import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../config';
import { CloudUnreachableError } from '../errors';
import { openMetastore, type Metastore } from '../metastore';
import { HandlerRegistry, HubClient, type EdgeObject, type HubClientOptions, type RemovedObject } from './index';
import type { Dialer } from './connection';
import { FakeCloud, type DesiredObject } from './testing/fake-cloud';

let dir: string;
let store: Metastore;
let cloud: FakeCloud;
let stop: AbortController;
let running: Promise<void> | undefined;
const seen: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-hub-'));
  store = openMetastore(dir);
  cloud = new FakeCloud();
  stop = new AbortController();
  seen.length = 0;
});
afterEach(async () => {
  stop.abort();
  await running;
  running = undefined;
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function recordingHandlers(): HandlerRegistry {
  return new HandlerRegistry().register({
    name: 'record',
    kinds: ['Pod', 'ConfigMap'],
    upsert: (obj: EdgeObject) => void seen.push(`upsert ${obj.uid}@${obj.resourceVersion}`),
    remove: (obj: RemovedObject) => void seen.push(`remove ${obj.uid}`),
  });
}

function start(options: Partial<HubClientOptions> = {}): HubClient {
  const hub = new HubClient({
    nodeName: 'edge-1',
    dial: cloud.dial,
    store,
    handlers: recordingHandlers(),
    backoffBaseMs: 5,
    backoffCapMs: 20,
    ...options,
  });
  running = hub.run(stop.signal);
  return hub;
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pod = (uid: string, resourceVersion: string): DesiredObject => ({
  kind: 'Pod',
  namespace: 'default',
  name: `pod-${uid}`,
  uid,
  resourceVersion,
  body: { metadata: { name: `pod-${uid}`, uid, resourceVersion } },
});
const put = (obj: DesiredObject) => store.objects.put({ ...obj, body: JSON.stringify(obj.body), contentHash: '' });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('HubClient session', () => {
  it('says hello, sends the manifest, and gets only the difference', async () => {
    put(pod('a', '1'));
    put(pod('b', '2'));
    put(pod('c', '1'));
    for (const obj of [pod('a', '1'), pod('b', '3'), pod('d', '1')]) cloud.desired.set(obj.uid, obj);
    const hub = start();
    await until(() => hub.state === 'synced', 'sync');
    await hub.idle();

    const [hello] = cloud.received('hello');
    expect(hello).toMatchObject({ nodeName: 'edge-1', protocolVersion: 1 });
    // Objects stored without a content hash cannot be summed up in a digest.
    expect(hello?.manifestDigest).toBe('');
    expect(cloud.received('manifest').flatMap((m) => m.entries)).toEqual([
      { uid: 'a', resourceVersion: '1', contentHash: '' },
      { uid: 'b', resourceVersion: '2', contentHash: '' },
      { uid: 'c', resourceVersion: '1', contentHash: '' },
    ]);
    expect(store.objects.manifest()).toEqual([
      { uid: 'a', resourceVersion: '1', contentHash: '' },
      { uid: 'b', resourceVersion: '3', contentHash: 'h3' },
      { uid: 'd', resourceVersion: '1', contentHash: 'h1' },
    ]);
    expect(seen.sort()).toEqual(['remove c', 'upsert b@3', 'upsert d@1']);
    expect(hub.stats.objectsApplied).toBe(2);
  });

  it('resumes by digest: a reconnect with nothing changed sends no manifest', async () => {
    for (const obj of [pod('a', '1'), pod('b', '2')]) cloud.desired.set(obj.uid, obj);
    const hub = start();
    await until(() => hub.state === 'synced', 'first sync');
    await hub.idle();
    expect(cloud.received('manifest')).toHaveLength(1);

    cloud.connection?.close(1006, 'link lost');
    await until(() => cloud.sessions.length === 2 && hub.state === 'synced', 'resync');
    const [hello] = cloud.received('hello');
    expect(hello?.manifestDigest).toBe(cloud.digest());
    expect(cloud.received('manifest')).toEqual([]);

    // Something changed while away: the digests differ and the manifest goes out after welcome.
    cloud.desired.set('b', pod('b', '5'));
    cloud.connection?.close(1006, 'link lost');
    await until(() => cloud.sessions.length === 3 && hub.state === 'synced', 'resync after a change');
    await hub.idle();
    expect(cloud.received('manifest').flatMap((m) => m.entries.map((e) => e.uid))).toEqual(['a', 'b']);
    expect(store.objects.get('b')?.resourceVersion).toBe('5');
  });

  it('chunks a large manifest into parts within the limit', async () => {
    for (let i = 0; i < 25; i++) put(pod(`u${String(i).padStart(2, '0')}`, '1'));
    const hub = start({ limits: { maxManifestEntries: 10 } });
    await until(() => hub.state === 'synced', 'sync');
    const parts = cloud.received('manifest');
    expect(parts.map((p) => [p.part, p.entries.length, p.complete])).toEqual([
      [0, 10, false],
      [1, 10, false],
      [2, 5, true],
    ]);
  });

  it('acks an object only after it is stored, and ignores replays of older versions', async () => {
    const hub = start();
    await until(() => hub.state === 'synced', 'sync');
    const storedAtAck: boolean[] = [];
    cloud.onAck = (ids) =>
      ids.forEach((id) => storedAtAck.push(store.objects.get(cloud.uidOf(id) ?? '') !== undefined));
    cloud.sendObject(pod('x', '5'));
    cloud.sendObject(pod('x', '4'), 'MODIFIED');
    await until(() => storedAtAck.length === 2, 'two acks');
    expect(storedAtAck).toEqual([true, true]);
    expect(store.objects.get('x')?.resourceVersion).toBe('5');
    expect(hub.stats.objectsIgnored).toBe(1);
    cloud.sendObject(pod('x', '6'), 'DELETED');
    await until(() => store.objects.get('x') === undefined, 'delete');
    await hub.idle();
    expect(seen).toEqual(['upsert x@5', 'remove x']);
  });

  it('sends the outbox, and resends what was not acked after a reconnect', async () => {
    cloud.autoAckStatus = false;
    const hub = start();
    await until(() => hub.state === 'synced', 'sync');
    store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('a1'), 'ua');
    store.outbox.enqueue('Pod/default/b', 'podStatus', bytes('b1'), 'ub');
    await until(() => cloud.received('status').length === 2, 'two statuses');
    const first = cloud.received('status').map((s) => [s.key.name, s.sequence]);

    cloud.connection?.close(1006, 'link lost');
    await until(() => cloud.sessions.length === 2 && cloud.received('status').length === 2, 'resend');
    expect(cloud.received('status').map((s) => [s.key.name, s.sequence])).toEqual(first);

    cloud.ackStatus(cloud.received('status'));
    await until(() => store.outbox.size() === 0, 'outbox drained');
  });

  it('keeps a newer write queued when an older sequence is acked, and sends it in order', async () => {
    cloud.autoAckStatus = false;
    const hub = start();
    await until(() => hub.state === 'synced', 'sync');
    store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('old'));
    await until(() => cloud.received('status').length === 1, 'first status');
    store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('new'));
    await until(() => cloud.received('status').length === 2, 'second status');
    const [older, newer] = cloud.received('status');
    expect(newer!.sequence).toBeGreaterThan(older!.sequence);
    cloud.ackStatus([older!]);
    await new Promise((r) => setTimeout(r, 30));
    expect(store.outbox.pending(10).map((e) => new TextDecoder().decode(e.body))).toEqual(['new']);
    cloud.ackStatus([newer!]);
    await until(() => store.outbox.size() === 0, 'outbox drained');
  });

  it('bounds statuses in flight by the window', async () => {
    cloud.autoAckStatus = false;
    const hub = start({ outboxWindow: 2 });
    await until(() => hub.state === 'synced', 'sync');
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.outbox.enqueue(`Pod/default/${name}`, 'podStatus', bytes(name));
    await until(() => cloud.received('status').length === 2, 'window full');
    await new Promise((r) => setTimeout(r, 30));
    expect(cloud.received('status').map((s) => s.key.name)).toEqual(['a', 'b']);
    cloud.ackStatus(cloud.received('status'));
    await until(() => cloud.received('status').length === 4, 'next window');
    expect(cloud.received('status').map((s) => s.key.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('closes on a malformed frame, counts it, keeps the store, and reconnects', async () => {
    put(pod('keep', '1'));
    cloud.desired.set('keep', pod('keep', '1'));
    const hub = start();
    await until(() => hub.state === 'synced', 'sync');
    cloud.sendRaw(new Uint8Array([0xff, 0xff, 0xff, 0x01]));
    await until(() => cloud.sessions.length === 2 && hub.state === 'synced', 'reconnect');
    expect(hub.stats.malformedFrames).toBe(1);
    expect(cloud.sessions[0]!.some((f) => f.type === 'close' && f.code === 'PROTOCOL_ERROR')).toBe(true);

    cloud.send({
      id: 0,
      type: 'object',
      eventType: 'ADDED',
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: 'default',
      name: 'bad',
      uid: 'bad',
      resourceVersion: '1',
      body: bytes('{not json'),
      contentHash: '',
    });
    await until(() => cloud.sessions.length === 3, 'reconnect after bad body');
    expect(hub.stats.malformedFrames).toBe(2);
    expect(store.objects.get('bad')).toBeUndefined();
    expect(store.objects.get('keep')).toBeDefined();
  });

  it('refuses frames before welcome', async () => {
    const hub = start();
    await until(() => cloud.sessions.length === 1 && hub.state === 'synced', 'sync');
    cloud.send({
      id: 0,
      type: 'welcome',
      protocolVersion: 1,
      features: [],
      compression: '',
      heartbeatIntervalMs: 1,
      serverId: 'again',
      manifestDigestMatched: false,
    });
    await until(() => hub.stats.malformedFrames === 1, 'second welcome refused');
  });

  it('drops a silent peer and dials again', async () => {
    cloud.heartbeatIntervalMs = 1;
    const hub = start({ pingIntervalMs: 20, deadPeerTimeoutMs: 100 });
    await until(() => hub.state === 'synced', 'sync');
    cloud.connection!.answersPings = false;
    await until(() => cloud.sessions.length === 2, 'redial after silence', 3_000);
    expect(cloud.connection?.isClosed).toBe(false);
  });

  it('says once that the cloud went silent, however long its close takes', async () => {
    cloud.heartbeatIntervalMs = 1;
    const silences: unknown[] = [];
    const log = {
      ...silentLogger,
      warn: (msg: string, fields?: unknown) => void (msg.startsWith('cloud silent') && silences.push(fields)),
    };
    // A close that completes 300 ms later, as a socket stuck in a dead link may.
    const slowClose: Dialer = async (signal) => {
      const conn = await cloud.dial(signal);
      return new Proxy(conn, {
        get: (target, key) =>
          key === 'close'
            ? (code?: number, reason?: string) => void setTimeout(() => target.close(code, reason), 300)
            : (Reflect.get(target, key, target) as unknown),
      });
    };
    const hub = start({ pingIntervalMs: 20, deadPeerTimeoutMs: 60_000, pongTimeoutMs: 30, dial: slowClose, log });
    await until(() => hub.state === 'synced', 'sync');
    cloud.connection!.answersPings = false;
    await until(() => cloud.sessions.length === 2, 'redial after the slow close', 3_000);
    expect(silences).toHaveLength(1);
  });

  it('drops a peer that leaves its own ping unanswered, long before the silence limit', async () => {
    cloud.heartbeatIntervalMs = 1;
    const hub = start({ pingIntervalMs: 20, deadPeerTimeoutMs: 60_000, pongTimeoutMs: 60 });
    await until(() => hub.state === 'synced', 'sync');
    cloud.connection!.answersPings = false;
    await until(() => cloud.sessions.length === 2, 'redial after the unanswered ping', 2_000);
  });

  it('probes a quiet cloud after ackProbeAfterMs while statuses wait for acks', async () => {
    cloud.heartbeatIntervalMs = 60_000;
    const hub = start({ pingIntervalMs: 60_000, deadPeerTimeoutMs: 600_000, ackProbeAfterMs: 60, pongTimeoutMs: 60 });
    await until(() => hub.state === 'synced', 'sync');
    cloud.connection!.answersPings = false;
    cloud.autoAckStatus = false;
    // Idle: nothing waits for the cloud, so a silent cloud is not probed before its interval.
    await new Promise((r) => setTimeout(r, 400));
    expect(cloud.sessions).toHaveLength(1);
    store.outbox.enqueue('Pod/default/web', 'podStatus', bytes('{"phase":"Running"}'), 'uid-web');
    await until(() => cloud.sessions.length === 2, 'redial after the unacked status and unanswered probe', 2_000);
    await until(() => cloud.received('status').length === 1, 'the unacked status resent on the new connection');
  });

  it('keeps answering peers alive when they answer pings', async () => {
    cloud.heartbeatIntervalMs = 1;
    const hub = start({ pingIntervalMs: 20, deadPeerTimeoutMs: 100 });
    await until(() => hub.state === 'synced', 'sync');
    await new Promise((r) => setTimeout(r, 300));
    expect(cloud.sessions).toHaveLength(1);
  });

  it('retries while the cloud is down and syncs once it is back', async () => {
    cloud.down = true;
    const hub = start();
    await until(() => hub.state === 'offline' || hub.state === 'connecting', 'first attempt');
    await new Promise((r) => setTimeout(r, 50));
    expect(cloud.sessions).toHaveLength(0);
    cloud.down = false;
    await until(() => hub.state === 'synced', 'sync after outage');
  });

  it('retries an unanswering cloud within the short window, but backs off fully after a refusal', async () => {
    const options = { backoffBaseMs: 1_000, backoffCapMs: 60_000, unreachableBackoffCapMs: 20, random: () => 0.99 };
    cloud.down = true;
    const hub = start(options);
    await new Promise((r) => setTimeout(r, 100));
    cloud.down = false;
    // Windows of 1 s, 2 s, 4 s... would keep it offline for seconds; the 20 ms cap brings it back at once.
    await until(() => hub.state === 'synced', 'sync soon after the cloud is back', 1_000);
    stop.abort();
    await running;

    let dials = 0;
    stop = new AbortController();
    start({
      ...options,
      dial: async () => {
        dials++;
        throw new CloudUnreachableError('cloud answered HTTP 503', { url: 'wss://cloud', httpStatus: 503 });
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(dials).toBe(1); // the next attempt waits 990 ms
  });

  it('comes back when a busy cloud said to, without growing its backoff', async () => {
    const starts: number[] = [];
    start({
      backoffBaseMs: 60_000,
      random: () => 0.5,
      dial: async () => {
        starts.push(Date.now());
        throw new CloudUnreachableError('cloud is busy (HTTP 503)', {
          url: 'wss://cloud',
          httpStatus: 503,
          retryAfterMs: 200,
        });
      },
    });
    await until(() => starts.length >= 4, 'four attempts', 3_000);
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? at));
    // 200 ms as told plus a spread of at most a tenth of it (here 10 ms), every time: no 60 s window.
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(205);
      expect(gap).toBeLessThan(600);
    }
  });

  it('counts a timed-out attempt against the next window, so a returning link is tried at once', async () => {
    const starts: number[] = [];
    start({
      backoffBaseMs: 1_000,
      unreachableBackoffCapMs: 600,
      random: () => 0.99,
      dial: async () => {
        starts.push(Date.now());
        await new Promise((r) => setTimeout(r, 600)); // a connect timeout
        throw new CloudUnreachableError('no TCP answer within 600 ms', { url: 'wss://cloud' });
      },
    });
    await until(() => starts.length >= 3, 'three attempts', 4_000);
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? at));
    // The 594 ms window is spent inside the 600 ms attempt: the next starts at once, not 594 ms later.
    for (const gap of gaps) expect(gap).toBeLessThan(900);
  });

  it('redials within the short window after a lost session, but backs off fully when the cloud closes on it', async () => {
    const hub = start({ backoffBaseMs: 60_000, backoffCapMs: 60_000, unreachableBackoffCapMs: 50, random: () => 0.99 });
    await until(() => hub.state === 'synced', 'sync');
    cloud.connection?.close(1006, ''); // cloudcore killed: no close frame
    await until(() => cloud.sessions.length === 2 && hub.state === 'synced', 'redial in the 50 ms window', 2_000);
    cloud.send({ id: 0, type: 'close', code: 'RATE_LIMITED', message: 'too many sessions' });
    cloud.connection?.close(4007, 'too many sessions');
    await new Promise((r) => setTimeout(r, 300));
    expect(cloud.sessions).toHaveLength(2); // the next attempt waits 59.4 s
  });

  it('redials at once on reconnect()', async () => {
    const hub = start({ backoffBaseMs: 60_000, backoffCapMs: 60_000, random: () => 0.99 });
    await until(() => hub.state === 'synced', 'sync');
    hub.reconnect('certificate renewed');
    await until(() => cloud.sessions.length === 2 && hub.state === 'synced', 'immediate redial', 2_000);
  });
});

describe('HubClient outbox window', () => {
  it('frees the slot of a status the cloud leaves unacked, so others still flow', async () => {
    cloud.autoAckStatus = false;
    const hub = start({ outboxWindow: 1, ackTimeoutMs: 50 });
    await until(() => hub.state === 'synced', 'sync');
    store.outbox.enqueue('Device/default/lane-1', 'deviceTwinReported', bytes('{}'));
    store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('a'));
    await until(() => cloud.received('status').length === 1, 'first status');
    await until(() => cloud.received('status').length === 2, 'second status after the ack timeout');
    expect(cloud.received('status').map((s) => s.statusKind)).toEqual(['deviceTwinReported', 'podStatus']);
  });
});

describe('HubClient poison statuses', () => {
  it('drops a status larger than the cloud accepts instead of resending it forever', async () => {
    const hub = start({ limits: { maxBodyBytes: 16 } });
    await until(() => hub.state === 'synced', 'sync');
    store.outbox.enqueue('Pod/default/big', 'podStatus', bytes('x'.repeat(17)));
    store.outbox.enqueue('Pod/default/small', 'podStatus', bytes('ok'));
    await until(() => store.outbox.size() === 0, 'outbox empty');
    expect(cloud.received('status').map((s) => s.key.name)).toEqual(['small']);
  });
});
