/**
 * One shared copy of each repeated string in the watched objects. A fleet's
 * pods repeat the same image, namespace, policies, scheduler name and
 * toleration keys tens of thousands of times, and every parsed copy is a
 * string of its own on the heap. The table is bounded: once full it starts
 * afresh, so unique values (names, UIDs, timestamps) cannot grow it, and a
 * common value is kept once per generation instead of once per object.
 */
const DEFAULT_CAPACITY = 16_384;
/** Longer values (certificates, scripts, ConfigMap data) are rarely repeated verbatim. */
const DEFAULT_MAX_LENGTH = 256;

export class StringInterner {
  private table = new Map<string, string>();

  constructor(
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly maxLength = DEFAULT_MAX_LENGTH,
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new Error('interner capacity must be a positive integer');
  }

  /** Strings the table holds now. */
  get size(): number {
    return this.table.size;
  }

  intern(value: string): string {
    if (value.length > this.maxLength) return value;
    const shared = this.table.get(value);
    if (shared !== undefined) return shared;
    if (this.table.size >= this.capacity) this.table = new Map();
    this.table.set(value, value);
    return value;
  }

  /**
   * Replaces every string value inside `obj` (plain objects and arrays, any
   * depth) with its shared copy, in place; returns `obj`. Keys are left
   * alone: V8 already keeps one copy of each property name.
   */
  internValues<T>(obj: T): T {
    if (typeof obj === 'object' && obj !== null) this.visit(obj);
    return obj;
  }

  /** Arrays and plain objects alike: an array's keys are its indices. */
  private visit(node: object): void {
    if (node instanceof Date) return;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (typeof value === 'string') record[key] = this.intern(value);
      else if (typeof value === 'object' && value !== null) this.visit(value);
    }
  }
}
