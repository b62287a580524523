import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUT_DIR, generate, isFresh } from '../scripts/generate';

describe('generated code', () => {
  it('is exactly what scripts/generate.ts makes from the .proto (run `npm run generate -w @kedge/protocol`)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kedge-generated-'));
    try {
      expect(isFresh(dir)).toBe(false);
      await generate(dir);
      expect(isFresh(dir)).toBe(true);
      for (const name of ['frames.js', 'frames.d.ts']) {
        expect(readFileSync(join(dir, name), 'utf8'), name).toBe(readFileSync(join(DEFAULT_OUT_DIR, name), 'utf8'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
