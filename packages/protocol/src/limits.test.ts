import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './codec';
import type { Frame } from './frames';
import { kedge } from './generated/frames';
import { DEFAULT_FRAME_LIMITS, withDefaults, type FrameLimits } from './limits';

const objectFrame = (overrides: Partial<Extract<Frame, { type: 'object' }>> = {}): Frame => ({
  id: 1,
  type: 'object',
  eventType: 'ADDED',
  kind: 'Pod',
  apiVersion: 'v1',
  namespace: 'default',
  name: 'web-0',
  uid: 'uid-1',
  resourceVersion: '7',
  body: new Uint8Array([0x7b, 0x7d]),
  contentHash: '',
  ...overrides,
});

/** Decodes with the given limits; returns 'ok' or [code, field]. */
function outcome(frame: Frame | Uint8Array, limits: Partial<FrameLimits> = {}): 'ok' | [string, string | undefined] {
  const bytes = frame instanceof Uint8Array ? frame : encodeFrame(frame);
  const result = decodeFrame(bytes, withDefaults(limits));
  return result.ok ? 'ok' : [result.error.code, result.error.field];
}

describe('frame limits', () => {
  it('has the documented defaults', () => {
    expect(withDefaults()).toEqual({
      maxFrameBytes: 4 * 1024 * 1024,
      maxBodyBytes: 3 * 1024 * 1024,
      maxNameLength: 253,
      maxStringLength: 1024,
      maxManifestEntries: 10_000,
      maxListEntries: 10_000,
      maxStreamDataBytes: 1024 * 1024,
    });
    expect(withDefaults({ maxNameLength: 63 })).toEqual({ ...DEFAULT_FRAME_LIMITS, maxNameLength: 63 });
  });

  it('fills partial limits even when the caller froze them', () => {
    const partial = Object.freeze({ maxNameLength: 10 });
    expect(withDefaults(partial)).toEqual({ ...DEFAULT_FRAME_LIMITS, maxNameLength: 10 });
    expect(decodeFrame(encodeFrame(objectFrame({ body: new Uint8Array(5) })), partial).ok).toBe(true);
    expect(outcome(objectFrame({ name: 'a'.repeat(11) }), partial)).toEqual(['FIELD_TOO_LONG', 'object.name']);
  });

  it('rejects unknown and non-positive limits with INVALID_LIMIT', () => {
    expect(() => withDefaults({ maxFrameBytes: 0 })).toThrow(/maxFrameBytes must be a positive integer/);
    expect(() => withDefaults({ maxBodyBytes: 1.5 })).toThrow(/positive integer/);
    expect(() => withDefaults({ maxFrames: 3 } as Partial<FrameLimits>)).toThrow(/unknown frame limit "maxFrames"/);
  });

  it('maxFrameBytes: rejects an oversized buffer before looking at its bytes', () => {
    const garbage = new Uint8Array(101).fill(0xff);
    expect(outcome(garbage, { maxFrameBytes: 100 })).toEqual(['FRAME_TOO_LARGE', undefined]);
    const frame = encodeFrame(objectFrame());
    expect(outcome(frame, { maxFrameBytes: frame.length })).toBe('ok');
    expect(outcome(frame, { maxFrameBytes: frame.length - 1 })).toEqual(['FRAME_TOO_LARGE', undefined]);
  });

  it('maxBodyBytes: bounds object and status bodies', () => {
    expect(outcome(objectFrame({ body: new Uint8Array(64) }), { maxBodyBytes: 64 })).toBe('ok');
    expect(outcome(objectFrame({ body: new Uint8Array(65) }), { maxBodyBytes: 64 })).toEqual([
      'FIELD_TOO_LONG',
      'object.body',
    ]);
    const status: Frame = {
      id: 2,
      type: 'status',
      statusKind: 'podStatus',
      key: { kind: 'Pod', namespace: 'a', name: 'b' },
      uid: '',
      sequence: 1,
      body: new Uint8Array(65),
    };
    expect(outcome(status, { maxBodyBytes: 64 })).toEqual(['FIELD_TOO_LONG', 'status.body']);
  });

  it('maxNameLength: 253 characters pass, 254 do not', () => {
    expect(outcome(objectFrame({ name: 'a'.repeat(253) }))).toBe('ok');
    expect(outcome(objectFrame({ name: 'a'.repeat(254) }))).toEqual(['FIELD_TOO_LONG', 'object.name']);
    const twin: Frame = {
      id: 3,
      type: 'twin',
      direction: 'desired',
      namespace: 'a',
      deviceId: 'd'.repeat(254),
      properties: [],
    };
    expect(outcome(twin)).toEqual(['FIELD_TOO_LONG', 'twin.deviceId']);
  });

  it('maxStringLength: bounds other strings', () => {
    expect(outcome(objectFrame({ resourceVersion: '9'.repeat(1024) }))).toBe('ok');
    expect(outcome(objectFrame({ resourceVersion: '9'.repeat(1025) }))).toEqual([
      'FIELD_TOO_LONG',
      'object.resourceVersion',
    ]);
    const close: Frame = { id: 4, type: 'close', code: 'PROTOCOL_ERROR', message: 'x'.repeat(11) };
    expect(outcome(close, { maxStringLength: 10 })).toEqual(['FIELD_TOO_LONG', 'close.message']);
  });

  it('maxManifestEntries: bounds one manifest part', () => {
    const manifest = (count: number): Frame => ({
      id: 5,
      type: 'manifest',
      entries: Array.from({ length: count }, (_, i) => ({ uid: `u${i}`, resourceVersion: '1', contentHash: '' })),
      part: 0,
      complete: true,
    });
    expect(outcome(manifest(100), { maxManifestEntries: 100 })).toBe('ok');
    expect(outcome(manifest(101), { maxManifestEntries: 100 })).toEqual(['LIST_TOO_LONG', 'manifest.entries']);
  });

  it('maxListEntries: bounds packed and unpacked ack ids and every other list', () => {
    const ids = Array.from({ length: 11 }, (_, i) => i + 1);
    expect(outcome({ id: 6, type: 'ack', ids: ids.slice(0, 10) }, { maxListEntries: 10 })).toBe('ok');
    expect(outcome({ id: 6, type: 'ack', ids }, { maxListEntries: 10 })).toEqual(['LIST_TOO_LONG', 'ack.ids']);
    // The same ids unpacked: one tag per id.
    const writer = kedge.v1.Frame.encode({ id: 6 });
    writer.uint32((5 << 3) | 2).fork();
    for (const id of ids) writer.uint32(1 << 3).uint32(id);
    writer.ldelim();
    expect(outcome(writer.finish(), { maxListEntries: 10 })).toEqual(['LIST_TOO_LONG', 'ack.ids']);

    const many = Array.from({ length: 11 }, (_, i) => `f${i}`);
    const lists: [Frame, string][] = [
      [
        {
          id: 7,
          type: 'hello',
          protocolVersion: 1,
          minProtocolVersion: 1,
          features: many,
          compression: [],
          nodeName: '',
          agentVersion: '',
          manifestDigest: '',
        },
        'hello.features',
      ],
      [
        {
          id: 7,
          type: 'hello',
          protocolVersion: 1,
          minProtocolVersion: 1,
          features: [],
          compression: many,
          nodeName: '',
          agentVersion: '',
          manifestDigest: '',
        },
        'hello.compression',
      ],
      [
        {
          id: 7,
          type: 'welcome',
          protocolVersion: 1,
          features: many,
          compression: '',
          heartbeatIntervalMs: 1,
          serverId: '',
          manifestDigestMatched: false,
        },
        'welcome.features',
      ],
      [{ id: 7, type: 'syncComplete', deletedUids: many, sentCount: 0 }, 'syncComplete.deletedUids'],
      [
        {
          id: 7,
          type: 'statusAck',
          entries: many.map((name) => ({ key: { kind: 'Pod', namespace: '', name }, sequence: 1 })),
        },
        'statusAck.entries',
      ],
      [
        {
          id: 7,
          type: 'twin',
          direction: 'reported',
          namespace: '',
          deviceId: 'd',
          properties: many.map((name) => ({ name, value: '', timestampMs: 0, metadataType: '' })),
        },
        'twin.properties',
      ],
      [
        {
          id: 7,
          type: 'streamOpen',
          streamId: 1,
          streamKind: 'exec',
          namespace: 'a',
          pod: 'b',
          container: '',
          args: many,
          tty: false,
        },
        'streamOpen.args',
      ],
    ];
    for (const [frame, field] of lists)
      expect(outcome(frame, { maxListEntries: 10 })).toEqual(['LIST_TOO_LONG', field]);
  });

  it('maxStreamDataBytes: bounds one stream chunk', () => {
    const data = (n: number): Frame => ({
      id: 8,
      type: 'streamData',
      streamId: 1,
      channel: 1,
      data: new Uint8Array(n),
    });
    expect(outcome(data(32), { maxStreamDataBytes: 32 })).toBe('ok');
    expect(outcome(data(33), { maxStreamDataBytes: 32 })).toEqual(['FIELD_TOO_LONG', 'streamData.data']);
  });
});
