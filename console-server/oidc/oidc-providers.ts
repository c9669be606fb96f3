import type { FastifyBaseLogger } from 'fastify';
import * as oidc from 'openid-client';
import { isLoopbackUrl, type OidcProviderConfig } from './oidc-config';

/** Discovery gives up after this long, so an unreachable provider does not hold up the start. */
const DISCOVERY_TIMEOUT_MS = 5_000;
/** Token and userinfo calls during a sign-in. */
const CALL_TIMEOUT_MS = 10_000;
/** A provider that failed discovery is asked again at most this often (when someone starts). */
export const REDISCOVER_AFTER_MS = 30_000;

/** A configured provider and what discovery found (or why it found nothing). */
export interface OidcProvider {
  config: OidcProviderConfig;
  /** The discovered client configuration; undefined while the provider cannot be reached. */
  client?: oidc.Configuration;
  problem?: string;
  checkedAt: number;
}

function clientAuth(config: OidcProviderConfig): oidc.ClientAuth {
  return config.tokenEndpointAuthMethod === 'client_secret_post'
    ? oidc.ClientSecretPost(config.clientSecret)
    : oidc.ClientSecretBasic(config.clientSecret);
}

/** A one-line reason for the log and the audit row (never the client secret, which no error holds). */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * The configured providers, each discovered once at start through openid-client (which checks
 * that the discovery document names the configured issuer). A provider that cannot be reached
 * is logged and left out of the sign-in page's list; password sign-in is unaffected, and the
 * next start of a sign-in with it tries discovery again.
 */
export class OidcProviders {
  private readonly providers = new Map<string, OidcProvider>();

  constructor(
    configs: readonly OidcProviderConfig[],
    private readonly log: FastifyBaseLogger,
    private readonly now = () => Date.now(),
  ) {
    for (const config of configs) this.providers.set(config.id, { config, checkedAt: 0 });
  }

  /** Discovers every provider at once; never throws. */
  async discoverAll(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => this.discover(p)));
  }

  /** `{id, label}` of every provider that can be used now, in the config file's order. */
  listed(): { id: string; label: string }[] {
    return [...this.providers.values()]
      .filter((p) => p.client)
      .map(({ config }) => ({ id: config.id, label: config.label }));
  }

  /** The provider by ID, discovered again first if it failed and was last tried a while ago. */
  async get(id: string): Promise<OidcProvider | undefined> {
    const provider = this.providers.get(id);
    if (provider && !provider.client && this.now() - provider.checkedAt >= REDISCOVER_AFTER_MS) {
      await this.discover(provider);
    }
    return provider;
  }

  private async discover(provider: OidcProvider): Promise<void> {
    const { config } = provider;
    provider.checkedAt = this.now();
    try {
      const client = await oidc.discovery(
        config.issuer,
        config.clientId,
        undefined,
        clientAuth(config),
        {
          timeout: DISCOVERY_TIMEOUT_MS,
          // Plain http passes the config check only for an issuer on this machine.
          execute: isLoopbackUrl(config.issuer) ? [oidc.allowInsecureRequests] : [],
        },
      );
      client.timeout = CALL_TIMEOUT_MS;
      provider.client = client;
      provider.problem = undefined;
      this.log.info({ provider: config.id, issuer: config.issuer.href }, 'OIDC provider ready');
    } catch (error) {
      provider.problem = reasonOf(error);
      // On stderr, as a plain line: stdout's first line is the ready line supervisors wait for.
      process.stderr.write(
        `console-server: OIDC provider ${config.id} cannot be used (discovery at ${config.issuer.href} failed: ${provider.problem}); password sign-in still works, and the next sign-in with it tries again\n`,
      );
    }
  }
}
