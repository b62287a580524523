/**
 * The public face of the channel: one discriminated union per WebSocket
 * message. Generated protobuf classes never leave this package; codec.ts maps
 * between them and these plain objects. Field meanings: proto/kedge/v1/frames.proto.
 */
import type { ObjectKey } from './object-key';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export const EVENT_TYPES: readonly EventType[] = ['ADDED', 'MODIFIED', 'DELETED'];

export type StatusKind = 'podStatus' | 'nodeStatus' | 'podDeleted' | 'deviceTwinReported';
export const STATUS_KINDS: readonly StatusKind[] = ['podStatus', 'nodeStatus', 'podDeleted', 'deviceTwinReported'];

export type TwinDirection = 'desired' | 'reported';
export const TWIN_DIRECTIONS: readonly TwinDirection[] = ['desired', 'reported'];

export type CloseCode =
  | 'NORMAL'
  | 'GOING_AWAY'
  | 'PROTOCOL_ERROR'
  | 'UNSUPPORTED_VERSION'
  | 'UNAUTHORIZED'
  | 'FRAME_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'REPLACED'
  | 'INTERNAL_ERROR';
export const CLOSE_CODES: readonly CloseCode[] = [
  'NORMAL',
  'GOING_AWAY',
  'PROTOCOL_ERROR',
  'UNSUPPORTED_VERSION',
  'UNAUTHORIZED',
  'FRAME_TOO_LARGE',
  'RATE_LIMITED',
  'REPLACED',
  'INTERNAL_ERROR',
];

/** edge -> cloud, first frame. nodeName is advisory: identity is the TLS client certificate. */
export interface HelloFrame {
  readonly type: 'hello';
  readonly protocolVersion: number;
  /** Oldest version the edge still speaks; 0 means only protocolVersion. */
  readonly minProtocolVersion: number;
  readonly features: readonly string[];
  /** Compression algorithms the edge accepts, most preferred first (see COMPRESSION_*). */
  readonly compression: readonly string[];
  readonly nodeName: string;
  readonly agentVersion: string;
  /** manifestDigest() of what the edge holds; '' when it sends its full manifest unasked. */
  readonly manifestDigest: string;
}

/** cloud -> edge, reply to hello. */
export interface WelcomeFrame {
  readonly type: 'welcome';
  readonly protocolVersion: number;
  readonly features: readonly string[];
  /** Chosen compression, '' for none. */
  readonly compression: string;
  readonly heartbeatIntervalMs: number;
  readonly serverId: string;
  /** hello's manifestDigest matched what the cloud binds to the node: no manifest follows. */
  readonly manifestDigestMatched: boolean;
}

/** cloud -> edge. The edge stores it, then sends an ack naming this frame's id. */
export interface ObjectFrame {
  readonly type: 'object';
  readonly eventType: EventType;
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  /** The object as UTF-8 JSON, trimmed with trimForWire. */
  readonly body: Uint8Array;
  /** Opaque token of the body apart from its resourceVersion ('' for none); the edge returns it in its manifest. */
  readonly contentHash: string;
}

/** Acknowledges object and twin frames by frame id. */
export interface AckFrame {
  readonly type: 'ack';
  readonly ids: readonly number[];
}

export interface ManifestEntry {
  readonly uid: string;
  readonly resourceVersion: string;
  /** contentHash of the object frame last stored for the uid, '' when unknown. */
  readonly contentHash: string;
}

/** edge -> cloud after welcome: what the edge holds, in parts numbered from 0. */
export interface ManifestFrame {
  readonly type: 'manifest';
  readonly entries: readonly ManifestEntry[];
  readonly part: number;
  /** True on the last part. */
  readonly complete: boolean;
}

/** cloud -> edge after the difference to the manifest was sent. */
export interface SyncCompleteFrame {
  readonly type: 'syncComplete';
  /** Objects the edge holds that are no longer bound to it. */
  readonly deletedUids: readonly string[];
  /** Number of object frames sent as the difference. */
  readonly sentCount: number;
}

/** edge -> cloud, coalesced per key; sequence grows per key. */
export interface StatusFrame {
  readonly type: 'status';
  readonly statusKind: StatusKind;
  readonly key: ObjectKey;
  /** uid of the object the status belongs to, '' when unknown. */
  readonly uid: string;
  readonly sequence: number;
  readonly body: Uint8Array;
}

export interface StatusAckEntry {
  readonly key: ObjectKey;
  /** Acks every status of the key up to and including this sequence. */
  readonly sequence: number;
}

/** cloud -> edge. */
export interface StatusAckFrame {
  readonly type: 'statusAck';
  readonly entries: readonly StatusAckEntry[];
}

export interface TwinProperty {
  readonly name: string;
  readonly value: string;
  readonly timestampMs: number;
  /** Value type as in the DeviceModel: "int", "float", "string", ... */
  readonly metadataType: string;
}

/** Desired values cloud -> edge, reported values edge -> cloud; acked by id. */
export interface TwinFrame {
  readonly type: 'twin';
  readonly direction: TwinDirection;
  readonly namespace: string;
  /** The Device object's name. */
  readonly deviceId: string;
  readonly properties: readonly TwinProperty[];
}

export interface StreamOpenFrame {
  readonly type: 'streamOpen';
  readonly streamId: number;
  /** 'logs' or 'exec'. */
  readonly streamKind: string;
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly args: readonly string[];
  readonly tty: boolean;
}

export interface StreamDataFrame {
  readonly type: 'streamData';
  readonly streamId: number;
  /** 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize. */
  readonly channel: number;
  readonly data: Uint8Array;
}

export interface StreamCloseFrame {
  readonly type: 'streamClose';
  readonly streamId: number;
  readonly exitCode: number;
  readonly reason: string;
}

/** Sent just before closing the WebSocket, so the peer learns why. */
export interface CloseFrame {
  readonly type: 'close';
  readonly code: CloseCode;
  readonly message: string;
}

export type FramePayload =
  | HelloFrame
  | WelcomeFrame
  | ObjectFrame
  | AckFrame
  | ManifestFrame
  | SyncCompleteFrame
  | StatusFrame
  | StatusAckFrame
  | TwinFrame
  | StreamOpenFrame
  | StreamDataFrame
  | StreamCloseFrame
  | CloseFrame;

/** One WebSocket message. `id` correlates acks and replies (uint32, 0 when none is expected). */
export type Frame = { readonly id: number } & FramePayload;

export type FrameType = Frame['type'];

/** The frame of one type: `FrameOf<'object'>`. */
export type FrameOf<T extends FrameType> = Extract<Frame, { type: T }>;
