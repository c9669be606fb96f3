import fp from 'fastify-plugin';
import type { ServerConfig } from '../config';
import { startCheckpointer } from '../db/checkpointer';
import { openDatabase, type Db } from '../db/database';

declare module 'fastify' {
  interface FastifyInstance {
    /** The SQLite connection, open from registration until the app has closed. */
    database: Db;
  }
}

/**
 * The database: SQLite with its migrations applied and the WAL checkpointer running. Closed last:
 * onClose hooks run in reverse registration order, so every plugin registered after this one has
 * written what it queued by the time the connection goes.
 */
export const databasePlugin = fp<{ config: ServerConfig }>(
  async (app, { config }) => {
    const db = openDatabase(config);
    const checkpointer = startCheckpointer(db);
    app.decorate('database', db);
    app.addHook('onClose', async () => {
      await checkpointer.close();
      db.close();
    });
  },
  { name: 'kii-database' },
);
