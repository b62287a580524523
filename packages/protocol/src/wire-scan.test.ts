import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from './codec';
import { kedge } from './generated/frames';
import { LAST_KNOWN_PAYLOAD_FIELD, LIST_FIELDS } from './wire-scan';

const PROTO = fileURLToPath(new URL('../proto/kedge/v1/frames.proto', import.meta.url));
const NUMERIC = new Set([
  'uint32',
  'int32',
  'sint32',
  'fixed32',
  'sfixed32',
  'uint64',
  'int64',
  'bool',
  'double',
  'float',
]);

describe('wire scan', () => {
  it('knows every repeated field of every payload in frames.proto', () => {
    const root = protobuf.loadSync(PROTO);
    const frame = root.lookupType('kedge.v1.Frame');
    const expected = new Map<string, boolean>();
    for (const field of frame.oneofs.payload?.fieldsArray ?? []) {
      field.resolve();
      const payload = field.resolvedType as protobuf.Type;
      for (const inner of payload.fieldsArray)
        if (inner.repeated) expected.set(`${field.id}:${inner.id}`, NUMERIC.has(inner.type));
    }
    const actual = new Map([...LIST_FIELDS].map(([key, list]) => [key, list.packedVarints]));
    expect(actual).toEqual(expected);
    expect(Math.max(...(frame.oneofs.payload?.fieldsArray ?? []).map((f) => f.id))).toBe(LAST_KNOWN_PAYLOAD_FIELD);
  });

  it('rejects a 4 MiB manifest of two million empty entries before decoding them', () => {
    const entries = 2 * 1024 * 1024 - 8;
    const inner = new Uint8Array(entries * 2);
    for (let i = 0; i < inner.length; i += 2) inner[i] = 0x0a; // field 1, wire type 2, length 0
    const writer = kedge.v1.Frame.encode({ id: 1 });
    writer.uint32((6 << 3) | 2).bytes(inner);
    const bytes = writer.finish();
    expect(bytes.length).toBeLessThanOrEqual(4 * 1024 * 1024);
    const result = decodeFrame(bytes);
    expect(result.ok || [result.error.code, result.error.field, result.error.actual]).toEqual([
      'LIST_TOO_LONG',
      'manifest.entries',
      10_001,
    ]);
  });

  it('rejects packed ack ids beyond the limit by counting varints', () => {
    const writer = kedge.v1.Frame.encode({ id: 1 });
    writer
      .uint32((5 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .bytes(new Uint8Array(20_000).fill(1))
      .ldelim();
    const result = decodeFrame(writer.finish());
    expect(result.ok || [result.error.code, result.error.field]).toEqual(['LIST_TOO_LONG', 'ack.ids']);
  });

  it('turns deep or group-encoded input into MALFORMED, not a crash', () => {
    const groups = new Uint8Array(4 * 1024 * 1024).fill(0x0b); // field 1, start group, repeated
    expect(decodeFrame(groups).ok || decodeFrame(groups)).toMatchObject({ ok: false, error: { code: 'MALFORMED' } });
    // A status key holding 200,000 nested groups of an unknown field, which protobufjs skips recursively.
    const deep = new Uint8Array(200_000).fill(0x3b); // field 7, start group
    const writer = kedge.v1.Frame.encode({ id: 1 });
    writer
      .uint32((8 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .bytes(deep)
      .ldelim();
    const result = decodeFrame(writer.finish());
    expect(result.ok || result.error.code).toBe('MALFORMED');
  });
});
