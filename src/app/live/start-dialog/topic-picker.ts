import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatListModule, MatSelectionListChange } from '@angular/material/list';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Subject, catchError, exhaustMap, finalize, map, of } from 'rxjs';

import { KiiError, isKiiError, toKiiError } from '../../core/kii-error';
import { PrincipalLookup } from '../../core/principal-lookup';
import { MonitorSources } from '../monitors/monitor-sources';
import { TopicRef, sameTopic, topicLabel } from '../../core/kii/topic-scope';
import { ConsoleMode } from '../../core/team/console-mode';

/** Kii's topic ID rule (docs/kii-api.md §6.1). */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Picks the topics a Topics monitor watches: any of the app's topics, plus (browser-only mode)
 * topics of a user or thing named by login name / vendor thing ID.
 */
@Component({
  selector: 'kpc-topic-picker',
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatListModule,
    MatProgressBarModule,
    ReactiveFormsModule,
  ],
  templateUrl: './topic-picker.html',
  styleUrl: './topic-picker.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TopicPicker {
  private readonly sources = inject(MonitorSources);
  private readonly lookup = inject(PrincipalLookup);
  /** Team mode offers app topics only (see the template). */
  protected readonly team = inject(ConsoleMode).team;

  /** Every change of the chosen topics. */
  readonly topicsChange = output<readonly TopicRef[]>();

  protected readonly appTopics = signal<readonly string[] | null>(null);
  protected readonly loadError = signal<KiiError | null>(null);
  protected readonly chosenApp = signal<readonly string[]>([]);
  protected readonly others = signal<readonly TopicRef[]>([]);
  protected readonly ownerKind = signal<'user' | 'thing'>('user');
  protected readonly adding = signal(false);
  protected readonly addError = signal<string | null>(null);
  protected readonly owner = new FormControl('', {
    nonNullable: true,
    validators: [Validators.required],
  });
  protected readonly topicName = new FormControl('', {
    nonNullable: true,
    validators: [Validators.required, Validators.pattern(TOPIC_NAME)],
  });
  protected readonly label = topicLabel;

  private readonly loads = new Subject<void>();
  private readonly adds = new Subject<{
    kind: 'user' | 'thing';
    ownerText: string;
    name: string;
  }>();

  constructor() {
    this.loads
      .pipe(
        exhaustMap(() => {
          this.loadError.set(null);
          return this.sources.appTopics$().pipe(
            map((names) => ({ names, error: null })),
            catchError((error: unknown) => of({ names: null, error: toKiiError(error) })),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe(({ names, error }) => {
        this.appTopics.set(names);
        this.loadError.set(error);
      });
    this.adds
      .pipe(
        exhaustMap(({ kind, ownerText, name }) => {
          this.adding.set(true);
          this.addError.set(null);
          return this.lookup.resolve$({ kind, by: 'name', value: ownerText }).pipe(
            map((owner): TopicRef => ({
              scope: { kind, owner },
              name,
            })),
            catchError((error: unknown) => of(toKiiError(error))),
            finalize(() => this.adding.set(false)),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((result) => {
        if (isKiiError(result)) {
          this.addError.set(result.message);
          return;
        }
        if (!this.others().some((t) => sameTopic(t, result)))
          this.others.update((list) => [...list, result]);
        this.topicName.reset('');
        this.emit();
      });
    this.load();
  }

  protected load(): void {
    this.loads.next();
  }

  protected appSelectionChanged(change: MatSelectionListChange): void {
    this.chosenApp.set(
      change.source.selectedOptions.selected.map((option) => option.value as string),
    );
    this.emit();
  }

  protected addOther(): void {
    this.owner.markAsTouched();
    this.topicName.markAsTouched();
    if (this.owner.invalid || this.topicName.invalid) return;
    this.adds.next({
      kind: this.ownerKind(),
      ownerText: this.owner.value.trim(),
      name: this.topicName.value,
    });
  }

  protected removeOther(topic: TopicRef): void {
    this.others.update((list) => list.filter((t) => t !== topic));
    this.emit();
  }

  private emit(): void {
    const app: TopicRef[] = this.chosenApp().map((name) => ({
      scope: { kind: 'app' },
      name,
    }));
    this.topicsChange.emit([...app, ...this.others()]);
  }
}
