/** The device types Kii knows for installations (docs/kii-api.md §5.1). */
export const DEVICE_TYPES = ['MQTT', 'ANDROID', 'IOS', 'JPUSH'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** An installation as Kii returns it by ID or registration ID (docs/kii-api.md §5.2). */
export interface KiiInstallation {
  installationID: string;
  installationRegistrationID: string;
  deviceType: string;
  development: boolean;
  userID?: string;
  thingID?: string;
}

/**
 * How an installation is named: by Kii's installation ID, or by the device type and the
 * registration ID (docs/kii-api.md §5.2-5.5; for MQTT the registration ID is the one Kii made).
 */
export type InstallationRef =
  { installationID: string } | { deviceType: DeviceType; registrationID: string };

/**
 * Kii's IDs are opaque (docs/kii-api.md §5.1), so only what no ID holds is refused: white
 * space, quotes and characters with a meaning in a URL path. The SDK URI-decodes answers
 * (§1.3), so `%` never appears in IDs either.
 */
const ID_PATTERN = /^[^\s/?#%:"'\\]{1,200}$/;
const REGISTRATION_PATTERN = /^[^\s/?#%"'\\]{1,4096}$/;

/**
 * Parses `installationID` or `deviceType:registrationID` (the device type in any case). Returns
 * undefined for text that is neither, e.g. `FOO:bar` or an ID holding a slash.
 */
export function parseInstallationRef(text: string): InstallationRef | undefined {
  const value = text.trim();
  const colon = value.indexOf(':');
  if (colon < 0) return ID_PATTERN.test(value) ? { installationID: value } : undefined;
  const deviceType = value.slice(0, colon).toUpperCase();
  const registrationID = value.slice(colon + 1);
  if (!(DEVICE_TYPES as readonly string[]).includes(deviceType)) return undefined;
  if (!REGISTRATION_PATTERN.test(registrationID)) return undefined;
  return { deviceType: deviceType as DeviceType, registrationID };
}

/** The text form of a reference, as the CSV import and the registry's messages use it. */
export function formatInstallationRef(ref: InstallationRef): string {
  return 'installationID' in ref ? ref.installationID : `${ref.deviceType}:${ref.registrationID}`;
}

/** The path segment Kii expects after `/installations/` (the colon stays literal, §5.3). */
export function installationPathSegment(ref: InstallationRef): string {
  return 'installationID' in ref
    ? encodeURIComponent(ref.installationID)
    : `${ref.deviceType}:${encodeURIComponent(ref.registrationID)}`;
}
