import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openMetastore, type Metastore } from './index';

// Shared helpers of the metastore tests: temporary data dirs and stores,
// closed and removed after each test.

export function useTempStores(prefix: string) {
  const dirs: string[] = [];
  const stores: Metastore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) if (store.db.open) store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  /** Opens the store in `dir` and closes it after the test. */
  const open = (dir: string): Metastore => {
    const store = openMetastore(dir);
    stores.push(store);
    return store;
  };
  const tempStore = (): { dir: string; store: Metastore } => {
    const dir = tempDir();
    return { dir, store: open(dir) };
  };
  return { tempDir, open, tempStore };
}
