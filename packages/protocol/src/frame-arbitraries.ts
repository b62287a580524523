/**
 * fast-check generators of valid frames of every type (within default
 * limits), for the property and fuzz tests of this package.
 */
import fc from 'fast-check';
import { CLOSE_CODES, EVENT_TYPES, STATUS_KINDS, TWIN_DIRECTIONS, type Frame, type FrameType } from './frames';
import type { ObjectKey } from './object-key';

const id = fc.nat({ max: 0xffffffff });
const positive = fc.integer({ min: 1, max: 0xffffffff });
const text = (minLength = 0, maxLength = 40): fc.Arbitrary<string> =>
  fc.string({ minLength, maxLength, unit: 'grapheme' });
const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/);
const bytes = (minLength = 0): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength, maxLength: 300 });
const list = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(item, { maxLength: 8 });

const objectKey: fc.Arbitrary<ObjectKey> = fc.record({
  kind: text(1, 20),
  namespace: fc.oneof(fc.constant(''), name),
  name,
});

export const payloadArbitraries = {
  hello: fc.record({
    type: fc.constant('hello' as const),
    protocolVersion: positive,
    minProtocolVersion: positive,
    features: list(text(1)),
    compression: list(text(1)),
    nodeName: fc.oneof(fc.constant(''), name),
    agentVersion: text(),
    manifestDigest: text(),
  }),
  welcome: fc.record({
    type: fc.constant('welcome' as const),
    protocolVersion: positive,
    features: list(text(1)),
    compression: text(),
    heartbeatIntervalMs: positive,
    serverId: text(),
    manifestDigestMatched: fc.boolean(),
  }),
  object: fc.record({
    type: fc.constant('object' as const),
    eventType: fc.constantFrom(...EVENT_TYPES),
    kind: text(1, 20),
    apiVersion: text(1, 20),
    namespace: fc.oneof(fc.constant(''), name),
    name,
    uid: fc.uuid(),
    resourceVersion: fc.nat().map(String),
    body: bytes(1),
    contentHash: text(),
  }),
  ack: fc.record({ type: fc.constant('ack' as const), ids: fc.array(id, { minLength: 1, maxLength: 8 }) }),
  manifest: fc.record({
    type: fc.constant('manifest' as const),
    entries: list(fc.record({ uid: fc.uuid(), resourceVersion: fc.nat().map(String), contentHash: text() })),
    part: fc.nat({ max: 0xffffffff }),
    complete: fc.boolean(),
  }),
  syncComplete: fc.record({
    type: fc.constant('syncComplete' as const),
    deletedUids: list(fc.uuid()),
    sentCount: fc.nat({ max: 0xffffffff }),
  }),
  status: fc.record({
    type: fc.constant('status' as const),
    statusKind: fc.constantFrom(...STATUS_KINDS),
    key: objectKey,
    uid: fc.oneof(fc.constant(''), fc.uuid()),
    sequence: positive,
    body: bytes(),
  }),
  statusAck: fc.record({
    type: fc.constant('statusAck' as const),
    entries: fc.array(fc.record({ key: objectKey, sequence: positive }), { minLength: 1, maxLength: 8 }),
  }),
  twin: fc.record({
    type: fc.constant('twin' as const),
    direction: fc.constantFrom(...TWIN_DIRECTIONS),
    namespace: name,
    deviceId: name,
    properties: list(
      fc.record({
        name: text(1),
        value: text(),
        timestampMs: fc.oneof(fc.nat(), fc.double({ noNaN: true })),
        metadataType: fc.constantFrom('int', 'float', 'string', 'boolean', ''),
      }),
    ),
  }),
  streamOpen: fc.record({
    type: fc.constant('streamOpen' as const),
    streamId: positive,
    streamKind: fc.constantFrom('logs', 'exec'),
    namespace: name,
    pod: name,
    container: fc.oneof(fc.constant(''), name),
    args: list(text()),
    tty: fc.boolean(),
  }),
  streamData: fc.record({
    type: fc.constant('streamData' as const),
    streamId: positive,
    channel: fc.nat({ max: 4 }),
    data: bytes(),
  }),
  streamClose: fc.record({
    type: fc.constant('streamClose' as const),
    streamId: positive,
    exitCode: fc.nat({ max: 255 }),
    reason: text(),
  }),
  close: fc.record({ type: fc.constant('close' as const), code: fc.constantFrom(...CLOSE_CODES), message: text() }),
} satisfies { [T in FrameType]: fc.Arbitrary<Omit<Extract<Frame, { type: T }>, 'id'>> };

/** A valid frame of the given type. */
export const frameOf = (type: FrameType): fc.Arbitrary<Frame> =>
  fc
    .tuple(id, payloadArbitraries[type] as fc.Arbitrary<Omit<Frame, 'id'>>)
    .map(([frameId, payload]) => ({ id: frameId, ...payload }) as Frame);

/** A valid frame of any type. */
export const anyFrame: fc.Arbitrary<Frame> = fc.oneof(...(Object.keys(payloadArbitraries) as FrameType[]).map(frameOf));
