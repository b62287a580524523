/**
 * Checks a frame against the limits and its required fields. decodeFrame runs
 * it on every decoded frame; senders may run it before encodeFrame.
 */
import { ProtocolError } from './errors';
import type { Frame } from './frames';
import { DEFAULT_FRAME_LIMITS, withDefaults, type FrameLimits } from './limits';
import type { ObjectKey } from './object-key';

class Checker {
  constructor(readonly limits: FrameLimits) {}

  /** A string no longer than maxStringLength; required ones must not be empty. */
  text(value: string, field: string, required = false): void {
    this.length(value.length, this.limits.maxStringLength, 'maxStringLength', field);
    if (required && value === '') throw missing(field);
  }

  name(value: string, field: string, required = false): void {
    this.length(value.length, this.limits.maxNameLength, 'maxNameLength', field);
    if (required && value === '') throw missing(field);
  }

  bytes(value: Uint8Array, limit: 'maxBodyBytes' | 'maxStreamDataBytes', field: string): void {
    this.length(value.length, this.limits[limit], limit, field);
  }

  list(length: number, field: string, limit: 'maxListEntries' | 'maxManifestEntries' = 'maxListEntries'): void {
    const max = this.limits[limit];
    if (length > max) {
      throw new ProtocolError('LIST_TOO_LONG', `${field} has ${length} entries, more than ${limit} ${max}`, {
        field,
        limit: max,
        actual: length,
      });
    }
  }

  positive(value: number, field: string): void {
    if (value === 0) throw missing(field);
  }

  key(key: ObjectKey, field: string): void {
    this.text(key.kind, `${field}.kind`, true);
    this.name(key.namespace, `${field}.namespace`);
    this.name(key.name, `${field}.name`, true);
  }

  private length(actual: number, max: number, limit: string, field: string): void {
    if (actual > max) {
      throw new ProtocolError('FIELD_TOO_LONG', `${field} is ${actual} long, more than ${limit} ${max}`, {
        field,
        limit: max,
        actual,
      });
    }
  }
}

const missing = (field: string): ProtocolError =>
  new ProtocolError('MISSING_FIELD', `${field} is required but empty`, { field });

function checkPayload(c: Checker, f: Frame): void {
  switch (f.type) {
    case 'object':
      c.text(f.kind, 'object.kind', true);
      c.text(f.apiVersion, 'object.apiVersion', true);
      c.name(f.namespace, 'object.namespace');
      c.name(f.name, 'object.name', true);
      c.text(f.uid, 'object.uid', true);
      c.text(f.resourceVersion, 'object.resourceVersion', true);
      c.text(f.contentHash, 'object.contentHash');
      c.bytes(f.body, 'maxBodyBytes', 'object.body');
      if (f.eventType !== 'DELETED' && f.body.length === 0) throw missing('object.body');
      return;
    case 'status':
      c.key(f.key, 'status.key');
      c.text(f.uid, 'status.uid');
      c.positive(f.sequence, 'status.sequence');
      c.bytes(f.body, 'maxBodyBytes', 'status.body');
      return;
    case 'ack':
      c.list(f.ids.length, 'ack.ids');
      if (f.ids.length === 0) throw missing('ack.ids');
      return;
    case 'statusAck':
      c.list(f.entries.length, 'statusAck.entries');
      if (f.entries.length === 0) throw missing('statusAck.entries');
      f.entries.forEach((e, i) => {
        c.key(e.key, `statusAck.entries[${i}].key`);
        c.positive(e.sequence, `statusAck.entries[${i}].sequence`);
      });
      return;
    case 'hello':
      c.positive(f.protocolVersion, 'hello.protocolVersion');
      c.list(f.features.length, 'hello.features');
      f.features.forEach((s, i) => c.text(s, `hello.features[${i}]`, true));
      c.list(f.compression.length, 'hello.compression');
      f.compression.forEach((s, i) => c.text(s, `hello.compression[${i}]`, true));
      c.name(f.nodeName, 'hello.nodeName');
      c.text(f.agentVersion, 'hello.agentVersion');
      c.text(f.manifestDigest, 'hello.manifestDigest');
      return;
    case 'welcome':
      c.positive(f.protocolVersion, 'welcome.protocolVersion');
      c.list(f.features.length, 'welcome.features');
      f.features.forEach((s, i) => c.text(s, `welcome.features[${i}]`, true));
      c.text(f.compression, 'welcome.compression');
      c.positive(f.heartbeatIntervalMs, 'welcome.heartbeatIntervalMs');
      c.text(f.serverId, 'welcome.serverId');
      return;
    case 'manifest':
      c.list(f.entries.length, 'manifest.entries', 'maxManifestEntries');
      f.entries.forEach((e, i) => {
        c.text(e.uid, `manifest.entries[${i}].uid`, true);
        c.text(e.resourceVersion, `manifest.entries[${i}].resourceVersion`, true);
        c.text(e.contentHash, `manifest.entries[${i}].contentHash`);
      });
      return;
    case 'syncComplete':
      c.list(f.deletedUids.length, 'syncComplete.deletedUids');
      f.deletedUids.forEach((uid, i) => c.text(uid, `syncComplete.deletedUids[${i}]`, true));
      return;
    case 'twin':
      c.name(f.namespace, 'twin.namespace');
      c.name(f.deviceId, 'twin.deviceId', true);
      c.list(f.properties.length, 'twin.properties');
      f.properties.forEach((p, i) => {
        c.text(p.name, `twin.properties[${i}].name`, true);
        c.text(p.value, `twin.properties[${i}].value`);
        c.text(p.metadataType, `twin.properties[${i}].metadataType`);
      });
      return;
    case 'streamOpen':
      c.positive(f.streamId, 'streamOpen.streamId');
      c.text(f.streamKind, 'streamOpen.streamKind', true);
      c.name(f.namespace, 'streamOpen.namespace');
      c.name(f.pod, 'streamOpen.pod', true);
      c.name(f.container, 'streamOpen.container');
      c.list(f.args.length, 'streamOpen.args');
      f.args.forEach((a, i) => c.text(a, `streamOpen.args[${i}]`));
      return;
    case 'streamData':
      c.positive(f.streamId, 'streamData.streamId');
      c.bytes(f.data, 'maxStreamDataBytes', 'streamData.data');
      return;
    case 'streamClose':
      c.positive(f.streamId, 'streamClose.streamId');
      c.text(f.reason, 'streamClose.reason');
      return;
    case 'close':
      c.text(f.message, 'close.message');
      return;
  }
}

/** Returns the first problem found, or undefined when the frame is within limits and complete. */
export function validateFrame(
  frame: Frame,
  limits: Partial<FrameLimits> = DEFAULT_FRAME_LIMITS,
): ProtocolError | undefined {
  try {
    checkPayload(new Checker(withDefaults(limits)), frame);
    return undefined;
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
}
