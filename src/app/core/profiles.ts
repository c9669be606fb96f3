import { Injectable, computed, inject, signal } from '@angular/core';

import { LOCAL_STORAGE, readJson, writeJson } from './browser';
import { SiteId } from './kii-site';
import { PRINCIPAL_KINDS, PrincipalKind } from './principal';

/** localStorage key of the saved connection profiles. */
export const PROFILES_STORAGE_KEY = 'kpc-profiles';

/** A connection the console remembers: app, site and login, but a secret only on request. */
export interface SavedProfile {
  /** Identity of the profile: base URL + app ID + kind + login. */
  readonly key: string;
  readonly site: SiteId;
  readonly baseUrl: string;
  readonly appId: string;
  /** Not a secret: Kii app keys ship inside every client app. */
  readonly appKey: string;
  readonly kind: PrincipalKind;
  /** Client ID, username or vendor thing ID. */
  readonly login: string;
  /** Client secret or password, only when the operator ticked "remember secret". */
  readonly secret?: string;
  /** Epoch ms of the last sign-in with this profile. */
  readonly lastUsedAt: number;
}

export type ProfileInput = Omit<SavedProfile, 'key'>;

/** The key that identifies a profile. */
export function profileKey(profile: Omit<ProfileInput, 'lastUsedAt' | 'secret'>): string {
  return [profile.baseUrl, profile.appId, profile.kind, profile.login].join('|');
}

/** Saved connection profiles, kept in localStorage, most recently used first. */
@Injectable({ providedIn: 'root' })
export class ProfileStore {
  private readonly storage = inject(LOCAL_STORAGE);
  private readonly state = signal<readonly SavedProfile[]>(
    readJson(this.storage, PROFILES_STORAGE_KEY, isProfileList) ?? [],
  );

  /** Every saved profile, most recently used first. */
  readonly profiles = computed(() => [...this.state()].sort((a, b) => b.lastUsedAt - a.lastUsedAt));

  /** Adds or replaces the profile with the same key; without `secret` none is stored. */
  save(input: ProfileInput): SavedProfile {
    const profile: SavedProfile = { ...input, key: profileKey(input) };
    if (profile.secret === undefined || profile.secret === '') {
      delete (profile as { secret?: string }).secret;
    }
    this.update((list) => [...list.filter((p) => p.key !== profile.key), profile]);
    return profile;
  }

  /** Forgets one profile (and its remembered secret). */
  remove(key: string): void {
    this.update((list) => list.filter((p) => p.key !== key));
  }

  private update(change: (list: readonly SavedProfile[]) => readonly SavedProfile[]): void {
    const next = change(this.state());
    this.state.set(next);
    writeJson(this.storage, PROFILES_STORAGE_KEY, next);
  }
}

function isProfileList(value: unknown): value is SavedProfile[] {
  return Array.isArray(value) && value.every(isProfile);
}

function isProfile(value: unknown): value is SavedProfile {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p['key'] === 'string' &&
    typeof p['site'] === 'string' &&
    typeof p['baseUrl'] === 'string' &&
    typeof p['appId'] === 'string' &&
    typeof p['appKey'] === 'string' &&
    PRINCIPAL_KINDS.includes(p['kind'] as PrincipalKind) &&
    typeof p['login'] === 'string' &&
    (p['secret'] === undefined || typeof p['secret'] === 'string') &&
    typeof p['lastUsedAt'] === 'number'
  );
}
