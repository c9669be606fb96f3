import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import { AUDIT_ACTIONS, AuditFilters, AuditOutcome, NO_FILTERS } from './audit-entry';

/**
 * The audit filters: person, app, action kind, outcome and a time range, applied on submit
 * (Enter in any field, or the Apply button) so that typing does not fire a query per key.
 */
@Component({
  selector: 'kpc-audit-filter-form',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  template: `
    <form
      class="kpc-filters"
      i18n-aria-label="Accessible name of the audit filter form@@kpc.audit.filtersLabel"
      aria-label="Audit filters"
      (submit)="submit($event)"
    >
      @if (byPerson()) {
        <mat-form-field subscriptSizing="dynamic">
          <mat-label i18n="Label of the person filter@@kpc.audit.personLabel"
            >Person (login)</mat-label
          >
          <input
            matInput
            name="person"
            autocomplete="off"
            spellcheck="false"
            [value]="form().person"
            (input)="set('person', $any($event.target).value)"
          />
        </mat-form-field>
      }
      <mat-form-field subscriptSizing="dynamic">
        <mat-label i18n="Label of the app filter@@kpc.audit.appLabel">App ID</mat-label>
        <input
          matInput
          name="app"
          autocomplete="off"
          spellcheck="false"
          [value]="form().appId"
          (input)="set('appId', $any($event.target).value)"
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label i18n="Label of the action kind filter@@kpc.audit.actionLabel">Action</mat-label>
        <mat-select [value]="form().action" (valueChange)="set('action', $event)">
          <mat-option value="" i18n="Choice that does not filter@@kpc.audit.anyAction"
            >Any action</mat-option
          >
          @for (kind of actions; track kind.action) {
            <mat-option [value]="kind.action">{{ kind.label }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label i18n="Label of the outcome filter@@kpc.audit.outcomeLabel">Outcome</mat-label>
        <mat-select [value]="form().outcome" (valueChange)="setOutcome($event)">
          <mat-option value="" i18n="Choice that does not filter@@kpc.audit.anyOutcome"
            >Any outcome</mat-option
          >
          <mat-option value="ok" i18n="Outcome filter choice@@kpc.audit.outcomeOk"
            >Succeeded</mat-option
          >
          <mat-option value="failed" i18n="Outcome filter choice@@kpc.audit.outcomeFailed"
            >Refused or failed</mat-option
          >
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label i18n="Label of the start of the time range@@kpc.audit.fromLabel">From</mat-label>
        <input
          matInput
          type="datetime-local"
          name="from"
          [value]="form().from"
          (input)="set('from', $any($event.target).value)"
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label i18n="Label of the end of the time range@@kpc.audit.toLabel">Until</mat-label>
        <input
          matInput
          type="datetime-local"
          name="to"
          [value]="form().to"
          (input)="set('to', $any($event.target).value)"
        />
      </mat-form-field>
      <div class="kpc-buttons">
        <button matButton="filled" type="submit" [disabled]="!!rangeError()">
          <ng-container i18n="Button that applies the audit filters@@kpc.audit.apply"
            >Apply filters</ng-container
          >
        </button>
        <button matButton type="button" (click)="clear()">
          <ng-container i18n="Button that clears the audit filters@@kpc.audit.clear"
            >Clear</ng-container
          >
        </button>
      </div>
      @if (rangeError()) {
        <p class="kpc-error" role="alert">{{ rangeError() }}</p>
      }
    </form>
  `,
  styles: `
    .kpc-filters {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    mat-form-field {
      flex: 1 1 200px;
    }
    .kpc-buttons {
      display: flex;
      gap: 8px;
    }
    .kpc-error {
      flex-basis: 100%;
      margin: 0;
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditFilterForm {
  /** False for a person who can only see their own actions: a person filter means nothing. */
  readonly byPerson = input(true);
  readonly apply = output<AuditFilters>();

  protected readonly actions = AUDIT_ACTIONS;
  protected readonly form = signal<AuditFilters>(NO_FILTERS);
  protected readonly rangeError = computed(() => {
    const { from, to } = this.form();
    return from && to && from >= to
      ? $localize`:Shown when the time range ends before it starts@@kpc.audit.rangeError:The end of the time range must be after its start.`
      : '';
  });

  protected set(field: 'person' | 'appId' | 'action' | 'from' | 'to', value: string): void {
    this.form.update((form) => ({ ...form, [field]: value }));
  }

  protected setOutcome(value: AuditOutcome | ''): void {
    this.form.update((form) => ({ ...form, outcome: value }));
  }

  protected submit(event: Event): void {
    event.preventDefault();
    if (!this.rangeError()) this.apply.emit(this.trimmed());
  }

  protected clear(): void {
    this.form.set(NO_FILTERS);
    this.apply.emit(NO_FILTERS);
  }

  private trimmed(): AuditFilters {
    const form = this.form();
    return { ...form, person: form.person.trim(), appId: form.appId.trim() };
  }
}
