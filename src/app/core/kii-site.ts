/** Where the console signs in: a Kii Cloud site, a custom base URL, or the local server. */
export type SiteId = 'us' | 'jp' | 'sg' | 'eu' | 'custom' | 'local';

export type KiiCloudSiteId = 'us' | 'jp' | 'sg' | 'eu';

/** Kii Cloud's sites, as the SDK's `KiiSite` defines them: base URLs ending in `/api`. */
export const KII_CLOUD_SITES: Readonly<Record<KiiCloudSiteId, string>> = {
  us: 'https://api.kii.com/api',
  jp: 'https://api-jp.kii.com/api',
  sg: 'https://api-sg.kii.com/api',
  eu: 'https://api-eu.kii.com/api',
};

/** True for the four Kii Cloud sites. */
export function isKiiCloudSite(site: SiteId): site is KiiCloudSiteId {
  return site in KII_CLOUD_SITES;
}

/** The base URL of the local server that serves this console. */
export function localServerBaseUrl(origin: string): string {
  return `${origin}/api`;
}

/** Trims spaces and trailing slashes: the SDK appends paths that start with `/`. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * The base URL the SDK is initialised with for `site`; `customBaseUrl` is used for `custom`,
 * `origin` (the page's own) for `local`.
 */
export function siteBaseUrl(site: SiteId, customBaseUrl: string, origin: string): string {
  if (isKiiCloudSite(site)) return KII_CLOUD_SITES[site];
  if (site === 'local') return localServerBaseUrl(origin);
  return normalizeBaseUrl(customBaseUrl);
}

/** The operator-facing name of a site. */
export function siteLabel(site: SiteId): string {
  switch (site) {
    case 'us':
      return $localize`:Kii Cloud site name@@kpc.site.us:United States`;
    case 'jp':
      return $localize`:Kii Cloud site name@@kpc.site.jp:Japan`;
    case 'sg':
      return $localize`:Kii Cloud site name@@kpc.site.sg:Singapore`;
    case 'eu':
      return $localize`:Kii Cloud site name@@kpc.site.eu:Europe`;
    case 'custom':
      return $localize`:Site choice for a self-entered base URL@@kpc.site.custom:Custom base URL`;
    case 'local':
      return $localize`:Site choice for the Kii-compatible server serving this console@@kpc.site.local:This local server`;
  }
}
