/**
 * Protocol versions and feature negotiation. The edge says which versions it
 * speaks in hello; the cloud picks the highest one both speak and answers in
 * welcome, or closes with UNSUPPORTED_VERSION.
 */
import { ProtocolError } from './errors';
import type { HelloFrame } from './frames';

/** The version this build speaks best. */
export const PROTOCOL_VERSION = 1;
/** The oldest version this build still speaks. */
export const MIN_PROTOCOL_VERSION = 1;

/** Compression names offered in hello.compression; the channel implements them. */
export const COMPRESSION = Object.freeze({
  /** WebSocket permessage-deflate (RFC 7692), negotiated in the upgrade; this entry says both ends want it. */
  permessageDeflate: 'permessage-deflate',
  /** Each binary message is one gzip member holding one encoded frame. */
  gzip: 'gzip',
} as const);
export type Compression = (typeof COMPRESSION)[keyof typeof COMPRESSION];

/** Feature flags of version 1; unknown ones are ignored by negotiate. */
export const FEATURES = Object.freeze({
  /** Device twin frames (desired and reported). */
  deviceTwin: 'device-twin',
  /** streamOpen/streamData/streamClose for logs and exec. */
  streams: 'streams',
} as const);

/** What one side supports. */
export interface ProtocolSupport {
  readonly minProtocolVersion: number;
  readonly protocolVersion: number;
  readonly features: readonly string[];
  /** Compression names this side implements, most preferred first. */
  readonly compression: readonly string[];
}

/** This build's own support: all of FEATURES and COMPRESSION. */
export const LOCAL_SUPPORT: ProtocolSupport = Object.freeze({
  minProtocolVersion: MIN_PROTOCOL_VERSION,
  protocolVersion: PROTOCOL_VERSION,
  features: Object.freeze(Object.values(FEATURES)),
  compression: Object.freeze(Object.values(COMPRESSION)),
});

export interface Negotiated {
  readonly protocolVersion: number;
  /** Features both sides named, in the cloud's order. */
  readonly features: readonly string[];
  /** The edge's most preferred compression the cloud supports, '' for none. */
  readonly compression: string;
}

export type NegotiateResult = { ok: true; negotiated: Negotiated } | { ok: false; error: ProtocolError };

const range = (s: { minProtocolVersion: number; protocolVersion: number }): string =>
  `${s.minProtocolVersion}..${s.protocolVersion}`;

/**
 * Chooses the highest version in both [min..current] ranges (a newer edge
 * falls back to the cloud's version when its range reaches down to it), the
 * common features, and the compression. Fails with UNSUPPORTED_VERSION naming
 * both ranges when they do not overlap.
 */
export function negotiate(
  edgeHello: Pick<HelloFrame, 'protocolVersion' | 'minProtocolVersion' | 'features' | 'compression'>,
  cloudSupport: ProtocolSupport = LOCAL_SUPPORT,
): NegotiateResult {
  const edgeMin = edgeHello.minProtocolVersion || edgeHello.protocolVersion;
  const edge = { minProtocolVersion: edgeMin, protocolVersion: edgeHello.protocolVersion };
  const chosen = Math.min(edge.protocolVersion, cloudSupport.protocolVersion);
  const floor = Math.max(edge.minProtocolVersion, cloudSupport.minProtocolVersion);
  if (edge.minProtocolVersion > edge.protocolVersion || chosen < floor || chosen < 1) {
    const advice =
      edge.minProtocolVersion > cloudSupport.protocolVersion
        ? 'upgrade cloudcore'
        : edge.protocolVersion < cloudSupport.minProtocolVersion
          ? 'upgrade edgecore'
          : 'fix the edge version range';
    return {
      ok: false,
      error: new ProtocolError(
        'UNSUPPORTED_VERSION',
        `no common protocol version: edge speaks ${range(edge)}, cloud speaks ${range(cloudSupport)}; ${advice}`,
        { field: 'hello.protocolVersion' },
      ),
    };
  }
  const edgeFeatures = new Set(edgeHello.features);
  const compression = edgeHello.compression.find((name) => cloudSupport.compression.includes(name)) ?? '';
  return {
    ok: true,
    negotiated: {
      protocolVersion: chosen,
      features: cloudSupport.features.filter((f) => edgeFeatures.has(f)),
      compression,
    },
  };
}
