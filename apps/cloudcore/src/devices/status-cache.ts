/**
 * The DeviceStatus twins cloudcore last wrote, per Device uid, with the
 * resourceVersion the write produced: the next report of a busy device
 * merges into them and patches with that resourceVersion as a precondition,
 * saving the read. A conflict (someone else wrote) or a miss falls back to
 * reading. Bounded, least recently used out first, so memory stays flat
 * however many devices the fleet has.
 */
import type { ReportedTwin } from './twin-status';

export interface CachedStatus {
  readonly resourceVersion: string;
  readonly twins: readonly ReportedTwin[];
}

/** Default bound: about 1.5 KB per device with 10 properties, so some 15 MB. */
export const STATUS_CACHE_MAX_ENTRIES = 10_000;

export class StatusCache {
  private readonly entries = new Map<string, CachedStatus>();

  constructor(private readonly maxEntries = STATUS_CACHE_MAX_ENTRIES) {}

  get(uid: string): CachedStatus | undefined {
    const entry = this.entries.get(uid);
    if (entry) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(uid);
      this.entries.set(uid, entry);
    }
    return entry;
  }

  set(uid: string, entry: CachedStatus): void {
    this.entries.delete(uid);
    this.entries.set(uid, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(uid: string): void {
    this.entries.delete(uid);
  }

  get size(): number {
    return this.entries.size;
  }
}
