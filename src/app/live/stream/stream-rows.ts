import { LiveMessage } from '../feed/live-message';

/**
 * Merges monitors' views (each oldest first) into one list, newest first, by arrival order.
 * Runs once per published frame: linear in the number of messages shown.
 */
export function mergeNewestFirst(views: readonly (readonly LiveMessage[])[]): LiveMessage[] {
  const lists = views.filter((view) => view.length > 0);
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0].slice().reverse();
  const total = lists.reduce((sum, list) => sum + list.length, 0);
  const out = new Array<LiveMessage>(total);
  const next = lists.map((list) => list.length - 1);
  for (let i = 0; i < total; i++) {
    let best = -1;
    for (let l = 0; l < lists.length; l++) {
      if (next[l] >= 0 && (best < 0 || lists[l][next[l]].seq > lists[best][next[best]].seq))
        best = l;
    }
    out[i] = lists[best][next[best]--];
  }
  return out;
}
