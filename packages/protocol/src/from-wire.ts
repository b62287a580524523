/**
 * Generated message -> public frame. Bytes fields are views into the decoded
 * buffer, not copies; lists are copied because protobufjs shares one frozen
 * empty array as the default.
 */
import { kedge } from './generated/frames';
import { ProtocolError } from './errors';
import { CLOSE_CODES, EVENT_TYPES, STATUS_KINDS, TWIN_DIRECTIONS, type Frame } from './frames';
import type { ObjectKey } from './object-key';

import pb = kedge.v1;

function enumValue<T>(values: readonly T[], wire: number | null | undefined, field: string): T {
  const value = values[(wire ?? 0) - 1];
  if (value === undefined) {
    throw new ProtocolError(
      wire ? 'MALFORMED' : 'MISSING_FIELD',
      `${field} is ${wire ? `the unknown value ${wire}` : 'unset'}`,
      { field },
    );
  }
  return value;
}

const keyFromWire = (key: pb.IObjectKey | null | undefined): ObjectKey => ({
  kind: key?.kind ?? '',
  namespace: key?.namespace ?? '',
  name: key?.name ?? '',
});

/**
 * Generated message -> public frame, or undefined when no payload this version
 * knows is set. Throws ProtocolError for enum values out of range.
 */
export function fromWire(m: pb.Frame): Frame | undefined {
  const id = m.id;
  switch (m.payload) {
    case 'object': {
      const o = m.object as pb.ObjectEvent;
      return {
        id,
        type: 'object',
        eventType: enumValue(EVENT_TYPES, o.eventType, 'object.eventType'),
        kind: o.kind,
        apiVersion: o.apiVersion,
        namespace: o.namespace,
        name: o.name,
        uid: o.uid,
        resourceVersion: o.resourceVersion,
        body: o.body,
        contentHash: o.contentHash,
      };
    }
    case 'status': {
      const s = m.status as pb.StatusUpdate;
      return {
        id,
        type: 'status',
        statusKind: enumValue(STATUS_KINDS, s.statusKind, 'status.statusKind'),
        key: keyFromWire(s.key),
        uid: s.uid,
        sequence: s.sequence,
        body: s.body,
      };
    }
    case 'ack':
      return { id, type: 'ack', ids: [...(m.ack as pb.Ack).ids] };
    case 'statusAck':
      return {
        id,
        type: 'statusAck',
        entries: (m.statusAck as pb.StatusAck).entries.map((e) => ({
          key: keyFromWire(e.key),
          sequence: e.sequence ?? 0,
        })),
      };
    case 'hello': {
      const h = m.hello as pb.Hello;
      return {
        id,
        type: 'hello',
        protocolVersion: h.protocolVersion,
        minProtocolVersion: h.minProtocolVersion,
        features: [...h.features],
        compression: [...h.compression],
        nodeName: h.nodeName,
        agentVersion: h.agentVersion,
        manifestDigest: h.manifestDigest,
      };
    }
    case 'welcome': {
      const w = m.welcome as pb.Welcome;
      return {
        id,
        type: 'welcome',
        protocolVersion: w.protocolVersion,
        features: [...w.features],
        compression: w.compression,
        heartbeatIntervalMs: w.heartbeatIntervalMs,
        serverId: w.serverId,
        manifestDigestMatched: w.manifestDigestMatched,
      };
    }
    case 'manifest': {
      const r = m.manifest as pb.ResumeManifest;
      return {
        id,
        type: 'manifest',
        entries: r.entries.map((e) => ({
          uid: e.uid ?? '',
          resourceVersion: e.resourceVersion ?? '',
          contentHash: e.contentHash ?? '',
        })),
        part: r.part,
        complete: r.complete,
      };
    }
    case 'syncComplete': {
      const c = m.syncComplete as pb.SyncComplete;
      return { id, type: 'syncComplete', deletedUids: [...c.deletedUids], sentCount: c.sentCount };
    }
    case 'twin': {
      const t = m.twin as pb.TwinUpdate;
      return {
        id,
        type: 'twin',
        direction: enumValue(TWIN_DIRECTIONS, t.direction, 'twin.direction'),
        namespace: t.namespace,
        deviceId: t.deviceId,
        properties: t.properties.map((p) => ({
          name: p.name ?? '',
          value: p.value ?? '',
          timestampMs: p.timestampMs ?? 0,
          metadataType: p.metadataType ?? '',
        })),
      };
    }
    case 'streamOpen': {
      const s = m.streamOpen as pb.StreamOpen;
      return {
        id,
        type: 'streamOpen',
        streamId: s.streamId,
        streamKind: s.streamKind,
        namespace: s.namespace,
        pod: s.pod,
        container: s.container,
        args: [...s.args],
        tty: s.tty,
      };
    }
    case 'streamData': {
      const d = m.streamData as pb.StreamData;
      return { id, type: 'streamData', streamId: d.streamId, channel: d.channel, data: d.data };
    }
    case 'streamClose': {
      const c = m.streamClose as pb.StreamClose;
      return { id, type: 'streamClose', streamId: c.streamId, exitCode: c.exitCode, reason: c.reason };
    }
    case 'close': {
      const c = m.close as pb.Close;
      return { id, type: 'close', code: enumValue(CLOSE_CODES, c.code, 'close.code'), message: c.message };
    }
    default:
      return undefined;
  }
}
