/**
 * Public frame -> generated message shape. Bytes fields pass by reference:
 * protobufjs copies a body once, into the output buffer.
 */
import { kedge } from './generated/frames';
import { ProtocolError } from './errors';
import {
  CLOSE_CODES,
  EVENT_TYPES,
  STATUS_KINDS,
  TWIN_DIRECTIONS,
  type CloseCode,
  type EventType,
  type Frame,
  type StatusKind,
  type TwinDirection,
} from './frames';
import type { ObjectKey } from './object-key';

import pb = kedge.v1;

// Enum numbers in frames.proto are the index in the matching list plus one (0 is UNSPECIFIED).
const enumNumber = <T extends string>(values: readonly T[]): Record<T, number> =>
  Object.fromEntries(values.map((value, index) => [value, index + 1])) as Record<T, number>;
const EVENT_TYPE_NUMBER = enumNumber<EventType>(EVENT_TYPES);
const STATUS_KIND_NUMBER = enumNumber<StatusKind>(STATUS_KINDS);
const TWIN_DIRECTION_NUMBER = enumNumber<TwinDirection>(TWIN_DIRECTIONS);
const CLOSE_CODE_NUMBER = enumNumber<CloseCode>(CLOSE_CODES);

const keyToWire = (key: ObjectKey): pb.IObjectKey => ({ kind: key.kind, namespace: key.namespace, name: key.name });

/** Public frame -> generated message shape. Throws ProtocolError for an unknown type. */
export function toWire(frame: Frame): pb.IFrame {
  const id = frame.id;
  switch (frame.type) {
    case 'object':
      return {
        id,
        object: {
          eventType: EVENT_TYPE_NUMBER[frame.eventType],
          kind: frame.kind,
          apiVersion: frame.apiVersion,
          namespace: frame.namespace,
          name: frame.name,
          uid: frame.uid,
          resourceVersion: frame.resourceVersion,
          body: frame.body,
          contentHash: frame.contentHash,
        },
      };
    case 'status':
      return {
        id,
        status: {
          statusKind: STATUS_KIND_NUMBER[frame.statusKind],
          key: keyToWire(frame.key),
          uid: frame.uid,
          sequence: frame.sequence,
          body: frame.body,
        },
      };
    case 'ack':
      return { id, ack: { ids: frame.ids as number[] } };
    case 'statusAck':
      return {
        id,
        statusAck: { entries: frame.entries.map((e) => ({ key: keyToWire(e.key), sequence: e.sequence })) },
      };
    case 'hello':
      return {
        id,
        hello: {
          protocolVersion: frame.protocolVersion,
          minProtocolVersion: frame.minProtocolVersion,
          features: frame.features as string[],
          compression: frame.compression as string[],
          nodeName: frame.nodeName,
          agentVersion: frame.agentVersion,
          manifestDigest: frame.manifestDigest,
        },
      };
    case 'welcome':
      return {
        id,
        welcome: {
          protocolVersion: frame.protocolVersion,
          features: frame.features as string[],
          compression: frame.compression,
          heartbeatIntervalMs: frame.heartbeatIntervalMs,
          serverId: frame.serverId,
          manifestDigestMatched: frame.manifestDigestMatched,
        },
      };
    case 'manifest':
      return {
        id,
        manifest: {
          entries: frame.entries.map((e) => ({
            uid: e.uid,
            resourceVersion: e.resourceVersion,
            contentHash: e.contentHash,
          })),
          part: frame.part,
          complete: frame.complete,
        },
      };
    case 'syncComplete':
      return { id, syncComplete: { deletedUids: frame.deletedUids as string[], sentCount: frame.sentCount } };
    case 'twin':
      return {
        id,
        twin: {
          direction: TWIN_DIRECTION_NUMBER[frame.direction],
          namespace: frame.namespace,
          deviceId: frame.deviceId,
          properties: frame.properties.map((p) => ({
            name: p.name,
            value: p.value,
            timestampMs: p.timestampMs,
            metadataType: p.metadataType,
          })),
        },
      };
    case 'streamOpen':
      return {
        id,
        streamOpen: {
          streamId: frame.streamId,
          streamKind: frame.streamKind,
          namespace: frame.namespace,
          pod: frame.pod,
          container: frame.container,
          args: frame.args as string[],
          tty: frame.tty,
        },
      };
    case 'streamData':
      return { id, streamData: { streamId: frame.streamId, channel: frame.channel, data: frame.data } };
    case 'streamClose':
      return { id, streamClose: { streamId: frame.streamId, exitCode: frame.exitCode, reason: frame.reason } };
    case 'close':
      return { id, close: { code: CLOSE_CODE_NUMBER[frame.code], message: frame.message } };
    default: {
      const type: unknown = (frame as { type?: unknown }).type;
      throw new ProtocolError('UNKNOWN_FRAME_TYPE', `cannot encode frame type ${JSON.stringify(type)}`, {
        field: 'type',
      });
    }
  }
}
