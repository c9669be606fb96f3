import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';

import { CONSOLE_LOCALES, ConsoleLocale, LocaleSwitch } from '../core/locale';

/** Toolbar menu that switches between the English and Japanese builds. */
@Component({
  selector: 'kpc-language-menu',
  imports: [MatButtonModule, MatIconModule, MatMenuModule],
  template: `
    <button matButton type="button" [matMenuTriggerFor]="menu">
      <mat-icon aria-hidden="true">translate</mat-icon>
      <span
        class="kpc-visually-hidden"
        i18n="
          Hidden prefix of the language button, read before the current
          language@@kpc.shell.languagePrefix"
        >Language:</span
      >
      <span [attr.lang]="current">{{ currentName }}</span>
    </button>
    <mat-menu #menu="matMenu">
      @for (locale of locales; track locale.id) {
        <button
          mat-menu-item
          type="button"
          role="menuitemradio"
          [attr.aria-checked]="locale.id === current"
          [attr.lang]="locale.id"
          (click)="choose(locale.id)"
        >
          <mat-icon aria-hidden="true">{{ locale.id === current ? 'check' : '' }}</mat-icon>
          <span>{{ locale.name }}</span>
        </button>
      }
    </mat-menu>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LanguageMenu {
  private readonly localeSwitch = inject(LocaleSwitch);

  protected readonly locales = CONSOLE_LOCALES;
  protected readonly current = this.localeSwitch.current;
  protected readonly currentName =
    CONSOLE_LOCALES.find((locale) => locale.id === this.current)?.name ?? '';

  protected choose(locale: ConsoleLocale): void {
    this.localeSwitch.switchTo(locale);
  }
}
