import type { KiiServices } from '../app';
import { kiiErrors, type KiiHttpError } from '../errors';
import { vendorThingIdOf } from '../repositories/principals';

/**
 * Kii names a user by ID or by `LOGIN_NAME:`, `EMAIL:` or `PHONE:` (docs/kii-api.md §4.4), and a
 * thing by ID or `VENDOR_THING_ID:` (§4.5), wherever a path or body names one. Routes turn
 * such a reference into the ID before they store or compare anything: a row keyed by an alias
 * would never match the ID that deliveries, checks and deletions use.
 */
const userAliasFields: Record<string, string> = {
  LOGIN_NAME: 'loginName',
  EMAIL: 'emailAddress',
  PHONE: 'phoneNumber',
};

/** USER_NOT_FOUND naming the field the reference used (userID, loginName, ...). */
export function userNotFound(appId: string, ref: string): KiiHttpError {
  const colon = ref.indexOf(':');
  const field = colon < 0 ? undefined : userAliasFields[ref.slice(0, colon)];
  return field
    ? kiiErrors.userNotFound(appId, field, ref.slice(colon + 1))
    : kiiErrors.userNotFound(appId, 'userID', ref);
}

/** THING_NOT_FOUND naming thingID or vendorThingID, as the reference did. */
export function thingNotFound(appId: string, ref: string): KiiHttpError {
  const vendorThingID = vendorThingIdOf(ref);
  return vendorThingID === undefined
    ? kiiErrors.thingNotFound(appId, 'thingID', ref)
    : kiiErrors.thingNotFound(appId, 'vendorThingID', vendorThingID);
}

/** The ID of the user `ref` names; 404 USER_NOT_FOUND when there is none. */
export function resolveUserId(kii: KiiServices, ref: string): string {
  const id = kii.users.idOf(ref);
  if (id === undefined) throw userNotFound(kii.config.appId, ref);
  return id;
}

/** The ID of the thing `ref` names; 404 THING_NOT_FOUND when there is none. */
export function resolveThingId(kii: KiiServices, ref: string): string {
  const id = kii.things.idOf(ref);
  if (id === undefined) throw thingNotFound(kii.config.appId, ref);
  return id;
}
