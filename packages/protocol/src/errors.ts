/**
 * Stable codes of everything @kedge/protocol rejects. docs/protocol.md lists
 * them with their fixes; callers switch on `code`, never on the message.
 */
export type ProtocolErrorCode =
  /** decodeFrame: the buffer is larger than limits.maxFrameBytes. */
  | 'FRAME_TOO_LARGE'
  /** decodeFrame: the bytes are not a valid Frame (bad wire format, bad enum, truncated). */
  | 'MALFORMED'
  /** decodeFrame: a payload case this side does not know (newer peer); encodeFrame: unknown `type`. */
  | 'UNKNOWN_FRAME_TYPE'
  /** A string or bytes field is longer than its limit. */
  | 'FIELD_TOO_LONG'
  /** A list has more entries than its limit. */
  | 'LIST_TOO_LONG'
  /** A required field is empty. */
  | 'MISSING_FIELD'
  /** negotiate: no protocol version both sides speak. */
  | 'UNSUPPORTED_VERSION'
  /** parseToken: not a bootstrap token of the form [a-z0-9]{6}.[a-z0-9]{16}. */
  | 'INVALID_TOKEN'
  /** validateNodeName: not a DNS-1123 subdomain. */
  | 'INVALID_NODE_NAME'
  /** parseCaHash / caHashFromPem: not `sha256:<64 hex>` or not a PEM certificate. */
  | 'INVALID_CA_HASH'
  /** withDefaults: a frame limit that is unknown or not a positive integer. */
  | 'INVALID_LIMIT';

export interface ProtocolErrorContext {
  /** Path of the offending field, e.g. `object.body` or `manifest.entries[3].uid`. */
  readonly field?: string;
  /** The limit that was exceeded, when one was. */
  readonly limit?: number;
  /** The size or count that was found. */
  readonly actual?: number;
}

/**
 * Thrown by nothing in the decoding path: decodeFrame, parseToken and friends
 * return it inside a result. encodeFrame throws it for a frame it cannot encode.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly field: string | undefined;
  readonly limit: number | undefined;
  readonly actual: number | undefined;

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    context: ProtocolErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.field = context.field;
    this.limit = context.limit;
    this.actual = context.actual;
  }
}
