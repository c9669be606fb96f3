import { DOCUMENT } from '@angular/common';
import { InjectionToken, inject } from '@angular/core';

/*
 * Seams to the browser globals the console writes to: storage and navigation. Specs provide
 * `MemoryStorage` and `FakeBrowserLocation` (src/testing/) instead, so nothing leaks between
 * specs and no spec navigates Karma's page away.
 */

/** `window.localStorage`: survives browser restarts. */
export const LOCAL_STORAGE = new InjectionToken<Storage>('LOCAL_STORAGE', {
  providedIn: 'root',
  factory: () => inject(DOCUMENT).defaultView!.localStorage,
});

/** `window.sessionStorage`: lives as long as the browser tab. */
export const SESSION_STORAGE = new InjectionToken<Storage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => inject(DOCUMENT).defaultView!.sessionStorage,
});

/** The parts of `window.location` the console reads, plus full-page navigation. */
export interface BrowserLocation {
  readonly origin: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  /** Loads another page (used to switch between the /en/ and /ja/ builds). */
  assign(url: string): void;
}

export const BROWSER_LOCATION = new InjectionToken<BrowserLocation>('BROWSER_LOCATION', {
  providedIn: 'root',
  factory: () => inject(DOCUMENT).location,
});

/** Reads a JSON value; anything missing, unreadable or rejected by `accept` reads as null. */
export function readJson<T>(
  storage: Storage,
  key: string,
  accept: (value: unknown) => value is T,
): T | null {
  try {
    const raw = storage.getItem(key);
    if (raw === null) return null;
    const value: unknown = JSON.parse(raw);
    return accept(value) ? value : null;
  } catch {
    // Storage can be disabled (privacy modes) or hold text from an older console.
    return null;
  }
}

/** Writes a JSON value, or removes the key for null; storage failures are ignored. */
export function writeJson(storage: Storage, key: string, value: unknown): void {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or privacy mode: the console keeps working with in-memory state.
  }
}
