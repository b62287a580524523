/**
 * A bounded walk over the wire format before the real decode. protobufjs
 * builds one object per repeated entry, so a 4 MiB frame of 2-byte entries
 * would become two million objects; counting the entries first keeps decoded
 * memory proportional to the limits, not to what a hostile peer sends.
 */
import { ProtocolError } from './errors';
import type { FrameLimits } from './limits';

interface ListField {
  readonly path: string;
  readonly limit: 'maxManifestEntries' | 'maxListEntries';
  /** Numeric lists may arrive packed: one length-delimited run of varints. */
  readonly packedVarints: boolean;
}

/** Key: `${payloadFieldNumber}:${listFieldNumber}` as numbered in frames.proto. */
export const LIST_FIELDS: ReadonlyMap<string, ListField> = new Map([
  ['2:3', { path: 'hello.features', limit: 'maxListEntries', packedVarints: false }],
  ['2:4', { path: 'hello.compression', limit: 'maxListEntries', packedVarints: false }],
  ['3:2', { path: 'welcome.features', limit: 'maxListEntries', packedVarints: false }],
  ['5:1', { path: 'ack.ids', limit: 'maxListEntries', packedVarints: true }],
  ['6:1', { path: 'manifest.entries', limit: 'maxManifestEntries', packedVarints: false }],
  ['7:1', { path: 'syncComplete.deletedUids', limit: 'maxListEntries', packedVarints: false }],
  ['9:1', { path: 'statusAck.entries', limit: 'maxListEntries', packedVarints: false }],
  ['10:4', { path: 'twin.properties', limit: 'maxListEntries', packedVarints: false }],
  ['11:6', { path: 'streamOpen.args', limit: 'maxListEntries', packedVarints: false }],
] as const);

/** Payload field numbers that hold a list; other payloads are skipped whole. */
const LIST_PAYLOADS = new Set([...LIST_FIELDS.keys()].map((key) => Number(key.split(':')[0])));

/** Highest payload field number this version knows (Frame.close). */
export const LAST_KNOWN_PAYLOAD_FIELD = 14;

const malformed = (why: string): ProtocolError => new ProtocolError('MALFORMED', `frame is not valid protobuf: ${why}`);

class Cursor {
  pos: number;
  /** Where the value of the last skipped field starts (after the length, for wire type 2). */
  valueStart = 0;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** Reads a varint of up to 35 bits as a number (enough for tags and lengths). */
  varint(): number {
    let value = 0;
    // A multiplier rather than bit shifts: 35 bits do not fit a 32-bit shift.
    for (let scale = 1; scale < 2 ** 35; scale *= 128) {
      if (this.pos >= this.end) throw malformed('truncated varint');
      const byte = this.buf[this.pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    throw malformed('varint longer than 5 bytes');
  }

  /** Skips a field's value; returns where it ends and sets valueStart. */
  skip(wireType: number): number {
    this.valueStart = this.pos;
    switch (wireType) {
      case 0:
        for (let i = 0; i < 10; i++) {
          if (this.pos >= this.end) throw malformed('truncated varint');
          if ((this.buf[this.pos++] as number) < 0x80) return this.pos;
        }
        throw malformed('varint longer than 10 bytes');
      case 1:
        return this.advance(8);
      case 2: {
        const length = this.varint();
        this.valueStart = this.pos;
        return this.advance(length);
      }
      case 5:
        return this.advance(4);
      default:
        throw malformed(`wire type ${wireType} is not used by kedge.v1`);
    }
  }

  private advance(length: number): number {
    if (length > this.end - this.pos) throw malformed('length runs past the end of the frame');
    this.pos += length;
    return this.pos;
  }
}

function scanPayload(buf: Uint8Array, start: number, end: number, payload: number, limits: FrameLimits): void {
  const counts = new Map<number, number>();
  const cursor = new Cursor(buf, start, end);
  while (cursor.pos < end) {
    const tag = cursor.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    const valueEnd = cursor.skip(wireType);
    const valueStart = cursor.valueStart;
    const list = LIST_FIELDS.get(`${payload}:${field}`);
    if (!list) continue;
    let count = (counts.get(field) ?? 0) + 1;
    if (list.packedVarints && wireType === 2) {
      count -= 1;
      for (let i = valueStart; i < valueEnd; i++) if ((buf[i] as number) < 0x80) count++;
    }
    counts.set(field, count);
    const max = limits[list.limit];
    if (count > max) {
      throw new ProtocolError('LIST_TOO_LONG', `${list.path} has more than ${max} entries (limit ${list.limit})`, {
        field: list.path,
        limit: max,
        actual: count,
      });
    }
  }
}

/**
 * Checks the framing of the top level and counts list entries of list-bearing
 * payloads. Returns the error or undefined; never throws.
 */
export function scanFrame(buf: Uint8Array, limits: FrameLimits): ProtocolError | undefined {
  try {
    const cursor = new Cursor(buf, 0, buf.length);
    while (cursor.pos < buf.length) {
      const tag = cursor.varint();
      const field = Math.floor(tag / 8);
      if (field === 0) throw malformed('field number 0');
      const end = cursor.skip(tag & 7);
      if ((tag & 7) === 2 && LIST_PAYLOADS.has(field)) scanPayload(buf, cursor.valueStart, end, field, limits);
    }
    return undefined;
  } catch (err) {
    return err instanceof ProtocolError ? err : malformed(String(err));
  }
}

/** The first payload field number above what this version knows, or 0. Used only when no known payload decoded. */
export function unknownPayloadField(buf: Uint8Array): number {
  try {
    const cursor = new Cursor(buf, 0, buf.length);
    while (cursor.pos < buf.length) {
      const tag = cursor.varint();
      cursor.skip(tag & 7);
      if (Math.floor(tag / 8) > LAST_KNOWN_PAYLOAD_FIELD) return Math.floor(tag / 8);
    }
  } catch {
    // Already scanned by scanFrame; a failure here just means "none found".
  }
  return 0;
}
