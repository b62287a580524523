// One timer for all scheduled work of a pod manager: keys (pod uids) wake at
// the earliest time asked for. A min-heap with lazy deletion keeps scheduling
// O(log n) and idle pods free.

interface Slot {
  at: number;
  key: string;
}

export class WakeQueue {
  private readonly heap: Slot[] = [];
  private readonly due = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    private readonly onWake: (key: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Wakes `key` at `at` (ms epoch) unless it is already due earlier. */
  schedule(key: string, at: number): void {
    if (this.stopped) return;
    const current = this.due.get(key);
    if (current !== undefined && current <= at) return;
    this.due.set(key, at);
    this.push({ at, key });
    this.arm();
  }

  cancel(key: string): void {
    this.due.delete(key);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.length = 0;
    this.due.clear();
  }

  get size(): number {
    return this.due.size;
  }

  private arm(): void {
    const head = this.heap[0];
    if (!head || head.at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = head.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, head.at - this.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    const woken: string[] = [];
    while (this.heap.length > 0 && (this.heap[0] as Slot).at <= now) {
      const slot = this.pop();
      if (this.due.get(slot.key) === slot.at) {
        this.due.delete(slot.key);
        woken.push(slot.key);
      }
    }
    this.arm();
    for (const key of woken) this.onWake(key);
  }

  private push(slot: Slot): void {
    const h = this.heap;
    h.push(slot);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Slot).at <= slot.at) break;
      h[i] = h[parent] as Slot;
      i = parent;
    }
    h[i] = slot;
  }

  private pop(): Slot {
    const h = this.heap;
    const top = h[0] as Slot;
    const last = h.pop() as Slot;
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      let value = last;
      if (l < h.length && (h[l] as Slot).at < value.at) {
        smallest = l;
        value = h[l] as Slot;
      }
      if (r < h.length && (h[r] as Slot).at < value.at) smallest = r;
      if (smallest === i) break;
      h[i] = h[smallest] as Slot;
      i = smallest;
    }
    h[i] = last;
    return top;
  }
}
