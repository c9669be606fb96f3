import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { Subject, catchError, exhaustMap, finalize, map, of } from 'rxjs';

import { BROWSER_LOCATION } from '../core/browser';
import { KiiError, toKiiError } from '../core/kii-error';
import { LocalServer } from '../core/local-server';
import { ProfileStore, SavedProfile } from '../core/profiles';
import { SessionStore, SignInRequest } from '../core/session';
import { ConnectForm } from './connect-form';
import {
  ConnectPreset,
  presetForLocalServer,
  presetFromDemo,
  presetFromProfile,
} from './connect-preset';
import { ProfileList } from './profile-list';
import { SessionSummary } from './session-summary';

/** The Connect page: sign in to a Kii app, see who is signed in, pick a saved profile. */
@Component({
  selector: 'kpc-connect-page',
  imports: [MatCardModule, ConnectForm, ProfileList, SessionSummary],
  templateUrl: './connect-page.html',
  styleUrl: './connect-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ConnectPage {
  private readonly sessions = inject(SessionStore);
  private readonly profileStore = inject(ProfileStore);
  private readonly localServer = inject(LocalServer);

  protected readonly origin = inject(BROWSER_LOCATION).origin;
  protected readonly session = this.sessions.session;
  protected readonly profiles = this.profileStore.profiles;
  protected readonly serverInfo = this.localServer.info;
  protected readonly busy = signal(false);
  protected readonly error = signal<KiiError | null>(null);

  private readonly chosen = signal<ConnectPreset | null>(null);
  // Suggested on arrival: the last profile used (without its secret unless remembered), else
  // the local server's demo app. Only the discovery answer re-runs it; later sign-ins (which
  // save profiles) do not refill the form.
  private readonly suggested = computed<ConnectPreset | null>(() => {
    const info = this.serverInfo();
    const latest = untracked(() => this.profiles()[0]) as SavedProfile | undefined;
    if (latest) return presetFromProfile(latest, 'initial');
    if (info?.demo) return presetFromDemo(info.demo);
    return info ? presetForLocalServer() : null;
  });
  protected readonly preset = computed(() => this.chosen() ?? this.suggested());

  private readonly requests = new Subject<SignInRequest>();

  constructor() {
    this.requests
      .pipe(
        // A second submit while signing in is ignored, not queued.
        exhaustMap((request) => {
          this.busy.set(true);
          this.error.set(null);
          return this.sessions.signIn$(request).pipe(
            map(() => null),
            catchError((error: unknown) => of(toKiiError(error))),
            finalize(() => this.busy.set(false)),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((error) => this.error.set(error));
  }

  protected connect(request: SignInRequest): void {
    this.requests.next(request);
  }

  protected use(profile: SavedProfile): void {
    this.error.set(null);
    this.chosen.set(presetFromProfile(profile, 'chosen'));
  }

  protected forget(profile: SavedProfile): void {
    this.profileStore.remove(profile.key);
  }

  protected signOut(): void {
    this.error.set(null);
    this.sessions.signOut();
  }
}
