/** Messages a monitor keeps unless told otherwise. */
export const DEFAULT_BUFFER_CAPACITY = 10_000;
/** Bounds of the capacity an operator may choose. */
export const MIN_BUFFER_CAPACITY = 100;
export const MAX_BUFFER_CAPACITY = 100_000;

/**
 * A bounded ring of the newest messages. Adding to a full ring drops the oldest one and counts
 * it, so memory stays flat whatever the rate and nothing leaves without being counted.
 */
export class MessageBuffer<T> {
  private slots: (T | undefined)[];
  private head = 0;
  private count = 0;
  private receivedCount = 0;
  private droppedCount = 0;

  constructor(capacity = DEFAULT_BUFFER_CAPACITY) {
    this.slots = new Array<T | undefined>(checkedCapacity(capacity));
  }

  get capacity(): number {
    return this.slots.length;
  }

  /** Messages held now. */
  get size(): number {
    return this.count;
  }

  /** Messages added since creation or the last `clear()`. */
  get received(): number {
    return this.receivedCount;
  }

  /** Messages pushed out by newer ones since creation or the last `clear()`. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Adds the newest message; returns the one it pushed out of a full ring. */
  push(item: T): T | undefined {
    this.receivedCount++;
    const capacity = this.slots.length;
    if (this.count < capacity) {
      this.slots[(this.head + this.count) % capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.slots[this.head];
    this.slots[this.head] = item;
    this.head = (this.head + 1) % capacity;
    this.droppedCount++;
    return evicted;
  }

  /** The i-th message held, oldest first. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.slots[(this.head + index) % this.slots.length];
  }

  /** The oldest message held. */
  oldest(): T | undefined {
    return this.at(0);
  }

  /** A copy of what is held, oldest first. */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.slots[(this.head + i) % this.slots.length]!;
    return out;
  }

  /** Forgets every message and resets the counters. */
  clear(): void {
    this.slots = new Array<T | undefined>(this.slots.length);
    this.head = 0;
    this.count = 0;
    this.receivedCount = 0;
    this.droppedCount = 0;
  }

  /** Changes the capacity, keeping the newest messages; the ones that do not fit count as dropped. */
  resize(capacity: number): void {
    const kept = this.toArray();
    const next = checkedCapacity(capacity);
    const overflow = Math.max(0, kept.length - next);
    this.slots = new Array<T | undefined>(next);
    this.head = 0;
    this.count = 0;
    for (const item of kept.slice(overflow)) this.slots[this.count++] = item;
    this.droppedCount += overflow;
  }
}

function checkedCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_BUFFER_CAPACITY) {
    throw new RangeError(`A buffer holds 1 to ${MAX_BUFFER_CAPACITY} messages, not ${capacity}.`);
  }
  return capacity;
}
