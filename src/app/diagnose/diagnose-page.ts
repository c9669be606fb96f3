import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';

import { environmentLabel } from '../core/kii/installation';
import { LoadError } from '../shared/load-error';
import { DiagnoseStore, RecentPush, WHO_BY, WhoBy } from './diagnose-store';
import { RecentPushesTable } from './recent-pushes-table';
import { VerdictPanel } from './verdict-panel';

/**
 * "Why did installation X not get push Y?": pick the installation (or its user or thing) and
 * the push, and the page runs the checks in order. Routed as `diagnose`, with optional
 * `?installation=&push=` to start at once (links from the push report and Live traffic).
 */
@Component({
  selector: 'kpc-diagnose-page',
  imports: [
    LoadError,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    MatSelectModule,
    RecentPushesTable,
    VerdictPanel,
  ],
  providers: [DiagnoseStore],
  templateUrl: './diagnose-page.html',
  styleUrl: './diagnose-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class DiagnosePage {
  protected readonly store = inject(DiagnoseStore);

  /** From the query string. */
  readonly installation = input<string>();
  readonly push = input<string>();

  protected readonly whoKinds = WHO_BY;
  protected readonly whoBy = signal<WhoBy>('installation');
  protected readonly who = signal('');
  protected readonly pushId = signal('');

  constructor() {
    effect(() => {
      const installation = this.installation()?.trim();
      const push = this.push()?.trim();
      // Which checks run depends on the local server's answer: a deep link waits for it.
      if (this.store.traced() === null) return;
      untracked(() => {
        if (!installation) return;
        this.whoBy.set('installation');
        this.who.set(installation);
        this.store.find('installation', installation);
        if (push) {
          this.pushId.set(push);
          this.store.diagnose(push);
        }
      });
    });
  }

  protected find(event: Event): void {
    event.preventDefault();
    if (this.who().trim()) this.store.find(this.whoBy(), this.who());
  }

  protected diagnose(event: Event): void {
    event.preventDefault();
    this.store.diagnose(this.pushId());
  }

  protected pick(push: RecentPush): void {
    this.pushId.set(push.pushMessageID);
    this.store.diagnose(push.pushMessageID);
  }

  protected whoLabel(by: WhoBy): string {
    switch (by) {
      case 'installation':
        return $localize`:Find-by choice@@kpc.diagnose.byInstallation:Installation ID`;
      case 'user-name':
        return $localize`:Find-by choice@@kpc.diagnose.byUserName:User, by login name`;
      case 'user-id':
        return $localize`:Find-by choice@@kpc.diagnose.byUserId:User, by user ID`;
      case 'thing-name':
        return $localize`:Find-by choice@@kpc.diagnose.byThingName:Thing, by vendor thing ID`;
      case 'thing-id':
        return $localize`:Find-by choice@@kpc.diagnose.byThingId:Thing, by thing ID`;
    }
  }

  protected readonly environment = environmentLabel;
}
