import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule } from '@angular/material/dialog';

import { streamShortcutHelp } from './shortcut-keys';

/** The Live traffic page's keyboard shortcuts (opened with ? or the header button). */
@Component({
  selector: 'kpc-shortcuts-dialog',
  imports: [MatButtonModule, MatDialogModule],
  template: `
    <h2 mat-dialog-title i18n="Title of the keyboard shortcuts dialog@@kpc.live.keys.title">
      Keyboard shortcuts
    </h2>
    <mat-dialog-content>
      <p class="kpc-lead" i18n="Introduction of the keyboard shortcuts dialog@@kpc.live.keys.lead">
        On the Live traffic page, outside text fields:
      </p>
      <table class="kpc-keys">
        <thead>
          <tr>
            <th scope="col" i18n="Column of the shortcuts table: the keys@@kpc.live.keys.colKeys">
              Keys
            </th>
            <th
              scope="col"
              i18n="Column of the shortcuts table: what they do@@kpc.live.keys.colAction"
            >
              Action
            </th>
          </tr>
        </thead>
        <tbody>
          @for (shortcut of shortcuts; track shortcut.description) {
            <tr>
              <td>
                @for (key of shortcut.keys; track key; let last = $last) {
                  <kbd>{{ key }}</kbd>
                  @if (!last) {
                    <span class="kpc-or"> / </span>
                  }
                }
              </td>
              <td>{{ shortcut.description }}</td>
            </tr>
          }
        </tbody>
      </table>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button
        matButton
        mat-dialog-close
        type="button"
        i18n="Button that closes the shortcuts dialog@@kpc.live.keys.close.button"
      >
        Close
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .kpc-lead {
      margin: 0 0 12px;
    }
    .kpc-keys {
      border-collapse: collapse;
      width: 100%;
    }
    th,
    td {
      text-align: start;
      padding: 6px 12px 6px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    td:first-child {
      white-space: nowrap;
    }
    kbd {
      display: inline-block;
      min-width: 1.6em;
      padding: 1px 6px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      font: var(--mat-sys-label-large);
      text-align: center;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShortcutsDialog {
  protected readonly shortcuts = streamShortcutHelp();
}
