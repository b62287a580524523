/**
 * Frame <-> bytes. decodeFrame is the only door for bytes from the network:
 * it bounds the size first, counts list entries on the wire, decodes, then
 * validates lengths and required fields. It never throws.
 */
import { kedge } from './generated/frames';
import { ProtocolError } from './errors';
import type { Frame } from './frames';
import { DEFAULT_FRAME_LIMITS, withDefaults, type FrameLimits } from './limits';
import { validateFrame } from './validate';
import { scanFrame, unknownPayloadField } from './wire-scan';
import { fromWire } from './from-wire';
import { toWire } from './to-wire';

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: ProtocolError };

/**
 * Encodes one frame into a new buffer (bytes fields are copied once).
 * Throws ProtocolError (UNKNOWN_FRAME_TYPE) for an object that is not a Frame.
 * It does not check limits: run validateFrame first where input is untrusted.
 */
export function encodeFrame(frame: Frame): Uint8Array {
  return kedge.v1.Frame.encode(toWire(frame)).finish();
}

// Limits objects made by withDefaults are frozen; reuse them without refilling.
const resolveLimits = (limits: Partial<FrameLimits> | undefined): FrameLimits =>
  limits === undefined
    ? DEFAULT_FRAME_LIMITS
    : Object.isFrozen(limits)
      ? (limits as FrameLimits)
      : withDefaults(limits);

const fail = (error: ProtocolError): DecodeResult => ({ ok: false, error });

/**
 * Decodes one frame from untrusted bytes. Bytes fields of the result (body,
 * data) are views into `bytes`: do not reuse that buffer while they live.
 */
export function decodeFrame(bytes: Uint8Array, limits?: Partial<FrameLimits>): DecodeResult {
  const bounds = resolveLimits(limits);
  if (bytes.length > bounds.maxFrameBytes) {
    return fail(
      new ProtocolError(
        'FRAME_TOO_LARGE',
        `frame is ${bytes.length} bytes, more than maxFrameBytes ${bounds.maxFrameBytes}`,
        {
          limit: bounds.maxFrameBytes,
          actual: bytes.length,
        },
      ),
    );
  }
  const scanError = scanFrame(bytes, bounds);
  if (scanError) return fail(scanError);
  let frame: Frame | undefined;
  try {
    frame = fromWire(kedge.v1.Frame.decode(bytes));
  } catch (err) {
    if (err instanceof ProtocolError) return fail(err);
    return fail(
      new ProtocolError(
        'MALFORMED',
        `frame is not valid protobuf: ${(err as Error)?.message ?? String(err)}`,
        {},
        { cause: err },
      ),
    );
  }
  if (frame === undefined) {
    const unknown = unknownPayloadField(bytes);
    return fail(
      unknown
        ? new ProtocolError(
            'UNKNOWN_FRAME_TYPE',
            `frame payload field ${unknown} is unknown to protocol version of this side`,
            {
              field: 'payload',
            },
          )
        : new ProtocolError('MISSING_FIELD', 'frame has no payload', { field: 'payload' }),
    );
  }
  const invalid = validateFrame(frame, bounds);
  return invalid ? fail(invalid) : { ok: true, frame };
}
