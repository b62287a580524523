/** WebSocket close codes for the channel's close reasons (RFC 6455 where one fits, 4xxx otherwise). */
import type { CloseCode } from '@kedge/protocol';

export const WS_CLOSE_CODES: Readonly<Record<CloseCode, number>> = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNAUTHORIZED: 1008,
  FRAME_TOO_LARGE: 1009,
  INTERNAL_ERROR: 1011,
  UNSUPPORTED_VERSION: 4004,
  RATE_LIMITED: 4007,
  REPLACED: 4008,
};

/** A close reason fits in 123 bytes of UTF-8. */
export function closeReason(message: string): string {
  let reason = message;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}
