import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './codec';
import { ProtocolError } from './errors';
import { frameOf, payloadArbitraries } from './frame-arbitraries';
import { CLOSE_CODES, EVENT_TYPES, STATUS_KINDS, TWIN_DIRECTIONS, type Frame, type FrameType } from './frames';
import { kedge } from './generated/frames';

/** Decoded bytes fields are Buffer views; compare them as plain arrays. */
const plain = (value: unknown): unknown => {
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
};

describe('enum mapping', () => {
  const upperSnake = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  it('numbers public enum values as frames.proto does (position + 1)', () => {
    const pairs: [readonly string[], Record<string, string | number>, string][] = [
      [EVENT_TYPES, kedge.v1.EventType, 'EVENT_TYPE_'],
      [STATUS_KINDS, kedge.v1.StatusKind, 'STATUS_KIND_'],
      [TWIN_DIRECTIONS, kedge.v1.TwinDirection, 'TWIN_DIRECTION_'],
      [CLOSE_CODES, kedge.v1.CloseCode, 'CLOSE_CODE_'],
    ];
    for (const [values, wire, prefix] of pairs) {
      values.forEach((value, index) => expect(wire[prefix + upperSnake(value)], value).toBe(index + 1));
      expect(Object.keys(wire).filter((k) => Number.isNaN(Number(k)))).toHaveLength(values.length + 1);
    }
  });
});

describe('encodeFrame/decodeFrame', () => {
  for (const type of Object.keys(payloadArbitraries) as FrameType[]) {
    it(`round-trips every ${type} frame`, () => {
      fc.assert(
        fc.property(frameOf(type), (frame) => {
          const result = decodeFrame(encodeFrame(frame));
          if (!result.ok) throw result.error;
          expect(plain(result.frame)).toEqual(plain(frame));
          expect(result.frame.type).toBe(type);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('returns body as a view of the input, without copying', () => {
    const body = new TextEncoder().encode('{"kind":"Pod"}');
    const bytes = encodeFrame({
      id: 3,
      type: 'object',
      eventType: 'ADDED',
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: 'a',
      name: 'b',
      uid: 'u',
      resourceVersion: '1',
      body,
      contentHash: '',
    });
    const result = decodeFrame(bytes);
    expect(result.ok && result.frame.type === 'object' && result.frame.body.buffer).toBe(bytes.buffer);
  });

  it('rejects a frame type it does not know with UNKNOWN_FRAME_TYPE', () => {
    // Field 15, wire type 2, empty: a payload case from a newer version.
    const result = decodeFrame(new Uint8Array([0x08, 0x01, 0x7a, 0x00]));
    expect(result.ok || result.error.code).toBe('UNKNOWN_FRAME_TYPE');
  });

  it('rejects a frame without payload with MISSING_FIELD', () => {
    const result = decodeFrame(new Uint8Array([0x08, 0x05]));
    expect(result.ok || [result.error.code, result.error.field]).toEqual(['MISSING_FIELD', 'payload']);
  });

  it('rejects enum values this version does not know with MALFORMED naming the field', () => {
    const bytes = kedge.v1.Frame.encode({ id: 1, close: { code: 99 as kedge.v1.CloseCode, message: 'x' } }).finish();
    const result = decodeFrame(bytes);
    expect(result.ok || [result.error.code, result.error.field]).toEqual(['MALFORMED', 'close.code']);
  });

  it('rejects required fields left empty with MISSING_FIELD', () => {
    const cases: [kedge.v1.IFrame, string][] = [
      [
        {
          id: 1,
          object: {
            eventType: 1,
            kind: 'Pod',
            apiVersion: 'v1',
            name: 'a',
            resourceVersion: '1',
            body: new Uint8Array([1]),
            contentHash: '',
          },
        },
        'object.uid',
      ],
      [
        {
          id: 1,
          object: {
            kind: 'Pod',
            apiVersion: 'v1',
            name: 'a',
            uid: 'u',
            resourceVersion: '1',
            body: new Uint8Array([1]),
            contentHash: '',
          },
        },
        'object.eventType',
      ],
      [
        { id: 1, object: { eventType: 2, kind: 'Pod', apiVersion: 'v1', name: 'a', uid: 'u', resourceVersion: '1' } },
        'object.body',
      ],
      [{ id: 1, status: { statusKind: 1, key: { kind: 'Pod', name: 'a' } } }, 'status.sequence'],
      [{ id: 1, status: { statusKind: 1, key: { kind: 'Pod' }, sequence: 1 } }, 'status.key.name'],
      [{ id: 1, ack: {} }, 'ack.ids'],
      [{ id: 1, hello: { minProtocolVersion: 1 } }, 'hello.protocolVersion'],
      [{ id: 1, manifest: { entries: [{ uid: 'u' }] } }, 'manifest.entries[0].resourceVersion'],
      [{ id: 1, twin: { direction: 1, properties: [] } }, 'twin.deviceId'],
      [{ id: 1, streamData: { channel: 1 } }, 'streamData.streamId'],
      [{ id: 1, close: { message: 'bye' } }, 'close.code'],
    ];
    for (const [wire, field] of cases) {
      const result = decodeFrame(kedge.v1.Frame.encode(wire).finish());
      expect(result.ok || [result.error.code, result.error.field]).toEqual(['MISSING_FIELD', field]);
    }
  });

  it('accepts a DELETED object event without body', () => {
    const result = decodeFrame(
      encodeFrame({
        id: 9,
        type: 'object',
        eventType: 'DELETED',
        kind: 'Pod',
        apiVersion: 'v1',
        namespace: '',
        name: 'a',
        uid: 'u',
        resourceVersion: '2',
        body: new Uint8Array(),
        contentHash: '',
      }),
    );
    expect(result.ok).toBe(true);
  });

  it('throws a ProtocolError when asked to encode something that is not a frame', () => {
    expect(() => encodeFrame({ id: 1, type: 'bogus' } as unknown as Frame)).toThrow(ProtocolError);
    try {
      encodeFrame({ id: 1, type: 'bogus' } as unknown as Frame);
    } catch (err) {
      expect((err as ProtocolError).code).toBe('UNKNOWN_FRAME_TYPE');
    }
  });
});
