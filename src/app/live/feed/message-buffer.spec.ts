import { MessageBuffer } from './message-buffer';

describe('MessageBuffer', () => {
  it('keeps everything up to its capacity, oldest first', () => {
    const buffer = new MessageBuffer<number>(3);
    expect(buffer.push(1)).toBeUndefined();
    buffer.push(2);
    expect(buffer.toArray()).toEqual([1, 2]);
    expect([buffer.size, buffer.received, buffer.dropped]).toEqual([2, 2, 0]);
  });

  it('drops the oldest when full and counts every drop', () => {
    const buffer = new MessageBuffer<number>(3);
    for (const n of [1, 2, 3]) buffer.push(n);
    expect(buffer.push(4)).toBe(1);
    expect(buffer.push(5)).toBe(2);
    expect(buffer.toArray()).toEqual([3, 4, 5]);
    expect(buffer.oldest()).toBe(3);
    expect([buffer.size, buffer.received, buffer.dropped]).toEqual([3, 5, 2]);
  });

  it('stays at its capacity however many messages arrive', () => {
    const buffer = new MessageBuffer<number>(100);
    for (let n = 0; n < 100_000; n++) buffer.push(n);
    expect(buffer.size).toBe(100);
    expect(buffer.received).toBe(100_000);
    expect(buffer.dropped).toBe(99_900);
    expect(buffer.at(0)).toBe(99_900);
    expect(buffer.at(99)).toBe(99_999);
    expect(buffer.at(100)).toBeUndefined();
  });

  it('clears messages and counters', () => {
    const buffer = new MessageBuffer<number>(2);
    for (const n of [1, 2, 3]) buffer.push(n);
    buffer.clear();
    expect(buffer.toArray()).toEqual([]);
    expect([buffer.size, buffer.received, buffer.dropped]).toEqual([0, 0, 0]);
    buffer.push(9);
    expect(buffer.toArray()).toEqual([9]);
  });

  it('shrinks keeping the newest and counts what no longer fits as dropped', () => {
    const buffer = new MessageBuffer<number>(5);
    for (const n of [1, 2, 3, 4]) buffer.push(n);
    buffer.resize(2);
    expect(buffer.toArray()).toEqual([3, 4]);
    expect(buffer.dropped).toBe(2);
    buffer.resize(4);
    buffer.push(5);
    expect(buffer.toArray()).toEqual([3, 4, 5]);
  });

  it('refuses capacities outside 1 to 100,000', () => {
    expect(() => new MessageBuffer(0)).toThrowError(RangeError);
    expect(() => new MessageBuffer(100_001)).toThrowError(RangeError);
    expect(() => new MessageBuffer(2.5)).toThrowError(RangeError);
  });
});
