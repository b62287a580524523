import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors';
import { decodeProtobuf } from './protobuf';

/** Hand-encodes "k8s\0" + runtime.Unknown{typeMeta, raw}, as client-go frames a typed create. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const typeMeta = protobuf.Writer.create().uint32(10).string(apiVersion).uint32(18).string(kind).finish();
  const unknown = protobuf.Writer.create().uint32(10).bytes(typeMeta).uint32(18).bytes(raw).finish();
  return Buffer.concat([Buffer.from('k8s\0'), unknown]);
}

const mapEntry = (key: string, value: string) =>
  protobuf.Writer.create().uint32(10).string(key).uint32(18).string(value).finish();

describe('protobuf bodies', () => {
  it('decodes a ConfigMap as kubectl create configmap sends it', () => {
    const meta = protobuf.Writer.create()
      .uint32(10)
      .string('settings')
      .uint32(26)
      .string('')
      .uint32(90)
      .bytes(mapEntry('app', 'web'))
      .finish();
    const cm = protobuf.Writer.create()
      .uint32(10)
      .bytes(meta)
      .uint32(18)
      .bytes(mapEntry('mode', 'fast'))
      .uint32(32)
      .bool(false)
      .finish();
    expect(decodeProtobuf(envelope('v1', 'ConfigMap', cm))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', labels: { app: 'web' } },
      data: { mode: 'fast' },
    });
  });

  it('turns IntOrString, zero-valued scalars and Secret bytes into their JSON forms', () => {
    const targetPort = protobuf.Writer.create().uint32(8).int64(1).uint32(26).string('http').finish();
    const port = protobuf.Writer.create()
      .uint32(24)
      .int32(80)
      .uint32(34)
      .bytes(targetPort)
      .uint32(40)
      .int32(0)
      .finish();
    const spec = protobuf.Writer.create()
      .uint32(10)
      .bytes(port)
      .uint32(26)
      .string('')
      .uint32(34)
      .string('NodePort')
      .finish();
    const meta = protobuf.Writer.create().uint32(10).string('web').finish();
    const svc = protobuf.Writer.create().uint32(10).bytes(meta).uint32(18).bytes(spec).finish();
    expect(decodeProtobuf(envelope('v1', 'Service', svc))).toMatchObject({
      spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] },
    });
    const secretEntry = protobuf.Writer.create().uint32(10).string('pw').uint32(18).bytes(Buffer.from('x')).finish();
    const secret = protobuf.Writer.create().uint32(10).bytes(meta).uint32(18).bytes(secretEntry).finish();
    expect(decodeProtobuf(envelope('v1', 'Secret', secret))).toMatchObject({ data: { pw: 'eA==' } });
  });

  it('rejects bodies without the prefix (400) and kinds it does not decode (415)', () => {
    expect(() => decodeProtobuf(Buffer.from('{}'))).toThrow(ApiError);
    try {
      decodeProtobuf(envelope('batch/v1', 'Job', new Uint8Array()));
      expect.fail('decoded a Job');
    } catch (error) {
      expect((error as ApiError).httpCode).toBe(415);
    }
  });
});
