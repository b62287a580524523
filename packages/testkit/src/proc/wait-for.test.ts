import { describe, expect, it } from 'vitest';
import { WaitTimeoutError } from '../errors';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves to the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), {
      description: 'third call',
      intervalMs: 5,
    });
    expect(value).toEqual({ calls: 3 });
  });

  it('names the condition and keeps the last error as cause on timeout', async () => {
    const failure = new Error('port closed');
    const error = await waitFor(
      () => {
        throw failure;
      },
      { description: 'the cloud port to open', timeoutMs: 150, intervalMs: 20 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).code).toBe('TESTKIT_WAIT_TIMEOUT');
    expect((error as Error).message).toMatch(
      /150 ms waiting for the cloud port to open \(last attempt failed: port closed\)/,
    );
    expect((error as Error).cause).toBe(failure);
  });

  it('bounds an attempt that never settles by the time left', async () => {
    const started = performance.now();
    await expect(
      waitFor(() => new Promise<boolean>(() => {}), { description: 'a hanging probe', timeoutMs: 100 }),
    ).rejects.toThrow(/a hanging probe/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('process exited')), 30);
    await expect(
      waitFor(() => false, { description: 'never', timeoutMs: 5_000, intervalMs: 10, signal: controller.signal }),
    ).rejects.toThrow('process exited');
  });
});
