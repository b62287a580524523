import { describe, expect, it } from 'vitest';
import { KubeLiteConfigError } from './errors';
import type { KubeLiteOptions } from './options';
import { withDefaults } from './options';

describe('withDefaults', () => {
  it('fills the documented defaults', () => {
    const o = withDefaults({ dataDir: '/tmp/x' });
    expect([o.port, o.host, o.controllers, o.historyLimit, o.maxBodyBytes]).toEqual([
      6443,
      '127.0.0.1',
      true,
      10_000,
      3 * 1024 * 1024,
    ]);
  });

  it('names the bad field and the fix', () => {
    const bad: [KubeLiteOptions, string, RegExp][] = [
      [{ dataDir: '' }, 'dataDir', /dataDir is required/],
      [{ dataDir: '/x', port: 70_000 }, 'port', /port must be an integer from 0 to 65535/],
      [{ dataDir: '/x', historyLimit: 0 }, 'historyLimit', /historyLimit must be a positive number/],
    ];
    for (const [options, field, message] of bad) {
      try {
        withDefaults(options);
        expect.fail(`accepted ${JSON.stringify(options)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(KubeLiteConfigError);
        expect((error as KubeLiteConfigError).field).toBe(field);
        expect((error as Error).message).toMatch(message);
      }
    }
  });
});
