import { DOCUMENT } from '@angular/common';
import { Injectable, inject, signal } from '@angular/core';

import { LOCAL_STORAGE } from './browser';

/** `system` follows the OS; the other two pin the theme. */
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** localStorage key of the theme choice. */
export const THEME_STORAGE_KEY = 'kpc-theme';

const CLASS_PREFIX = 'kpc-theme-';

/**
 * Light / dark theme. styles.scss sets `color-scheme: light dark` (the OS decides); a pinned
 * choice adds `kpc-theme-light` or `kpc-theme-dark` to <html>, which narrows `color-scheme`.
 */
@Injectable({ providedIn: 'root' })
export class ThemeStore {
  private readonly root = inject(DOCUMENT).documentElement;
  private readonly storage = inject(LOCAL_STORAGE);
  private readonly state = signal<ThemeChoice>(this.read());

  /** The current choice. */
  readonly choice = this.state.asReadonly();

  constructor() {
    this.apply(this.state());
  }

  /** Applies and remembers a choice. */
  choose(choice: ThemeChoice): void {
    this.state.set(choice);
    this.apply(choice);
    try {
      if (choice === 'system') this.storage.removeItem(THEME_STORAGE_KEY);
      else this.storage.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
  }

  private apply(choice: ThemeChoice): void {
    for (const other of THEME_CHOICES) this.root.classList.remove(CLASS_PREFIX + other);
    if (choice !== 'system') this.root.classList.add(CLASS_PREFIX + choice);
  }

  private read(): ThemeChoice {
    try {
      const stored = this.storage.getItem(THEME_STORAGE_KEY);
      return THEME_CHOICES.includes(stored as ThemeChoice) ? (stored as ThemeChoice) : 'system';
    } catch {
      return 'system';
    }
  }
}
