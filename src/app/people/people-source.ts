import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { TeamApi } from '../core/team/team-api';
import { ConnectedApp, RoleGrant } from '../core/team/team-types';
import { NewPerson, Person } from './person';

/**
 * People and roles on the console server (a team admin's API; docs/team-api.md, "People").
 * There is no delete: a person who leaves is disabled, which ends their sessions and keeps
 * their name on every audit row.
 */
@Injectable({ providedIn: 'root' })
export class PeopleSource {
  private readonly api = inject(TeamApi);

  list$(): Observable<readonly Person[]> {
    return this.api.get$<Person[]>('/people');
  }

  /** The connected apps, for the role editor. */
  apps$(): Observable<readonly ConnectedApp[]> {
    return this.api.get$<ConnectedApp[]>('/apps');
  }

  create$(person: NewPerson): Observable<Person> {
    return this.api.post$<Person>('/people', person);
  }

  /** Changes the display name and the disabled flag (a disabled person is signed out). */
  update$(person: Person, change: { displayName: string; disabled: boolean }): Observable<Person> {
    return this.api.put$<Person>(`/people/${person.id}`, change);
  }

  setRoles$(person: Person, roles: readonly RoleGrant[]): Observable<Person> {
    return this.api.put$<Person>(`/people/${person.id}/roles`, { roles });
  }
}
