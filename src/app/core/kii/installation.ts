import { ResolvedPrincipal } from '../principal-lookup';

/** Kii's push device types (docs/kii-api.md §5.1); the console installs only MQTT. */
export const DEVICE_TYPES = ['MQTT', 'ANDROID', 'IOS', 'JPUSH'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** The user or thing an installation delivers to. */
export type InstallationOwner = ResolvedPrincipal;

/** One push installation as the console shows it. */
export interface Installation {
  readonly installationID: string;
  /** Kii's `installationRegistrationID` (server-generated for MQTT). */
  readonly registrationID: string;
  readonly deviceType: string;
  readonly development: boolean;
  /** Null when the server named no owner (should not happen, but Kii does not promise it). */
  readonly owner: InstallationOwner | null;
  /**
   * Epoch ms: when the server created it (local server listing), or when this console first
   * learned of it (Kii Cloud has no creation time on installations).
   */
  readonly createdAt: number | null;
  /**
   * Connected now, or when its last connection closed (null: never connected). Only the local
   * server's trace extension knows it (docs/kii-api.md §13.2); absent elsewhere.
   */
  readonly lastSeen?: { readonly connected: boolean; readonly at: number | null };
  /**
   * Team mode: the login of who first recorded it in the team's shared registry (null when
   * nobody did, e.g. a row only the local server's listing knows); absent in browser-only mode.
   */
  readonly addedBy?: string | null;
}

/** An installation named by Kii's ID or by `deviceType:registrationID` (docs/kii-api.md §5.2-5.5). */
export type InstallationRef =
  | { readonly by: 'id'; readonly installationID: string }
  | { readonly by: 'registration'; readonly deviceType: string; readonly registrationID: string };

/**
 * Reads what an operator typed or pasted: `MQTT:abc` (any device type, case-insensitive) is a
 * registration reference, anything else without spaces an installation ID. Null for blanks.
 */
export function parseInstallationRef(text: string): InstallationRef | null {
  const value = text.trim();
  if (!value || /\s/.test(value)) return null;
  const colon = value.indexOf(':');
  if (colon > 0) {
    const deviceType = value.slice(0, colon).toUpperCase();
    const registrationID = value.slice(colon + 1);
    if (!(DEVICE_TYPES as readonly string[]).includes(deviceType) || !registrationID) return null;
    return { by: 'registration', deviceType, registrationID };
  }
  // Kii's installation IDs never hold a colon; one elsewhere is a typo, not an ID.
  return colon === 0 ? null : { by: 'id', installationID: value };
}

/** The reference as Kii's URL segment and as the operator reads it: `id` or `MQTT:regID`. */
export function refText(ref: InstallationRef): string {
  return ref.by === 'id' ? ref.installationID : `${ref.deviceType}:${ref.registrationID}`;
}

/** Both references of an installation. */
export function refsOf(installation: Installation): {
  byId: InstallationRef;
  byRegistration: InstallationRef;
} {
  return {
    byId: { by: 'id', installationID: installation.installationID },
    byRegistration: {
      by: 'registration',
      deviceType: installation.deviceType,
      registrationID: installation.registrationID,
    },
  };
}

/** True when `ref` names `installation`. */
export function refMatches(ref: InstallationRef, installation: Installation): boolean {
  return ref.by === 'id'
    ? ref.installationID === installation.installationID
    : ref.deviceType === installation.deviceType &&
        ref.registrationID === installation.registrationID;
}

/** What `install$` needs: the owner (the app admin must name one) and the environment. */
export interface InstallRequest {
  /** Who receives the pushes; omitted when a user or thing installs for itself. */
  readonly owner?: InstallationOwner;
  readonly development: boolean;
}

/** What Kii answers to an install: the two IDs (docs/kii-api.md §5.1). */
export interface InstallAnswer {
  readonly installationID: string;
  readonly registrationID: string;
}

/** The operator-facing name of an environment. */
export function environmentLabel(development: boolean): string {
  return development
    ? $localize`:Push environment, development@@kpc.installations.envDevelopment:Development`
    : $localize`:Push environment, production@@kpc.installations.envProduction:Production`;
}

/** "User alice", "Thing door-1", or "Unknown owner". */
export function ownerLabel(owner: InstallationOwner | null): string {
  if (!owner) {
    return $localize`:Owner of an installation whose owner is not known@@kpc.installations.ownerUnknown:Unknown owner`;
  }
  return owner.kind === 'user'
    ? $localize`:Owner of an installation, a user; NAME is the login name@@kpc.installations.ownerUser:User ${owner.name}:NAME:`
    : $localize`:Owner of an installation, a thing; NAME is the vendor thing ID@@kpc.installations.ownerThing:Thing ${owner.name}:NAME:`;
}
