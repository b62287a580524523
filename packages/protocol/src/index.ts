/**
 * @kedge/protocol: the cloud <-> edge channel's frames, codec, limits,
 * versions, object keys, wire trimming and join/bootstrap definitions.
 *
 * @example
 * import { decodeFrame, encodeFrame, trimForWire, withDefaults, type Frame } from '@kedge/protocol';
 *
 * const limits = withDefaults({ maxFrameBytes: 1024 * 1024 }); // once per connection
 * const body = new TextEncoder().encode(JSON.stringify(trimForWire(pod)));
 * const frame: Frame = {
 *   id: 42, type: 'object', eventType: 'ADDED', kind: 'Pod', apiVersion: 'v1',
 *   namespace: 'default', name: 'web-0', uid: pod.metadata.uid, resourceVersion: '1234', body,
 *   contentHash: '',
 * };
 * socket.send(encodeFrame(frame));
 *
 * socket.on('message', (data: Buffer) => {
 *   const result = decodeFrame(data, limits);
 *   if (!result.ok) return closeWith(result.error.code, result.error.message); // typed ProtocolError
 *   if (result.frame.type === 'object') store(result.frame); // narrowed to ObjectFrame
 * });
 */
export type {
  AckFrame,
  CloseCode,
  CloseFrame,
  EventType,
  Frame,
  FrameOf,
  FramePayload,
  FrameType,
  HelloFrame,
  ManifestEntry,
  ManifestFrame,
  ObjectFrame,
  StatusAckEntry,
  StatusAckFrame,
  StatusFrame,
  StatusKind,
  StreamCloseFrame,
  StreamDataFrame,
  StreamOpenFrame,
  SyncCompleteFrame,
  TwinDirection,
  TwinFrame,
  TwinProperty,
  WelcomeFrame,
} from './frames';
export { CLOSE_CODES, EVENT_TYPES, STATUS_KINDS, TWIN_DIRECTIONS } from './frames';
export { decodeFrame, encodeFrame, type DecodeResult } from './codec';
export { validateFrame } from './validate';
export { DEFAULT_FRAME_LIMITS, withDefaults, type FrameLimits } from './limits';
export { ProtocolError, type ProtocolErrorCode, type ProtocolErrorContext } from './errors';
export {
  COMPRESSION,
  FEATURES,
  LOCAL_SUPPORT,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  negotiate,
  type Compression,
  type Negotiated,
  type NegotiateResult,
  type ProtocolSupport,
} from './version';
export { formatObjectKey, parseObjectKey, sameObjectKey, type ObjectKey, type ObjectKeyResult } from './object-key';
export { trimForWire } from './trim';
export { contentHash, manifestDigest } from './resume';
export {
  DEFAULT_TOKEN_TTL_MS,
  JOIN_PATH,
  caHashFromPem,
  formatToken,
  generateToken,
  hashTokenSecret,
  parseJoinRequest,
  parseJoinResponse,
  parseToken,
  tokenSecretMatches,
  validateCaHash,
  validateNodeName,
  verifyCaHash,
  type BootstrapToken,
  type JoinRequest,
  type JoinRequestResult,
  type JoinResponse,
  type JoinResponseResult,
  type TokenResult,
} from './join';
