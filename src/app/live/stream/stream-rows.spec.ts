import { liveMessage } from '../../../testing/live-messages';
import { mergeNewestFirst } from './stream-rows';

describe('mergeNewestFirst', () => {
  const at = (seq: number) => liveMessage('x', { seq });

  it('reverses a single view', () => {
    const view = [at(1), at(2), at(5)];
    expect(mergeNewestFirst([view, []]).map((m) => m.seq)).toEqual([5, 2, 1]);
    expect(view.map((m) => m.seq)).toEqual([1, 2, 5]);
  });

  it('interleaves several views by arrival', () => {
    const merged = mergeNewestFirst([[at(1), at(4), at(6)], [at(2), at(3)], [at(5)]]);
    expect(merged.map((m) => m.seq)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('is empty for no messages', () => {
    expect(mergeNewestFirst([])).toEqual([]);
    expect(mergeNewestFirst([[], []])).toEqual([]);
  });
});
