import type { KiiAppCredentials } from './admin-tokens';
import type { KiiInstallation } from './installation-ref';
import { KiiCallError } from './kii-call-error';
import { joinUrl, kiiFetch, type KiiAnswer, type KiiHttpOptions } from './kii-http';

/** Filters and paging of the local server's listing (docs/kii-api.md §5.6). */
export interface LocalListQuery {
  userID?: string;
  thingID?: string;
  deviceType?: 'MQTT' | 'ANDROID' | 'IOS' | 'JPUSH';
  environment?: 'development' | 'production';
  paginationKey?: string;
  /** 1 to 1,000; the server's default is 100. */
  limit?: number;
}

/** An installation of the listing: Kii's fields (§5.2) plus when and whose. */
export interface LocalInstallation extends KiiInstallation {
  createdAt?: number;
  ownerName?: string | null;
}

export interface LocalInstallationPage {
  installations: LocalInstallation[];
  total: number;
  nextPaginationKey?: string;
}

type AdminCall = (
  app: KiiAppCredentials,
  request: { operation: string; method: 'GET'; path: string },
) => Promise<KiiAnswer>;

/**
 * The local server's own extensions under `{base}/x-local/v1/` (docs/kii-api.md §5.6). Kii
 * Cloud has none, so `info` answering anything but a 2xx with an `extensions` array counts as
 * "none". The probe is remembered per base URL until {@link clear}.
 */
export class LocalExtensions {
  private readonly probes = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly http: KiiHttpOptions,
    private readonly asAdmin: AdminCall,
  ) {}

  /** Extension names from `GET {base}/x-local/v1/info`; [] for Kii Cloud. */
  available(app: KiiAppCredentials): Promise<readonly string[]> {
    const key = app.baseUrl.replace(/\/+$/, '');
    let probe = this.probes.get(key);
    if (!probe) {
      probe = this.probe(app);
      this.probes.set(key, probe);
      // A network failure is not an answer: probe again next time.
      probe.catch(() => this.probes.delete(key));
    }
    return probe;
  }

  async listInstallations(
    app: KiiAppCredentials,
    query: LocalListQuery,
  ): Promise<LocalInstallationPage> {
    const operation = 'list installations';
    if (!(await this.available(app)).includes('installations')) {
      throw new KiiCallError(
        operation,
        0,
        'EXTENSION_NOT_AVAILABLE',
        `${operation}: this Kii server has no installation listing; use the registry`,
      );
    }
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.size > 0 ? `?${params}` : '';
    const answer = await this.asAdmin(app, {
      operation,
      method: 'GET',
      path: `/x-local/v1/apps/${encodeURIComponent(app.appId)}/installations${search}`,
    });
    const body = answer.body as Partial<LocalInstallationPage> | undefined;
    if (!body || !Array.isArray(body.installations) || typeof body.total !== 'number') {
      throw new KiiCallError(
        operation,
        answer.status,
        'INVALID_RESPONSE',
        `${operation}: bad page`,
      );
    }
    return {
      installations: body.installations,
      total: body.total,
      ...(typeof body.nextPaginationKey === 'string'
        ? { nextPaginationKey: body.nextPaginationKey }
        : {}),
    };
  }

  /** Probes are per server, not per app, so a changed app clears them all (they are cheap). */
  clear(): void {
    this.probes.clear();
  }

  private async probe(app: KiiAppCredentials): Promise<readonly string[]> {
    try {
      const answer = await kiiFetch(
        {
          operation: 'get server info',
          method: 'GET',
          url: joinUrl(app.baseUrl, '/x-local/v1/info'),
          headers: {},
          secrets: [],
        },
        this.http,
      );
      const names = (answer.body as { extensions?: unknown } | undefined)?.extensions;
      return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
    } catch (error) {
      // Kii Cloud answers its own 404 (or another refusal) for a path it does not have.
      if (error instanceof KiiCallError && error.status >= 400) return [];
      throw error;
    }
  }
}
