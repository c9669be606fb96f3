/**
 * Kii's "does not expire": access tokens (`expires_in`) and MQTT endpoint credentials
 * (`X-MQTT-TTL`) that never run out carry 2147483647 s (2^31 - 1, about 68 years).
 */
export const KII_NO_EXPIRY_SECONDS = 2147483647;

// Anything valid for longer than this is Kii's "never", not a date anyone should count down
// to; a real lifetime is hours or days. The margin also covers a lifetime read some time after
// it was issued (a stored session, an endpoint fetched a while ago).
const NEVER_EXPIRES_AFTER_SECONDS = 50 * 365 * 24 * 60 * 60;

/** True when a lifetime in seconds is Kii's "does not expire" (the one place that decides). */
export function neverExpires(lifetimeSeconds: number): boolean {
  return !Number.isFinite(lifetimeSeconds) || lifetimeSeconds > NEVER_EXPIRES_AFTER_SECONDS;
}

/** "Does not expire": shown for a token or credentials that never run out. */
export function noExpiryText(): string {
  return $localize`:Expiry shown for an access token or MQTT credentials that do not expire@@kpc.summary.noExpiry:Does not expire`;
}
