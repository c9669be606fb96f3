import { Provider } from '@angular/core';

import {
  KII_SDK,
  KiiSdk,
  SdkAdminContext,
  SdkKii,
  SdkKiiUser,
  SdkThingContext,
  SdkUser,
} from '../app/core/kii-sdk';
import { FakeKiiInstallations } from './fake-kii-installations';
import { FakeKiiTopics, wrapperError } from './fake-kii-topics';

/** An app the fake "server" knows, with its principals. */
export interface FakeApp {
  readonly appKey: string;
  /** client ID → client secret */
  readonly admins: Map<string, string>;
  /** username → user */
  readonly users: Map<string, { readonly id: string; readonly password: string }>;
  /** vendor thing ID → thing */
  readonly things: Map<string, { readonly id: string; readonly password: string }>;
}

/**
 * A stand-in for the Kii SDK globals, holding its own little app/user/thing directory. It
 * fails the way KiiSDK.js 2.4.19 fails: `KiiRequest` strings (`"<CODE>: <message>"`,
 * `"0 : <url>"`) for admin and user sign-in, `KiiXHRWrapper` strings
 * (`"authenticate as thing failed. statusCode: ..."`) for thing sign-in.
 */
export class FakeKiiSdk implements KiiSdk {
  readonly apps = new Map<string, FakeApp>();
  /** False: every request fails as if the base URL did not answer. */
  reachable = true;
  /** `expires_in` the fake server sends for user tokens; undefined sends none. */
  userTokenSeconds: number | undefined = 3600;
  /** Every call, in order, as `name arg1 arg2...` (secrets included: it is a fake). */
  readonly calls: string[] = [];
  /** Topics and subscriptions, reached through the admin context. */
  readonly topics = new FakeKiiTopics(
    (action, answer) =>
      this.request(answer, (status, code, message) => wrapperError(action, status, code, message)),
    this.calls,
  );
  /** Push installations, reached through a user's or thing's `pushInstallation()`. */
  readonly installations = new FakeKiiInstallations(
    (action, answer) =>
      this.request(answer, (status, code, message) => wrapperError(action, status, code, message)),
    this.calls,
  );

  private initialized: { appId: string; appKey: string; baseUrl: string } | null = null;
  private readonly tokens = new Map<string, { kind: string; id: string; name: string }>();
  private issued = 0;

  /** Adds the demo app: admin demo-client-id, user alice, thing sensor-1. */
  static withDemoApp(): FakeKiiSdk {
    const fake = new FakeKiiSdk();
    fake.apps.set('demoapp', {
      appKey: 'demoappkey',
      admins: new Map([['demo-client-id', 'demo-client-secret']]),
      users: new Map([['alice', { id: 'user-alice-id', password: 'alice-pass' }]]),
      things: new Map([['sensor-1', { id: 'th.sensor-1-id', password: 'thing-pass' }]]),
    });
    return fake;
  }

  /** The app ID, app key and base URL of the last `initializeWithSite`. */
  get site(): { appId: string; appKey: string; baseUrl: string } | null {
    return this.initialized;
  }

  /** True once a token was issued with this value. */
  issuedToken(token: string): boolean {
    return this.tokens.has(token);
  }

  readonly Kii: SdkKii = {
    getSDKVersion: () => '2.4.19',
    getBaseURL: () => this.require().baseUrl,
    getAppID: () => this.require().appId,
    initializeWithSite: (appID, appKey, site) => {
      this.calls.push(`initializeWithSite ${appID} ${appKey} ${site}`);
      this.initialized = { appId: appID, appKey, baseUrl: site };
    },
    authenticateAsAppAdmin: (clientId, clientSecret) => {
      this.calls.push(`authenticateAsAppAdmin ${clientId} ${clientSecret}`);
      return this.request((app) => {
        if (app.admins.get(clientId) !== clientSecret) {
          return 'invalid_grant: The client credentials are not valid';
        }
        return this.admin(this.issue('admin', clientId, clientId));
      });
    },
    authenticateAsAdminWithToken: (token) => {
      this.calls.push(`authenticateAsAdminWithToken ${token}`);
      return this.admin(token);
    },
    authenticateAsThing: (vendorThingID, password) => {
      this.calls.push(`authenticateAsThing ${vendorThingID} ${password}`);
      const failed = 'authenticate as thing failed. statusCode:';
      if (!vendorThingID || !password) {
        return Promise.reject(new Error('vendorThingID or password is invalid'));
      }
      return this.request(
        (app) => {
          const thing = app.things.get(vendorThingID);
          if (!thing || thing.password !== password) {
            return `${failed} 400 error code: invalid_grant message: The thing credentials are not valid`;
          }
          return this.thing(thing.id, vendorThingID, this.issue('thing', thing.id, vendorThingID));
        },
        (status, code, message) =>
          status === 0
            ? `${failed} 0`
            : `${failed} ${status} error code: ${code} message: ${message}`,
      );
    },
    authenticateAsThingWithToken: (thingID, token) => {
      this.calls.push(`authenticateAsThingWithToken ${thingID} ${token}`);
      if (!thingID || !token) return Promise.reject(new Error('thingID or token is invalid'));
      return Promise.resolve(this.thing(thingID, undefined, token));
    },
    logOut: () => {
      this.calls.push('logOut');
      this.require();
    },
  };

  readonly KiiUser: SdkKiiUser = {
    authenticate: (username, password) => {
      this.calls.push(`KiiUser.authenticate ${username} ${password}`);
      if (password.length < 4) {
        return Promise.reject(
          new Error('Unable to set password. Must be between 4-50 characters composed with ascii'),
        );
      }
      return this.request((app) => {
        const user = app.users.get(username);
        if (!user || user.password !== password) {
          return 'invalid_grant: The user name or password is not valid';
        }
        return this.user(user.id, username, this.issue('user', user.id, username), this.expiry());
      });
    },
    authenticateWithToken: (token, _callbacks, expiresAt) => {
      this.calls.push(`KiiUser.authenticateWithToken ${token}`);
      return this.request(() => {
        const known = this.tokens.get(token);
        if (!known || known.kind !== 'user') return 'WRONG_TOKEN: The provided token is not valid';
        return this.user(known.id, known.name, token, expiresAt ?? null);
      });
    },
  };

  private require(): { appId: string; appKey: string; baseUrl: string } {
    if (!this.initialized) throw new Error('Kii is not initialized');
    return this.initialized;
  }

  /**
   * Runs one fake request: network failure, unknown app / wrong key, or `answer`, which
   * returns the result or an SDK error string.
   */
  private request<T>(
    answer: (app: FakeApp) => T | string,
    describe: (status: number, code: string, message: string) => string = (status, code, m) =>
      status === 0 ? `0 : ${this.initialized?.baseUrl}/oauth2/token` : `${code}: ${m}`,
  ): Promise<T> {
    const site = this.initialized;
    if (!site) return Promise.reject(new Error('Kii is not initialized'));
    if (!this.reachable) return Promise.reject(new Error(describe(0, '', '')));
    const app = this.apps.get(site.appId);
    if (!app) {
      return Promise.reject(
        new Error(describe(404, 'APP_NOT_FOUND', `The application ${site.appId} was not found`)),
      );
    }
    if (app.appKey !== site.appKey) {
      return Promise.reject(new Error(describe(401, 'UNAUTHORIZED', 'Invalid app key')));
    }
    const result = answer(app);
    return typeof result === 'string' ? Promise.reject(new Error(result)) : Promise.resolve(result);
  }

  private issue(kind: string, id: string, name: string): string {
    const token = `token-${kind}-${++this.issued}`;
    this.tokens.set(token, { kind, id, name });
    return token;
  }

  private expiry(): Date | null {
    return this.userTokenSeconds === undefined
      ? null
      : new Date(Date.now() + this.userTokenSeconds * 1000);
  }

  /** The admin context for a token, as `authenticateAsAppAdmin` resolves it. */
  adminContext(token: string): SdkAdminContext {
    return { getAccessToken: () => token, ...this.topics.adminContext() };
  }

  private admin(token: string): SdkAdminContext {
    return this.adminContext(token);
  }

  private user(id: string, username: string, token: string, expiresAt: Date | null): SdkUser {
    return {
      getID: () => id,
      getUsername: () => username,
      getAccessToken: () => token,
      getAccessTokenObject: () => ({
        access_token: token,
        ...(expiresAt ? { expires_at: expiresAt } : {}),
      }),
      pushInstallation: () => this.installations.forOwner(`users/${id}`),
    };
  }

  private thing(id: string, vendorThingId: string | undefined, token: string): SdkThingContext {
    return {
      getAuthenticatedThing: () => ({
        getThingID: () => id,
        getVendorThingID: () => vendorThingId,
        getAccessToken: () => token,
      }),
      pushInstallation: () => this.installations.forOwner(`things/${id}`),
    };
  }
}

/** Provides `KII_SDK` as the given fake (one line in a spec's providers). */
export function provideFakeKiiSdk(fake: FakeKiiSdk = FakeKiiSdk.withDemoApp()): Provider {
  return { provide: KII_SDK, useValue: fake };
}
