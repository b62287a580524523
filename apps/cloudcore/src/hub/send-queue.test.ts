import type { FramePayload } from '@kedge/protocol';
import { describe, expect, it } from 'vitest';
import { FifoSlots } from '../fifo-slots';
import { KeyedSendQueue } from './send-queue';

function harness(maxInFlight: number, highWaterBytes = 1000, slots?: FifoSlots) {
  const state = {
    version: new Map<string, number>(),
    buffered: 0,
    written: [] as { id: number; key: string; v: number }[],
    acked: [] as string[],
  };
  const pendingCallbacks: (() => void)[] = [];
  let nextId = 1;
  const queue = new KeyedSendQueue({
    maxInFlight,
    highWaterBytes,
    bufferedAmount: () => state.buffered,
    slots,
    write: (payload, onWritten) => {
      const p = payload as { name: string; resourceVersion: string };
      const id = nextId++;
      state.written.push({ id, key: p.name, v: Number(p.resourceVersion) });
      pendingCallbacks.push(onWritten);
      return id;
    },
  });
  queue.setSource({
    produce: (key) => {
      const v = state.version.get(key);
      if (v === undefined) return undefined;
      const payload = { type: 'object', name: key, resourceVersion: String(v) } as unknown as FramePayload;
      return { payload, needsAck: true };
    },
    acked: (key) => state.acked.push(key),
  });
  return { queue, state, flush: () => pendingCallbacks.splice(0).forEach((cb) => cb()) };
}

describe('KeyedSendQueue', () => {
  it('coalesces a key marked many times into one frame with the latest state', () => {
    const { queue, state } = harness(1);
    state.version.set('a', 1);
    queue.mark('a'); // goes out at once, fills the window
    for (let v = 2; v <= 50; v++) {
      state.version.set('b', v);
      queue.mark('b');
    }
    expect(queue.stats()).toEqual({ queued: 1, inFlight: 1 });
    queue.ack([1]);
    expect(state.written.map((w) => `${w.key}@${w.v}`)).toEqual(['a@1', 'b@50']);
    expect(state.acked).toEqual(['a']);
  });

  it('keeps at most maxInFlight frames unacked and ignores unknown ack ids', () => {
    const { queue, state } = harness(3);
    for (let i = 0; i < 10; i++) {
      state.version.set(`k${i}`, 1);
      queue.mark(`k${i}`);
    }
    expect(state.written).toHaveLength(3);
    queue.ack([999, 1]);
    expect(state.written).toHaveLength(4);
    expect(queue.stats()).toEqual({ queued: 6, inFlight: 3 });
  });

  it('pauses while the socket buffer is above the high-water mark and resumes on write callbacks', () => {
    const { queue, state, flush } = harness(100, 1000);
    state.buffered = 5000;
    state.version.set('a', 1);
    queue.mark('a');
    expect(state.written).toHaveLength(0);
    state.buffered = 0;
    queue.ack([]); // any event pumps again
    expect(state.written).toHaveLength(1);
    state.buffered = 5000;
    state.version.set('b', 1);
    queue.mark('b');
    expect(state.written).toHaveLength(1);
    state.buffered = 0;
    flush();
    expect(state.written).toHaveLength(2);
  });

  it('skips keys whose producer has nothing to send', () => {
    const { queue, state } = harness(10);
    queue.mark('gone');
    expect(state.written).toHaveLength(0);
    expect(queue.stats()).toEqual({ queued: 0, inFlight: 0 });
  });

  it('holds at most four frames not yet written per node, with or without replica slots', () => {
    const { queue, state, flush } = harness(100);
    for (let i = 0; i < 10; i++) {
      state.version.set(`k${i}`, 1);
      queue.mark(`k${i}`);
    }
    expect(state.written).toHaveLength(4);
    flush();
    expect(state.written).toHaveLength(8);
  });

  it('shares the replica frame slots: nodes take turns, each holds a few, and close gives them back', () => {
    const slots = new FifoSlots(6);
    const a = harness(100, 1000, slots);
    const b = harness(100, 1000, slots);
    const c = harness(100, 1000, slots);
    const load = (h: ReturnType<typeof harness>, prefix: string) => {
      for (let i = 0; i < 10; i++) {
        h.state.version.set(`${prefix}${i}`, 1);
        h.queue.mark(`${prefix}${i}`);
      }
    };
    load(a, 'a');
    // One node holds at most 4 frames not yet written, however many slots are free.
    expect(a.state.written).toHaveLength(4);
    load(b, 'b');
    expect(b.state.written).toHaveLength(2);
    expect(slots.inUse).toBe(6);
    load(c, 'c');
    expect(c.state.written).toHaveLength(0);
    expect(slots.waiting).toBe(2);
    // a's four frames are written: the freed slots go round b, c and a in turn, and b
    // stops at its four.
    a.flush();
    expect([a, b, c].map((h) => h.state.written.length)).toEqual([5, 4, 1]);
    expect(slots.waiting).toBe(2);
    // Closing a gives back the slot of the frame it never saw written; c waited longest.
    a.queue.close();
    expect(c.state.written).toHaveLength(2);
    expect(slots.inUse).toBe(6);
  });
});
