import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';

import { THEME_CHOICES, ThemeChoice, ThemeStore } from '../core/theme';

const ICONS: Readonly<Record<ThemeChoice, string>> = {
  system: 'brightness_auto',
  light: 'light_mode',
  dark: 'dark_mode',
};

/** Toolbar menu: follow the OS theme, or pin light or dark. */
@Component({
  selector: 'kpc-theme-menu',
  imports: [MatButtonModule, MatIconModule, MatMenuModule],
  template: `
    <button
      matIconButton
      type="button"
      [matMenuTriggerFor]="menu"
      i18n-aria-label="Toolbar button that opens the theme menu@@kpc.shell.theme"
      aria-label="Theme"
    >
      <mat-icon aria-hidden="true">{{ icon() }}</mat-icon>
    </button>
    <mat-menu #menu="matMenu">
      @for (choice of choices; track choice) {
        <button
          mat-menu-item
          type="button"
          role="menuitemradio"
          [attr.aria-checked]="choice === current()"
          (click)="store.choose(choice)"
        >
          <mat-icon aria-hidden="true">{{ icons[choice] }}</mat-icon>
          @switch (choice) {
            @case ('system') {
              <span i18n="Theme menu entry: follow the OS setting@@kpc.theme.system"
                >Follow the system</span
              >
            }
            @case ('light') {
              <span i18n="Theme menu entry@@kpc.theme.light">Light</span>
            }
            @case ('dark') {
              <span i18n="Theme menu entry@@kpc.theme.dark">Dark</span>
            }
          }
        </button>
      }
    </mat-menu>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThemeMenu {
  protected readonly store = inject(ThemeStore);
  protected readonly choices = THEME_CHOICES;
  protected readonly icons = ICONS;
  protected readonly current = this.store.choice;
  protected readonly icon = computed(() => ICONS[this.current()]);
}
