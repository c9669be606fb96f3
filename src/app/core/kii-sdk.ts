import { InjectionToken, Provider, inject } from '@angular/core';
import { DOCUMENT } from '@angular/common';

import type { MqttEndpointBody } from './kii/mqtt-endpoint';

/*
 * The one seam to the Kii Cloud JavaScript SDK (kii-cloud-sdk 2.4.19).
 *
 * The SDK is loaded as a classic script through angular.json `scripts` and defines globals
 * (`Kii`, `KiiUser`, ...). Importing it as a module would drag in Node built-ins, and
 * @types/kii-cloud-sdk describes 2.4.6 (no `Kii.getBaseURL`, `KiiSite` typed as numbers), so the
 * console declares here only the calls it makes and reaches them through `KII_SDK`. Specs swap
 * in `FakeKiiSdk` (src/testing/) with one provider line.
 */

/**
 * `KiiTopic` (a `KiiTopicWithToken` when made from an admin context, so it acts as the admin).
 * Failures reject with the SDK's `"<action> failed. statusCode: ..."` errors.
 */
export interface SdkTopic {
  getName(): string;
  /** `HEAD` the topic: true on 2xx, false on 404. */
  exists(): Promise<boolean>;
  save(): Promise<SdkTopic>;
  deleteTopic(): Promise<SdkTopic>;
}

/** What `listTopics` resolves with: the success callback's `arguments`, not an array. */
export interface SdkTopicList {
  readonly 0: readonly SdkTopic[];
  /** The next page's key; null on the last page. */
  readonly 1: string | null;
}

/** Whatever holds topics: the app (admin context), a user or a thing. */
export interface SdkTopicScope {
  topicWithName(name: string): SdkTopic;
  listTopics(callbacks?: null, paginationKey?: string): Promise<SdkTopicList>;
}

/** `KiiPushSubscription` of one user or thing. */
export interface SdkPushSubscription {
  subscribe(topic: SdkTopic): Promise<unknown>;
  unsubscribe(topic: SdkTopic): Promise<unknown>;
  /** Resolves `[subscription, topic, subscribed]`; false only for PUSH_SUBSCRIPTION_NOT_FOUND. */
  isSubscribed(topic: SdkTopic): Promise<readonly [unknown, unknown, boolean]>;
}

/** `KiiUserWithToken` / `KiiThingWithToken`: a user or thing the admin acts on. */
export interface SdkAdminSubject extends SdkTopicScope {
  pushSubscription(): SdkPushSubscription;
}

/** `KiiAppAdminContext`: what `Kii.authenticateAsAppAdmin` resolves with. */
export interface SdkAdminContext extends SdkTopicScope {
  getAccessToken(): string;
  /** No request: a reference to the user with this ID, acting with the admin token. */
  userWithID(userID: string): SdkAdminSubject;
  /** No request: a reference to the thing with this ID, acting with the admin token. */
  thingWithID(thingID: string): SdkAdminSubject;
}

/** What `installMqtt` resolves with (docs/kii-api.md §5.1). */
export interface SdkInstallResponse {
  readonly installationID: string;
  readonly installationRegistrationID: string;
}

/**
 * `KiiPushInstallation` of the signed-in user, or `KiiPushInstallationWithToken` of a thing.
 * Failures reject with `"<action> failed. statusCode: ..."` (`install push`, `get mqtt
 * endpoint`, `uninstall push`).
 */
export interface SdkPushInstallation {
  installMqtt(development: boolean): Promise<SdkInstallResponse>;
  /** Retries a 503 itself (3 attempts in all, 1 s apart), then rejects with status 503. */
  getMqttEndpoint(installationID: string): Promise<MqttEndpointBody>;
  /** `DELETE .../installations/{deviceType}:{regID}`; deviceType ANDROID, IOS or MQTT only. */
  uninstall(installationRegistrationID: string, deviceType: string): Promise<void>;
  uninstallByInstallationID(installationID: string): Promise<void>;
}

/** `KiiUser` after a successful sign-in. */
export interface SdkUser {
  getID(): string | undefined;
  getUsername(): string | undefined | null;
  getAccessToken(): string | undefined;
  /** `expires_at` is absent when the server sent no `expires_in`. */
  getAccessTokenObject(): { access_token: string; expires_at?: Date | null } | null;
  /** Push installations acting with this user's token (the SDK's current user). */
  pushInstallation(): SdkPushInstallation;
}

/** `KiiThing` as returned by `KiiThingContext.getAuthenticatedThing()`. */
export interface SdkThing {
  getThingID(): string | undefined;
  getVendorThingID(): string | undefined;
  getAccessToken(): string | undefined;
}

/** `KiiThingContext`: what `Kii.authenticateAsThing` resolves with. */
export interface SdkThingContext {
  getAuthenticatedThing(): SdkThing;
  /** Push installations acting with the thing's token. */
  pushInstallation(): SdkPushInstallation;
}

/** The static `Kii` class: initialisation and the app-admin / thing sign-ins. */
export interface SdkKii {
  getSDKVersion(): string;
  getBaseURL(): string;
  getAppID(): string;
  /** Stores `site` verbatim as the base URL (it must end in `/api`). */
  initializeWithSite(appID: string, appKey: string, site: string): void;
  authenticateAsAppAdmin(clientId: string, clientSecret: string): Promise<SdkAdminContext>;
  /** Rebuilds an admin context from a stored token; no request is made. */
  authenticateAsAdminWithToken(token: string): SdkAdminContext;
  authenticateAsThing(vendorThingID: string, password: string): Promise<SdkThingContext>;
  /** Rebuilds a thing context from a stored token; no request is made. */
  authenticateAsThingWithToken(thingID: string, token: string): Promise<SdkThingContext>;
  /** Forgets the current user held by the SDK. */
  logOut(): void;
}

/** The static `KiiUser` class: user sign-in. */
export interface SdkKiiUser {
  authenticate(userIdentifier: string, password: string): Promise<SdkUser>;
  /** Restores a user from a token with `GET /apps/{appID}/users/me`. */
  authenticateWithToken(token: string, callbacks?: undefined, expiresAt?: Date): Promise<SdkUser>;
}

/** The SDK globals the console uses. */
export interface KiiSdk {
  readonly Kii: SdkKii;
  readonly KiiUser: SdkKiiUser;
}

/** The Kii SDK, as the globals that `KiiSDK.js` defines on `window`. */
export const KII_SDK = new InjectionToken<KiiSdk>('KII_SDK');

/** Provides `KII_SDK` from the `window` globals defined by `KiiSDK.js`. */
export function provideKiiSdk(): Provider {
  return {
    provide: KII_SDK,
    useFactory: (): KiiSdk => {
      const globals = inject(DOCUMENT).defaultView as unknown as Partial<KiiSdk> | null;
      if (!globals?.Kii || !globals.KiiUser) {
        throw new Error('KiiSDK.js is not loaded: check "scripts" in angular.json.');
      }
      return { Kii: globals.Kii, KiiUser: globals.KiiUser };
    },
  };
}
