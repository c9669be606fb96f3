import type { Db } from '../db/database';
import { newId } from '../ids';

export interface TapRow {
  mqtt_topic: string;
  username: string;
  password: string;
  expires_at: number;
}

/** Credentials of the read-only delivery taps (a local-server extension). */
export function createTapRepository(db: Db) {
  const insert = db.prepare(
    'INSERT INTO taps (mqtt_topic, username, password, expires_at) VALUES (?, ?, ?, ?)',
  );
  const byUsername = db.prepare<[string], TapRow>('SELECT * FROM taps WHERE username = ?');
  const purge = db.prepare('DELETE FROM taps WHERE expires_at <= ?');
  const live = db.prepare<[number], TapRow>('SELECT * FROM taps WHERE expires_at > ?');
  let watcher: ((tap: TapRow) => void) | null = null;
  return {
    create(ttlSeconds: number): TapRow {
      purge.run(Date.now());
      const row: TapRow = {
        mqtt_topic: `tap-${newId.mqttTopic().slice(4)}`,
        username: newId.mqttUsername(),
        password: newId.mqttPassword(),
        expires_at: Date.now() + ttlSeconds * 1000,
      };
      insert.run(row.mqtt_topic, row.username, row.password, row.expires_at);
      watcher?.(row);
      return row;
    },
    /** Tells `next` about every tap created from now on (a cluster's credential directory). */
    watch(next: (tap: TapRow) => void): void {
      watcher = next;
    },
    live(): TapRow[] {
      return live.all(Date.now());
    },
    findByUsername(username: string): TapRow | undefined {
      return byUsername.get(username);
    },
  };
}

export type TapRepository = ReturnType<typeof createTapRepository>;
