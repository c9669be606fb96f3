import { DOCUMENT } from '@angular/common';
import { Injectable, LOCALE_ID, inject } from '@angular/core';

import { BROWSER_LOCATION, BrowserLocation, LOCAL_STORAGE } from './browser';

/** The console's languages; each is its own build under `/<locale>/`. */
export type ConsoleLocale = 'en' | 'ja';

export const CONSOLE_LOCALES: readonly { readonly id: ConsoleLocale; readonly name: string }[] = [
  // Each language is named in itself, so these two are deliberately not translated.
  { id: 'en', name: 'English' },
  { id: 'ja', name: '日本語' },
];

/** localStorage key and cookie name of the chosen language (the server reads the cookie). */
export const LOCALE_STORAGE_KEY = 'kpc-locale';

/** Maps a LOCALE_ID (`en`, `en-US`, `ja`, `ja-JP`) to a console locale. */
export function consoleLocaleOf(localeId: string): ConsoleLocale {
  return localeId.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/**
 * The same page in another language: `/en/connect?x#y` becomes `/ja/connect?x#y`. A path
 * without a locale prefix (the dev server) gets one.
 */
export function localizedUrl(
  location: Pick<BrowserLocation, 'pathname' | 'search' | 'hash'>,
  locale: ConsoleLocale,
): string {
  const rest = location.pathname.replace(/^\/(en|ja)(?=\/|$)/, '');
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  return `/${locale}${path}${location.search}${location.hash}`;
}

/** Switches the console's language: remembers the choice and loads the other build. */
@Injectable({ providedIn: 'root' })
export class LocaleSwitch {
  private readonly document = inject(DOCUMENT);
  private readonly location = inject(BROWSER_LOCATION);
  private readonly storage = inject(LOCAL_STORAGE);

  /** The language of the running build. */
  readonly current: ConsoleLocale = consoleLocaleOf(inject(LOCALE_ID));

  /** The URL of the current page in `locale`. */
  urlFor(locale: ConsoleLocale): string {
    return localizedUrl(this.location, locale);
  }

  /** Stores the choice (localStorage and cookie) and, for another language, navigates. */
  switchTo(locale: ConsoleLocale): void {
    try {
      this.storage.setItem(LOCALE_STORAGE_KEY, locale);
    } catch {
      // Storage disabled: the cookie still carries the choice.
    }
    const oneYear = 365 * 24 * 60 * 60;
    this.document.cookie = `${LOCALE_STORAGE_KEY}=${locale}; path=/; max-age=${oneYear}; samesite=lax`;
    if (locale !== this.current) this.location.assign(this.urlFor(locale));
  }
}
