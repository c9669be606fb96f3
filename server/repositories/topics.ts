import type { Db } from '../db/database';

export type ScopeType = 'APP' | 'APP_AND_USER' | 'APP_AND_THING' | 'APP_AND_GROUP';

/** Where a topic lives: the app itself, or one user, thing or group of it. */
export interface Scope {
  type: ScopeType;
  /** The user, thing or group ID; '' for the app scope. */
  id: string;
}

export type SubscriberType = 'user' | 'thing';

export interface Subscriber {
  type: SubscriberType;
  id: string;
}

/** Topics and push subscriptions to them. */
export function createTopicRepository(db: Db) {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO topics (scope_type, scope_id, topic_id, created_at) VALUES (?, ?, ?, ?)',
  );
  const exists = db.prepare(
    'SELECT 1 FROM topics WHERE scope_type = ? AND scope_id = ? AND topic_id = ?',
  );
  const remove = db.prepare(
    'DELETE FROM topics WHERE scope_type = ? AND scope_id = ? AND topic_id = ?',
  );
  const removeScope = db.prepare('DELETE FROM topics WHERE scope_type = ? AND scope_id = ?');
  const count = db
    .prepare<[string, string], number>(
      'SELECT count(*) FROM topics WHERE scope_type = ? AND scope_id = ?',
    )
    .pluck();
  const page = db.prepare<[string, string, string, number], { topic_id: string }>(
    `SELECT topic_id FROM topics WHERE scope_type = ? AND scope_id = ? AND topic_id > ?
     ORDER BY topic_id LIMIT ?`,
  );
  const subscribe = db.prepare(`INSERT OR IGNORE INTO subscriptions
    (scope_type, scope_id, topic_id, subscriber_type, subscriber_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const isSubscribed = db.prepare(`SELECT 1 FROM subscriptions WHERE scope_type = ? AND scope_id = ?
    AND topic_id = ? AND subscriber_type = ? AND subscriber_id = ?`);
  const unsubscribe = db.prepare(`DELETE FROM subscriptions WHERE scope_type = ? AND scope_id = ?
    AND topic_id = ? AND subscriber_type = ? AND subscriber_id = ?`);
  const unsubscribeAll = db.prepare(
    'DELETE FROM subscriptions WHERE subscriber_type = ? AND subscriber_id = ?',
  );
  const subscribers = db.prepare<
    [string, string, string],
    { subscriber_type: SubscriberType; subscriber_id: string }
  >(
    'SELECT subscriber_type, subscriber_id FROM subscriptions WHERE scope_type = ? AND scope_id = ? AND topic_id = ?',
  );

  return {
    /** false when the topic already existed. */
    create(scope: Scope, topicId: string): boolean {
      return insert.run(scope.type, scope.id, topicId, Date.now()).changes > 0;
    },
    exists(scope: Scope, topicId: string): boolean {
      return exists.get(scope.type, scope.id, topicId) !== undefined;
    },
    /** Deleting a topic drops its subscriptions (foreign key cascade). */
    remove(scope: Scope, topicId: string): boolean {
      return remove.run(scope.type, scope.id, topicId).changes > 0;
    },
    /** How many topics the scope holds (a primary-key range scan). */
    count(scope: Scope): number {
      return count.get(scope.type, scope.id)!;
    },
    removeScope(scope: Scope): void {
      removeScope.run(scope.type, scope.id);
    },
    /** One page of topic IDs in name order, continuing after `after`. */
    list(scope: Scope, after: string, limit: number): string[] {
      return page.all(scope.type, scope.id, after, limit).map((row) => row.topic_id);
    },
    /** false when the subscription already existed. */
    subscribe(scope: Scope, topicId: string, who: Subscriber): boolean {
      return subscribe.run(scope.type, scope.id, topicId, who.type, who.id, Date.now()).changes > 0;
    },
    isSubscribed(scope: Scope, topicId: string, who: Subscriber): boolean {
      return isSubscribed.get(scope.type, scope.id, topicId, who.type, who.id) !== undefined;
    },
    unsubscribe(scope: Scope, topicId: string, who: Subscriber): boolean {
      return unsubscribe.run(scope.type, scope.id, topicId, who.type, who.id).changes > 0;
    },
    unsubscribeEverywhere(who: Subscriber): void {
      unsubscribeAll.run(who.type, who.id);
    },
    subscribers(scope: Scope, topicId: string): Subscriber[] {
      return subscribers
        .all(scope.type, scope.id, topicId)
        .map((row) => ({ type: row.subscriber_type, id: row.subscriber_id }));
    },
  };
}

export interface DeliveryRow {
  seq: number;
  message_id: string;
  target: string;
  sender: string;
  recipients: number;
  payload_bytes: number;
  sent_at: number;
}

/** The delivery log behind the console's extension: one row per push message. */
export function createDeliveryRepository(db: Db) {
  const insert =
    db.prepare(`INSERT INTO deliveries (message_id, target, sender, recipients, payload_bytes, sent_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const before = db.prepare<[number, number], DeliveryRow>(
    'SELECT * FROM deliveries WHERE seq < ? ORDER BY seq DESC LIMIT ?',
  );
  return {
    record(row: Omit<DeliveryRow, 'seq'>): void {
      insert.run(
        row.message_id,
        row.target,
        row.sender,
        row.recipients,
        row.payload_bytes,
        row.sent_at,
      );
    },
    /** Newest first, continuing below `beforeSeq`. */
    list(beforeSeq: number, limit: number): DeliveryRow[] {
      return before.all(beforeSeq, limit);
    },
  };
}

export type TopicRepository = ReturnType<typeof createTopicRepository>;
export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
