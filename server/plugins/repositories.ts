import fp from 'fastify-plugin';
import type { ServerConfig } from '../config';
import type { Db } from '../db/database';
import { createGroupCommit } from '../db/group-commit';
import { createConnectionHistoryRepository } from '../repositories/connection-history';
import { createInstallationRepository } from '../repositories/installations';
import { createThingRepository, createUserRepository } from '../repositories/principals';
import { createPushLedgerRepository } from '../repositories/push-ledger';
import { createTapRepository } from '../repositories/taps';
import { createTokenRepository } from '../repositories/tokens';
import { createDeliveryRepository, createTopicRepository } from '../repositories/topics';

function createRepositories(db: Db, config: ServerConfig) {
  return {
    users: createUserRepository(db),
    things: createThingRepository(db),
    tokens: createTokenRepository(db, config),
    installations: createInstallationRepository(db, createGroupCommit(db), config),
    topics: createTopicRepository(db),
    deliveries: createDeliveryRepository(db),
    taps: createTapRepository(db),
    connectionHistory: createConnectionHistoryRepository(db),
    pushLedger: createPushLedgerRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every repository over the database (small factories over prepared statements). */
    repositories: Repositories;
  }
}

/** The repositories, over the database plugin's connection. */
export const repositoriesPlugin = fp<{ config: ServerConfig }>(
  async (app, { config }) => {
    const repositories = createRepositories(app.database, config);
    // Nothing is connected to a server that has just started.
    repositories.things.markAllOffline();
    app.decorate('repositories', repositories);
  },
  { name: 'kii-repositories', dependencies: ['kii-database'] },
);
