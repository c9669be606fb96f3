import { LocalDemoApp } from '../core/local-server';
import { SiteId } from '../core/kii-site';
import { PrincipalKind } from '../core/principal';
import { SavedProfile } from '../core/profiles';

/** Values the Connect form is filled with: a saved profile, or the local server's demo app. */
export interface ConnectPreset {
  readonly site: SiteId;
  /** Only for the custom site. */
  readonly customBaseUrl: string;
  readonly appId: string;
  readonly appKey: string;
  readonly kind: PrincipalKind;
  readonly login: string;
  readonly secret: string;
  readonly rememberSecret: boolean;
  /**
   * `chosen` (the operator picked a profile) always fills the form; `initial` (what the page
   * suggests on arrival) only fills a form nobody has typed into yet.
   */
  readonly source: 'chosen' | 'initial';
}

/** Fills the form from a saved profile; the secret only if it was remembered. */
export function presetFromProfile(
  profile: SavedProfile,
  source: ConnectPreset['source'],
): ConnectPreset {
  return {
    site: profile.site,
    customBaseUrl: profile.site === 'custom' ? profile.baseUrl : '',
    appId: profile.appId,
    appKey: profile.appKey,
    kind: profile.kind,
    login: profile.login,
    secret: profile.secret ?? '',
    rememberSecret: profile.secret !== undefined,
    source,
  };
}

/** Fills the form with the local server's demo app, signing in as its admin. */
export function presetFromDemo(demo: LocalDemoApp): ConnectPreset {
  return {
    site: 'local',
    customBaseUrl: '',
    appId: demo.appId,
    appKey: demo.appKey,
    kind: 'admin',
    login: demo.clientId,
    secret: demo.clientSecret,
    rememberSecret: false,
    source: 'initial',
  };
}

/** Points the form at the local server without an app. */
export function presetForLocalServer(): ConnectPreset {
  return {
    site: 'local',
    customBaseUrl: '',
    appId: '',
    appKey: '',
    kind: 'admin',
    login: '',
    secret: '',
    rememberSecret: false,
    source: 'initial',
  };
}
