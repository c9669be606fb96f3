import { ChangeDetectionStrategy, Component, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

/** One field that takes an installation ID or `deviceType:registrationID`, and Look up. */
@Component({
  selector: 'kpc-lookup-form',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <form class="kpc-lookup" (submit)="submit($event)">
      <mat-form-field subscriptSizing="dynamic">
        <mat-label i18n="Label of the look-up field@@kpc.installations.lookupLabel"
          >Installation ID or deviceType:registrationID</mat-label
        >
        <input
          matInput
          name="ref"
          autocomplete="off"
          spellcheck="false"
          [value]="text()"
          (input)="text.set($any($event.target).value)"
        />
      </mat-form-field>
      <button matButton="tonal" type="submit" [disabled]="busy() || !text().trim()">
        <ng-container i18n="Button that looks an installation up@@kpc.installations.lookupButton"
          >Look up</ng-container
        >
      </button>
    </form>
  `,
  styles: `
    .kpc-lookup {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
    }
    mat-form-field {
      flex: 1 1 320px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LookupForm {
  readonly busy = input(false);
  readonly lookup = output<string>();

  protected readonly text = signal('');

  protected submit(event: Event): void {
    event.preventDefault();
    const text = this.text().trim();
    if (text && !this.busy()) this.lookup.emit(text);
  }
}
