import type { BrokerOrigins } from './apps/broker-origins';
import type { ConnectedApps } from './apps/connected-apps';
import type { AuditRepository } from './audit/audit-repository';
import type { ConsoleServerConfig } from './config';
import type { Db } from './db/database';
import type { KiiAdminClient } from './kii/kii-admin-client';
import type { MonitorKeeper } from './monitors/monitor-keeper';
import type { MonitorThings } from './monitors/monitor-things';
import type { PasswordCost } from './people/passwords';
import type { PeopleRepository } from './people/people-repository';
import type { Person } from './people/people-repository';
import type { RoleGrant } from './people/roles';
import type { ImportJobs } from './registry/import-jobs';
import type { InstallationsRegistry } from './registry/installations-registry';
import type { Session, SessionRepository } from './sessions/session-repository';
import type { AddressThrottle } from './sessions/address-throttle';
import type { SignInLimiter } from './sessions/sign-in-limit';

/** Everything the routes share, decorated on the fastify instance as `team`. */
export interface TeamServices {
  config: ConsoleServerConfig;
  db: Db;
  people: PeopleRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  signInLimiter: SignInLimiter;
  /** Refused sign-ins per client address, whatever the login (bounds the audit rows they write). */
  signInThrottle: AddressThrottle;
  passwordCost: PasswordCost;
  /** Connected Kii apps, their credentials sealed with the vault key. */
  apps: ConnectedApps;
  /** One Kii client per process, so admin tokens are cached once for every request. */
  kii: KiiAdminClient;
  registry: InstallationsRegistry;
  /** CSV imports being verified, and those finished lately (kept in the database). */
  imports: ImportJobs;
  /** MQTT broker origins of connected apps, for the CSP's connect-src. */
  brokers: BrokerOrigins;
  /** The console server's monitor things (one per app and person). */
  monitorThings: MonitorThings;
  monitors: MonitorKeeper;
}

/** The person behind a request, with their roles, as the session hook found them. */
export interface SignedIn {
  person: Person;
  roles: RoleGrant[];
  session: Session;
}

declare module 'fastify' {
  interface FastifyInstance {
    team: TeamServices;
  }
  interface FastifyRequest {
    /** Set by the session hook on API requests; null when no live session. */
    signedIn: SignedIn | null;
  }
}
