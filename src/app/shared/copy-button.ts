import { LiveAnnouncer } from '@angular/cdk/a11y';
import { Clipboard } from '@angular/cdk/clipboard';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  inject,
  input,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';

const CONFIRM_MS = 2000;

/**
 * An icon button that copies `text` to the clipboard and confirms it (icon, tooltip and a
 * screen-reader announcement). `label` is its accessible name ("Copy password").
 */
@Component({
  selector: 'kpc-copy-button',
  imports: [MatButtonModule, MatIconModule, MatTooltipModule],
  template: `
    <button
      matIconButton
      type="button"
      [attr.aria-label]="label()"
      [matTooltip]="copied() ? copiedText : label()"
      (click)="copy()"
    >
      <mat-icon>{{ copied() ? 'check' : 'content_copy' }}</mat-icon>
    </button>
  `,
  styles: `
    :host {
      display: inline-block;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CopyButton {
  private readonly clipboard = inject(Clipboard);
  private readonly announcer = inject(LiveAnnouncer);

  readonly text = input.required<string>();
  readonly label = input.required<string>();

  protected readonly copied = signal(false);
  protected readonly copiedText = $localize`:Confirmation after copying to the clipboard@@kpc.copy.copied:Copied`;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  protected copy(): void {
    if (!this.clipboard.copy(this.text())) {
      void this.announcer.announce(
        $localize`:Shown when the browser refused to copy@@kpc.copy.failed:The browser did not allow copying. Select the text and copy it yourself.`,
        'assertive',
      );
      return;
    }
    this.copied.set(true);
    void this.announcer.announce(this.copiedText, 'polite');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.copied.set(false), CONFIRM_MS);
  }
}
