import type { KubernetesObject } from '@kubernetes/client-node';
import type { FramePayload, ObjectFrame, SyncCompleteFrame } from '@kedge/protocol';
import { manifestDigest, withDefaults } from '@kedge/protocol';
import { describe, expect, it } from 'vitest';
import type { EdgeSession, ObjectSource } from '../hub/registry';
import { KeyedSendQueue } from '../hub/send-queue';
import { createMetrics } from '../metrics/registry';
import { NodeIndex } from './node-index';
import { NodeSync } from './node-sync';

const pod = (name: string, node: string, rv: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv, managedFields: [{ manager: 'x' }] },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'i' }], ...extra },
});
const cm = (name: string, rv: string, data: Record<string, string> = { a: 'b' }) => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv },
  data,
});

/** A session whose queue writes into `sent`, its socket taking every byte at once, and acks everything at once. */
function fakeSession(node: string) {
  const sent: FramePayload[] = [];
  let source: ObjectSource | undefined;
  let nextId = 1;
  const ids = new Map<number, FramePayload>();
  const queue = new KeyedSendQueue({
    maxInFlight: 2,
    highWaterBytes: 1 << 20,
    bufferedAmount: () => 0,
    write: (payload, onWritten) => {
      sent.push(payload);
      ids.set(nextId, payload);
      onWritten();
      return nextId++;
    },
  });
  const session = {
    nodeName: node,
    markDirty: (key: string) => queue.mark(key),
    setObjectSource: (s: ObjectSource) => {
      source = s;
      queue.setSource(s);
    },
    queueStats: () => queue.stats(),
  } as unknown as EdgeSession;
  const ackAll = () => {
    while (queue.stats().inFlight > 0) queue.ack([...ids.keys()]);
  };
  return { session, sent, ackAll, source: () => source };
}

const objects = (sent: FramePayload[]) =>
  sent
    .filter((f): f is ObjectFrame => f.type === 'object')
    .map((f) => `${f.eventType} ${f.kind}/${f.name}@${f.resourceVersion}`);

describe('NodeIndex + NodeSync', () => {
  it("sends a fresh node its pods and referenced ConfigMaps, never other nodes' pods, trimmed", () => {
    const index = new NodeIndex();
    index.upsert('ConfigMap', cm('conf', '5'));
    index.upsert('ConfigMap', cm('unused', '6'));
    index.upsert('Pod', pod('a', 'edge-1', '10', { volumes: [{ name: 'v', configMap: { name: 'conf' } }] }));
    index.upsert('Pod', pod('b', 'edge-2', '11'));
    const { session, sent, ackAll } = fakeSession('edge-1');
    const sync = new NodeSync(session, index, createMetrics(), withDefaults());
    sync.onManifest({ type: 'manifest', entries: [], part: 0, complete: true });
    ackAll();
    expect(objects(sent).sort()).toEqual(['ADDED ConfigMap/conf@5', 'ADDED Pod/a@10']);
    const done = sent.find((f): f is SyncCompleteFrame => f.type === 'syncComplete');
    expect(done).toMatchObject({ sentCount: 2, deletedUids: [] });
    const body = JSON.parse(
      new TextDecoder().decode((sent.find((f) => f.type === 'object' && f.kind === 'Pod') as ObjectFrame).body),
    );
    expect(body.metadata.managedFields).toBeUndefined();
  });

  it('after a manifest sends only the difference and names the stale uids', () => {
    const index = new NodeIndex();
    index.upsert('Pod', pod('same', 'edge-1', '1'));
    index.upsert('Pod', pod('newer', 'edge-1', '7'));
    index.upsert('Pod', pod('missing', 'edge-1', '3'));
    const { session, sent, ackAll } = fakeSession('edge-1');
    const sync = new NodeSync(session, index, createMetrics(), withDefaults());
    expect(
      sync.onManifest({
        type: 'manifest',
        entries: [{ uid: 'uid-same', resourceVersion: '1', contentHash: '' }],
        part: 0,
        complete: false,
      }),
    ).toBe(false);
    sync.onManifest({
      type: 'manifest',
      entries: [
        { uid: 'uid-newer', resourceVersion: '2', contentHash: '' },
        { uid: 'uid-gone', resourceVersion: '9', contentHash: '' },
      ],
      part: 1,
      complete: true,
    });
    ackAll();
    expect(objects(sent)).toEqual(['MODIFIED Pod/newer@7', 'ADDED Pod/missing@3']);
    expect(sent.at(-1)).toMatchObject({ type: 'syncComplete', deletedUids: ['uid-gone'], sentCount: 2 });
    expect(sync.heldCount()).toBe(3);
  });

  it('fans out live changes: rebinding, ConfigMap updates, deletes', () => {
    const index = new NodeIndex();
    const { session, sent, ackAll } = fakeSession('edge-1');
    const sync = new NodeSync(session, index, createMetrics(), withDefaults());
    index.onChange((node, meta) => node === 'edge-1' && sync.changed(meta));
    sync.onManifest({ type: 'manifest', entries: [], part: 0, complete: true });
    index.upsert('ConfigMap', cm('conf', '1'));
    index.upsert(
      'Pod',
      pod('p', 'edge-1', '2', {
        containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'conf' } }] }],
      }),
    );
    ackAll();
    index.upsert('ConfigMap', cm('conf', '3', { a: 'changed' }));
    ackAll();
    index.remove('Pod', pod('p', 'edge-1', '4'));
    ackAll();
    index.upsert('Pod', pod('q', 'edge-2', '5'));
    ackAll();
    expect(objects(sent)).toEqual([
      'ADDED ConfigMap/conf@1',
      'ADDED Pod/p@2',
      'MODIFIED ConfigMap/conf@3',
      'DELETED Pod/p@2',
      'DELETED ConfigMap/conf@3',
    ]);
    expect(sync.heldCount()).toBe(0);
  });

  it('does not resend a pod whose status alone changed, live or after a reconnect', () => {
    const index = new NodeIndex();
    // From a watch event: timestamps are the API's strings.
    const watched = pod('p', 'edge-1', '1');
    const raw = { ...watched, metadata: { ...watched.metadata, creationTimestamp: '2026-11-27T12:28:22Z' } };
    index.upsert('Pod', raw as unknown as KubernetesObject);
    const first = fakeSession('edge-1');
    const sync = new NodeSync(first.session, index, createMetrics(), withDefaults());
    index.onChange((node, meta) => node === 'edge-1' && sync.changed(meta));
    sync.onManifest({ type: 'manifest', entries: [], part: 0, complete: true });
    first.ackAll();
    const added = first.sent.find((f): f is ObjectFrame => f.type === 'object');
    expect(added?.contentHash).toMatch(/^[\w-]{22}$/);
    // As a typed list returns it after a restart: no kind/apiVersion, fields in another order,
    // timestamps as Dates, a new status.
    const { kind: _k, apiVersion: _a, ...listed } = pod('p', 'edge-1', '2');
    index.upsert('Pod', {
      status: { phase: 'Running' },
      spec: listed.spec,
      metadata: { creationTimestamp: new Date('2026-11-27T12:28:22Z'), ...listed.metadata },
    } as KubernetesObject);
    first.ackAll();
    expect(objects(first.sent)).toEqual(['ADDED Pod/p@1']);

    // The edge still holds resourceVersion 1; its content hash says it is current.
    const second = fakeSession('edge-1');
    const again = new NodeSync(second.session, index, createMetrics(), withDefaults());
    again.onManifest({
      type: 'manifest',
      entries: [{ uid: 'uid-p', resourceVersion: '1', contentHash: added?.contentHash ?? '' }],
      part: 0,
      complete: true,
    });
    second.ackAll();
    expect(objects(second.sent)).toEqual([]);
    expect(second.sent.at(-1)).toMatchObject({ type: 'syncComplete', sentCount: 0 });
  });

  it('matches a manifest digest, resumes from it, then sends live changes', () => {
    const index = new NodeIndex();
    index.upsert('ConfigMap', cm('conf', '1'));
    index.upsert('Pod', pod('p', 'edge-1', '2', { volumes: [{ name: 'v', configMap: { name: 'conf' } }] }));
    const first = fakeSession('edge-1');
    const sync = new NodeSync(first.session, index, createMetrics(), withDefaults());
    sync.onManifest({ type: 'manifest', entries: [], part: 0, complete: true });
    first.ackAll();
    const holding = first.sent
      .filter((f): f is ObjectFrame => f.type === 'object')
      .map((f) => ({ uid: f.uid, contentHash: f.contentHash }));
    const digest = manifestDigest(holding);

    const second = fakeSession('edge-1');
    const again = new NodeSync(second.session, index, createMetrics(), withDefaults());
    index.onChange((node, meta) => node === 'edge-1' && again.changed(meta));
    expect(again.matchDigest('')).toBeUndefined();
    expect(again.matchDigest('sha256:other')).toBeUndefined();
    const match = again.matchDigest(digest);
    expect(match?.held.size).toBe(2);
    if (!match) return;
    again.resume(match);
    second.ackAll();
    expect(second.sent).toEqual([]); // welcome said so; no syncComplete
    index.upsert('ConfigMap', cm('conf', '3', { a: 'new' }));
    second.ackAll();
    expect(objects(second.sent)).toEqual(['MODIFIED ConfigMap/conf@3']);
  });

  it('after a matched digest, names what was unbound before welcome in DELETED frames', () => {
    const index = new NodeIndex();
    index.upsert('Pod', pod('p', 'edge-1', '1'));
    index.upsert('Pod', pod('q', 'edge-1', '2'));
    const first = fakeSession('edge-1');
    const sync = new NodeSync(first.session, index, createMetrics(), withDefaults());
    sync.onManifest({ type: 'manifest', entries: [], part: 0, complete: true });
    first.ackAll();
    const digest = manifestDigest(
      first.sent
        .filter((f): f is ObjectFrame => f.type === 'object')
        .map((f) => ({ uid: f.uid, contentHash: f.contentHash })),
    );
    const second = fakeSession('edge-1');
    const again = new NodeSync(second.session, index, createMetrics(), withDefaults());
    index.onChange((node, meta) => node === 'edge-1' && again.changed(meta));
    const match = again.matchDigest(digest);
    if (!match) throw new Error('digest should match');
    index.remove('Pod', pod('q', 'edge-1', '3')); // between hello and welcome
    again.resume(match);
    second.ackAll();
    expect(objects(second.sent)).toEqual(['DELETED Pod/q@2']);
    expect(again.heldCount()).toBe(1);
  });

  it('binds devices by spec.nodeName and sends their DeviceModel first', () => {
    const index = new NodeIndex();
    const model = {
      kind: 'DeviceModel',
      apiVersion: 'devices.kubeedge.io/v1beta1',
      metadata: { name: 'm', namespace: 'default', uid: 'uid-m', resourceVersion: '1' },
    };
    const device = (name: string, node: string) => ({
      kind: 'Device',
      apiVersion: 'devices.kubeedge.io/v1beta1',
      metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '2' },
      spec: { nodeName: node, deviceModelRef: { name: 'm' } },
    });
    index.upsert('Device', device('d1', 'edge-1'));
    index.upsert('Device', device('d2', 'edge-2'));
    index.upsert('DeviceModel', model);
    const { session, sent, ackAll } = fakeSession('edge-1');
    new NodeSync(session, index, createMetrics(), withDefaults()).onManifest({
      type: 'manifest',
      entries: [],
      part: 0,
      complete: true,
    });
    ackAll();
    expect(objects(sent)).toEqual(['ADDED DeviceModel/m@1', 'ADDED Device/d1@2']);
    expect(index.bound('Device', 'default', 'd2')?.node).toBe('edge-2');
  });

  it('refuses manifest parts out of order', () => {
    const { session } = fakeSession('edge-1');
    const sync = new NodeSync(session, new NodeIndex(), createMetrics(), withDefaults());
    expect(() => sync.onManifest({ type: 'manifest', entries: [], part: 1, complete: true })).toThrow(
      /expected part 0/,
    );
  });
});
