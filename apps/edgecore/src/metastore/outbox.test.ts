import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempStores } from './test-support';

const { open, tempStore } = useTempStores('kedge-outbox-');

const text = (body: Uint8Array) => new TextDecoder().decode(body);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('Outbox', () => {
  it('coalesces per key: the latest status wins and its sequence grows', () => {
    const { store } = tempStore();
    const first = store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('one'), 'ua');
    const second = store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('two'), 'ua');
    expect(second).toBeGreaterThan(first);
    const pending = store.outbox.pending(10);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ key: 'Pod/default/a', kind: 'podStatus', uid: 'ua', seq: second });
    expect(text(pending[0]!.body)).toBe('two');
  });

  it('reads one queued entry by key', () => {
    const { store } = tempStore();
    store.outbox.enqueue('Device/default/lane-1', 'deviceTwinReported', bytes('{"a":1}'), 'd1');
    expect(text(store.outbox.get('Device/default/lane-1')!.body)).toBe('{"a":1}');
    expect(store.outbox.get('Device/default/lane-2')).toBeUndefined();
  });

  it('returns pending entries oldest write first, bounded by limit', () => {
    const { store } = tempStore();
    store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('a1'));
    store.outbox.enqueue('Pod/default/b', 'podStatus', bytes('b1'));
    store.outbox.enqueue('Node/edge-1', 'nodeStatus', bytes('n1'));
    store.outbox.enqueue('Pod/default/a', 'podDeleted', bytes('a2'));
    expect(store.outbox.pending(10).map((e) => e.key)).toEqual(['Pod/default/b', 'Node/edge-1', 'Pod/default/a']);
    expect(store.outbox.pending(2).map((e) => e.key)).toEqual(['Pod/default/b', 'Node/edge-1']);
  });

  it('removes on ack of the current sequence only; a newer write stays queued', () => {
    const { store } = tempStore();
    const old = store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('old'));
    const newer = store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('new'));
    expect(store.outbox.ack('Pod/default/a', old)).toBe(false);
    expect(store.outbox.size()).toBe(1);
    expect(store.outbox.ack('Pod/default/a', newer)).toBe(true);
    expect(store.outbox.size()).toBe(0);
    expect(store.outbox.ack('Pod/default/a', newer)).toBe(false);
  });

  it('never reuses a sequence after the outbox emptied, even across reopen', () => {
    const { dir, store } = tempStore();
    const seq = store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('x'));
    store.outbox.ack('Pod/default/a', seq);
    store.close();
    const reopened = open(dir);
    expect(reopened.outbox.enqueue('Pod/default/a', 'podStatus', bytes('y'))).toBeGreaterThan(seq);
  });

  it('notifies listeners on enqueue until unsubscribed', () => {
    const { store } = tempStore();
    let calls = 0;
    const off = store.outbox.onEnqueue(() => calls++);
    store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('x'));
    off();
    store.outbox.enqueue('Pod/default/a', 'podStatus', bytes('y'));
    expect(calls).toBe(1);
  });

  it('keeps every committed write when the process is killed with SIGKILL', () => {
    const { dir, store } = tempStore();
    store.close();
    // A separate process writes, then kills itself without closing the database.
    const script = `
      import { openMetastore } from ${JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))};
      const store = openMetastore(${JSON.stringify(dir)});
      for (let i = 0; i < 50; i++) {
        store.objects.put({ uid: 'u' + i, kind: 'Pod', namespace: 'default', name: 'p' + i, resourceVersion: String(i + 1), body: '{}', contentHash: '' });
        store.outbox.enqueue('Pod/default/p' + i, 'podStatus', new TextEncoder().encode('s' + i), 'u' + i);
      }
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.signal).toBe('SIGKILL');
    const reopened = open(dir);
    expect(reopened.objects.manifest()).toHaveLength(50);
    expect(reopened.outbox.size()).toBe(50);
    expect(text(reopened.outbox.pending(100)[49]!.body)).toBe('s49');
  });
});
