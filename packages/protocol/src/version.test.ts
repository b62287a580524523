import { describe, expect, it } from 'vitest';
import { LOCAL_SUPPORT, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, negotiate, type ProtocolSupport } from './version';

const hello = (
  minProtocolVersion: number,
  protocolVersion: number,
  features: string[] = [],
  compression: string[] = [],
) => ({
  minProtocolVersion,
  protocolVersion,
  features,
  compression,
});
const cloud = (
  minProtocolVersion: number,
  protocolVersion: number,
  features: string[] = [],
  compression: string[] = [],
): ProtocolSupport => ({
  minProtocolVersion,
  protocolVersion,
  features,
  compression,
});

describe('negotiate', () => {
  it('speaks its own version with itself', () => {
    const result = negotiate({
      ...LOCAL_SUPPORT,
      features: [...LOCAL_SUPPORT.features],
      compression: [...LOCAL_SUPPORT.compression],
    });
    expect(result).toEqual({
      ok: true,
      negotiated: {
        protocolVersion: PROTOCOL_VERSION,
        features: LOCAL_SUPPORT.features,
        compression: 'permessage-deflate',
      },
    });
    expect(MIN_PROTOCOL_VERSION).toBeLessThanOrEqual(PROTOCOL_VERSION);
  });

  it('picks the highest common version', () => {
    expect(negotiate(hello(1, 3), cloud(2, 5))).toMatchObject({ ok: true, negotiated: { protocolVersion: 3 } });
    expect(negotiate(hello(2, 5), cloud(1, 4))).toMatchObject({ ok: true, negotiated: { protocolVersion: 4 } });
  });

  it('lets a newer edge fall back to an older cloud inside its range', () => {
    expect(negotiate(hello(1, 2), cloud(1, 1))).toMatchObject({ ok: true, negotiated: { protocolVersion: 1 } });
  });

  it('treats an unset minimum as the edge speaking only its version', () => {
    expect(negotiate(hello(0, 2), cloud(1, 3))).toMatchObject({ ok: true, negotiated: { protocolVersion: 2 } });
    expect(negotiate(hello(0, 2), cloud(1, 1)).ok).toBe(false);
  });

  it('fails with UNSUPPORTED_VERSION naming both ranges and who must upgrade', () => {
    const tooNew = negotiate(hello(3, 4), cloud(1, 2));
    expect(tooNew.ok || [tooNew.error.code, tooNew.error.message]).toEqual([
      'UNSUPPORTED_VERSION',
      'no common protocol version: edge speaks 3..4, cloud speaks 1..2; upgrade cloudcore',
    ]);
    const tooOld = negotiate(hello(1, 1), cloud(2, 3));
    expect(tooOld.ok || tooOld.error.message).toContain('edge speaks 1..1, cloud speaks 2..3; upgrade edgecore');
    const inverted = negotiate(hello(3, 2), cloud(1, 5));
    expect(inverted.ok || inverted.error.message).toContain('fix the edge version range');
  });

  it('keeps common features, ignores unknown ones, and picks the edge-preferred compression the cloud has', () => {
    const result = negotiate(
      hello(1, 1, ['streams', 'from-the-future', 'device-twin'], ['zstd', 'gzip', 'permessage-deflate']),
      cloud(1, 1, ['device-twin', 'streams'], ['permessage-deflate', 'gzip']),
    );
    expect(result).toEqual({
      ok: true,
      negotiated: { protocolVersion: 1, features: ['device-twin', 'streams'], compression: 'gzip' },
    });
    expect(negotiate(hello(1, 1, [], ['zstd']), cloud(1, 1, [], ['gzip']))).toMatchObject({
      ok: true,
      negotiated: { compression: '' },
    });
  });
});
