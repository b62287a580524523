import { describe, expect, it } from 'vitest';
import { closeReason } from './session';

describe('closeReason', () => {
  it('fits the 123-byte WebSocket limit without splitting a character', () => {
    const reason = closeReason('é'.repeat(100));
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason).toBe('é'.repeat(61));
    expect(closeReason('short')).toBe('short');
  });
});
