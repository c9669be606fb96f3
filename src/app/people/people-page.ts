import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { filter } from 'rxjs';

import { TeamSession } from '../core/team/team-session';
import { isTeamAdmin } from '../core/team/team-types';
import { LoadError } from '../shared/load-error';
import { PeopleDialogs } from './people-dialogs';
import { PeopleStore } from './people-store';
import { Person, rolesText } from './person';

/**
 * People & roles (team mode, team admins only): everyone who may sign in, their roles per
 * app, adding a person, changing roles, disabling and enabling. The console server has no
 * delete: a disabled person cannot sign in and keeps their name on the audit trail.
 */
@Component({
  selector: 'kpc-people-page',
  imports: [
    DatePipe,
    LoadError,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
  ],
  providers: [PeopleStore],
  templateUrl: './people-page.html',
  styleUrl: './people-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class PeoplePage {
  protected readonly store = inject(PeopleStore);
  private readonly dialogs = inject(PeopleDialogs);
  private readonly destroyRef = inject(DestroyRef);
  private readonly roles = inject(TeamSession).roles;

  /** Managing people takes admin on every app, as the server checks (people-routes.ts). */
  protected readonly teamAdmin = computed(() => isTeamAdmin(this.roles()));

  protected readonly columns = ['login', 'displayName', 'state', 'roles', 'actions'] as const;
  protected readonly rolesText = rolesText;
  /** Row buttons named with the person, so a screen reader's button list says whose. */
  protected readonly labels = {
    roles: ({ login }: Person) =>
      $localize`:Accessible name of the roles button; LOGIN is a login name@@kpc.people.rolesButtonLabel:Change roles of ${login}:LOGIN:`,
    enable: ({ login }: Person) =>
      $localize`:Accessible name of the enable button; LOGIN is a login name@@kpc.people.enableLabel:Enable ${login}:LOGIN:`,
    disable: ({ login }: Person) =>
      $localize`:Accessible name of the disable button; LOGIN is a login name@@kpc.people.disableLabel:Disable ${login}:LOGIN:`,
  };

  constructor() {
    if (this.teamAdmin()) this.store.reload();
  }

  protected add(): void {
    this.dialogs
      .add$({ apps: this.store.apps(), create$: (person) => this.store.create$(person) })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe();
  }

  protected editRoles(person: Person): void {
    this.dialogs
      .roles$({ person, apps: this.store.apps() })
      .pipe(filter(Boolean), takeUntilDestroyed(this.destroyRef))
      .subscribe((roles) => this.store.setRoles(person, roles));
  }

  protected busy(person: Person): boolean {
    const pending = this.store.pending();
    return pending.has(`roles:${person.id}`) || pending.has(`update:${person.id}`);
  }
}
