import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  Observable,
  Subject,
  catchError,
  combineLatest,
  map,
  of,
  startWith,
  switchMap,
  tap,
} from 'rxjs';

import { ActionResult, ActionRunner } from '../core/action-runner';
import { KiiError, toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { ConnectedApp, RoleGrant } from '../core/team/team-types';
import { NewPerson, Person } from './person';
import { PeopleSource } from './people-source';

interface State {
  readonly people: readonly Person[];
  readonly apps: readonly ConnectedApp[];
  readonly loading: boolean;
  readonly loadError: KiiError | null;
}

/**
 * The People page's state: everyone with their roles, the connected apps roles can name, and
 * the admin's changes. The store shape of `core/action-runner.ts`; provided by the page.
 */
@Injectable()
export class PeopleStore {
  private readonly source = inject(PeopleSource);
  private readonly notifier = inject(Notifier);
  private readonly actions = new ActionRunner();
  private readonly state = signal<State>({
    people: [],
    apps: [],
    loading: false,
    loadError: null,
  });
  private readonly loads = new Subject<void>();

  readonly people = computed(() => this.state().people);
  readonly apps = computed(() => this.state().apps);
  readonly loading = computed(() => this.state().loading);
  readonly loadError = computed(() => this.state().loadError);
  /** Running actions: `create`, `roles:<id>`, `update:<id>`. */
  readonly pending = this.actions.pending;

  constructor() {
    this.loads
      .pipe(
        switchMap(() => this.load$()),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((change) => this.state.update((state) => ({ ...state, ...change })));
  }

  /** Loads (or reloads) the people and the apps. */
  reload(): void {
    this.loads.next();
  }

  /**
   * Adds a person. Unreported: the dialog shows a failure beside what the admin typed (a
   * taken login), and closes only on success.
   */
  create$(person: NewPerson): Observable<ActionResult<Person>> {
    const label = $localize`:Action named in an error; LOGIN is a login name@@kpc.people.actionCreate:Adding ${person.login}:LOGIN:`;
    return this.actions
      .run$(label, this.source.create$(person), { key: 'create', report: false })
      .pipe(
        tap((result) => {
          if (!result.ok) return;
          this.put(result.value);
          this.notifier.done(
            $localize`:Confirmation after adding a person; LOGIN is a login name@@kpc.people.created:${person.login}:LOGIN: added.`,
          );
        }),
      );
  }

  /** Replaces a person's roles. */
  setRoles(person: Person, roles: readonly RoleGrant[]): void {
    const label = $localize`:Action named in an error; LOGIN is a login name@@kpc.people.actionRoles:Changing the roles of ${person.login}:LOGIN:`;
    this.actions.run(
      label,
      this.source.setRoles$(person, roles),
      { key: `roles:${person.id}` },
      (changed) => {
        this.put(changed);
        this.notifier.done(
          $localize`:Confirmation after changing roles; LOGIN is a login name@@kpc.people.rolesChanged:Roles of ${person.login}:LOGIN: changed.`,
        );
      },
    );
  }

  /** Disables a person (signing them out everywhere) or enables them again. */
  setDisabled(person: Person, disabled: boolean): void {
    const login = person.login;
    const label = disabled
      ? $localize`:Action named in an error; LOGIN is a login name@@kpc.people.actionDisable:Disabling ${login}:LOGIN:`
      : $localize`:Action named in an error; LOGIN is a login name@@kpc.people.actionEnable:Enabling ${login}:LOGIN:`;
    const change = { displayName: person.displayName, disabled };
    this.actions.run(
      label,
      this.source.update$(person, change),
      { key: `update:${person.id}` },
      (changed) => {
        this.put(changed);
        this.notifier.done(
          disabled
            ? $localize`:Confirmation after disabling a person; LOGIN is a login name@@kpc.people.disabled:${login}:LOGIN: is disabled and signed out everywhere.`
            : $localize`:Confirmation after enabling a person; LOGIN is a login name@@kpc.people.enabled:${login}:LOGIN: can sign in again.`,
        );
      },
    );
  }

  /** Puts a person's new state in the list, in login order. */
  private put(person: Person): void {
    this.state.update((state) => ({
      ...state,
      people: [...state.people.filter((p) => p.id !== person.id), person].sort((a, b) =>
        a.login.localeCompare(b.login),
      ),
    }));
  }

  private load$(): Observable<Partial<State>> {
    return combineLatest([this.source.list$(), this.source.apps$()]).pipe(
      map(([people, apps]): Partial<State> => ({ people, apps, loading: false })),
      catchError((error: unknown) =>
        of<Partial<State>>({ loading: false, loadError: toKiiError(error) }),
      ),
      startWith<Partial<State>>({ loading: true, loadError: null }),
    );
  }
}
