import type { Db } from './database';

/**
 * Fire-and-forget writes that must stay off a hot path (a push's fan-out, a connection closing):
 * items queue in memory and are written together in one transaction on the next turn of the
 * event loop. Unlike the group commit nobody waits for an answer; `flush()` writes the queue at
 * once, for readers that must see it and for shutdown. A failing batch is logged and dropped: a
 * diagnostic record must never take the server down.
 */
export function createBatchWriter<T>(
  db: Db,
  writeAll: (items: T[]) => void,
  onError: (error: unknown) => void,
) {
  let queue: T[] = [];
  let scheduled = false;
  const inTransaction = db.transaction(writeAll);

  function flush(): void {
    scheduled = false;
    if (queue.length === 0 || !db.open) return;
    const items = queue;
    queue = [];
    try {
      inTransaction(items);
    } catch (error) {
      onError(error);
    }
  }

  return {
    add(item: T): void {
      queue.push(item);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    get pending(): number {
      return queue.length;
    },
  };
}
