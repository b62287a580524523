import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { freePort, freePortBlock } from './ports';

function listen(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(() => new Promise((r) => server.close(() => r()))));
  });
}

describe('freePortBlock', () => {
  it('returns a block below the ephemeral range whose every port can be listened on', async () => {
    const base = await freePortBlock(4);
    expect(base).toBeGreaterThanOrEqual(20_000);
    expect(base + 3).toBeLessThan(32_768);
    const closers = await Promise.all([0, 1, 2, 3].map((i) => listen(base + i)));
    await Promise.all(closers.map((close) => close()));
  });

  it('skips a block when one of its ports is taken', async () => {
    const taken = await freePort();
    const close = await listen(taken);
    // First draw lands on the taken port, the second anywhere else.
    const draws = [(taken - 20_000 + 0.5) / (32_768 - 20_000 - 1), 0.5];
    const random = vi.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? 0.25);
    try {
      const base = await freePort();
      expect(random).toHaveBeenCalledTimes(2);
      expect(base).not.toBe(taken);
    } finally {
      random.mockRestore();
      await close();
    }
  });

  it('names a bad block size', async () => {
    await expect(freePortBlock(0)).rejects.toThrow('port block size 0 not in 1..1000');
    await expect(freePortBlock(1.5)).rejects.toThrow(/port block size 1.5/);
  });
});
