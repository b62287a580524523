import type { FramePayload, StatusFrame } from '@kedge/protocol';
import { describe, expect, it } from 'vitest';
import { FrameRejectedError } from '../errors';
import type { EdgeSession } from '../hub/registry';
import { silentLogger } from '../log';
import { createMetrics } from '../metrics/registry';
import { eventually } from '../testing/test-edge';
import { StatusHandlers, type StatusWriter } from './handlers';
import { StatusPipeline } from './pipeline';
import { WriteSlots } from './write-slots';

function fakeSession() {
  const sent: FramePayload[] = [];
  const closed: string[] = [];
  const abort = new AbortController();
  const session = {
    nodeName: 'edge-1',
    signal: abort.signal,
    send: (payload: FramePayload) => sent.push(payload),
    close: (code: string) => closed.push(code),
  } as unknown as EdgeSession;
  return { session, sent, closed, abort };
}

/** A pipeline over a fake session whose pod statuses go to `writer`. */
function pipelineWith(writer: StatusWriter, slots = new WriteSlots(64)) {
  const fake = fakeSession();
  const handlers = new StatusHandlers();
  handlers.register('podStatus', writer);
  return { ...fake, pipeline: new StatusPipeline(fake.session, handlers, createMetrics(), silentLogger, 1000, slots) };
}

/** A promise a writer can wait on, and the call that lets it through. */
function gate(): { opened: Promise<void>; release: () => void } {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

const status = (name: string, sequence: number, phase = 'Running'): StatusFrame => ({
  type: 'status',
  statusKind: 'podStatus',
  key: { kind: 'Pod', namespace: 'default', name },
  uid: `uid-${name}`,
  sequence,
  body: new TextEncoder().encode(JSON.stringify({ phase })),
});

const acks = (sent: FramePayload[]) =>
  sent.flatMap((f) => (f.type === 'statusAck' ? f.entries.map((e) => `${e.key.name}#${e.sequence}`) : []));

describe('StatusPipeline', () => {
  it('acks only after the write succeeds, retrying failures with backoff', async () => {
    let failures = 2;
    const writes: string[] = [];
    const { pipeline, sent, abort } = pipelineWith(async (_s, frame) => {
      writes.push(`${frame.key.name}#${frame.sequence}`);
      if (frame.key.name === 'flaky' && failures-- > 0) throw new Error('API down');
      return 'written';
    });
    pipeline.submit(status('flaky', 1));
    pipeline.submit(status('steady', 1));
    await eventually(async () => (acks(sent).length === 2 ? true : undefined), 5000, 'two acks');
    expect(acks(sent)).toEqual(['steady#1', 'flaky#1']);
    expect(writes.filter((w) => w === 'flaky#1')).toHaveLength(3);
    abort.abort();
  });

  it('coalesces a key: a newer sequence replaces a queued one, an older one is dropped', async () => {
    const first = gate();
    const writes: string[] = [];
    const { pipeline, sent, abort } = pipelineWith(async (_s, frame) => {
      writes.push(`${frame.key.name}#${frame.sequence}`);
      if (frame.sequence === 1) await first.opened;
      return 'written';
    });
    pipeline.submit(status('p', 1));
    pipeline.submit(status('p', 3));
    pipeline.submit(status('p', 2));
    // One write per key at a time: p#3 waits for p#1, and p#2 never goes out.
    await eventually(async () => (writes.length === 1 ? true : undefined), 5000, 'first write');
    first.release();
    await eventually(async () => (acks(sent).length === 2 ? true : undefined), 5000, 'acks');
    expect(writes).toEqual(['p#1', 'p#3']);
    expect(acks(sent)).toEqual(['p#1', 'p#3']);
    abort.abort();
  });

  it('writes other keys while one key waits on a slow write', async () => {
    const slow = gate();
    const { pipeline, sent, abort } = pipelineWith(async (_s, frame) => {
      if (frame.key.name === 'slow') await slow.opened;
      return 'written';
    });
    pipeline.submit(status('slow', 1));
    for (let i = 0; i < 20; i++) pipeline.submit(status(`pod-${i}`, 1));
    await eventually(async () => (acks(sent).length === 20 ? true : undefined), 5000, 'the other 20 acked');
    expect(acks(sent)).not.toContain('slow#1');
    slow.release();
    await eventually(async () => (acks(sent).length === 21 ? true : undefined), 5000, 'slow acked');
    abort.abort();
  });

  it('closes the session on a refused status and leaves unknown kinds unacked', async () => {
    const { pipeline, sent, closed, abort } = pipelineWith(async () => {
      throw new FrameRejectedError('UNAUTHORIZED', 'not_bound_to_node', 'not yours');
    });
    pipeline.submit({ ...status('x', 1), statusKind: 'deviceTwinReported' });
    expect(pipeline.size).toBe(0);
    pipeline.submit(status('y', 1));
    await eventually(async () => (closed.length > 0 ? true : undefined), 5000, 'closed');
    expect(closed).toEqual(['UNAUTHORIZED']);
    expect(acks(sent)).toEqual([]);
    abort.abort();
  });

  it("shares the replica's write slots across nodes, and a node gone while waiting writes nothing", async () => {
    const slots = new WriteSlots(2);
    let inFlight = 0;
    let most = 0;
    const writes: string[] = [];
    const hold = gate();
    const writer: StatusWriter = async (session, frame) => {
      writes.push(`${session.nodeName}/${frame.key.name}`);
      most = Math.max(most, ++inFlight);
      await hold.opened;
      inFlight--;
      return 'written';
    };
    const a = pipelineWith(writer, slots);
    const b = pipelineWith(writer, slots);
    for (let i = 0; i < 3; i++) a.pipeline.submit(status(`a-${i}`, 1));
    for (let i = 0; i < 3; i++) b.pipeline.submit(status(`b-${i}`, 1));
    await eventually(async () => (slots.waiting === 4 ? true : undefined), 5000, 'four writes waiting');
    b.abort.abort(); // b's node leaves while its writes wait
    hold.release();
    await eventually(async () => (acks(a.sent).length === 3 ? true : undefined), 5000, 'a acked');
    expect(most).toBe(2);
    expect(writes.filter((w) => w.includes('/b-'))).toHaveLength(0);
    expect(acks(b.sent)).toEqual([]);
    expect(slots.waiting).toBe(0);
    a.abort.abort();
  });
});
