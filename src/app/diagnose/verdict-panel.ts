import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import { CheckStatus, Diagnosis } from './diagnosis';
import { checkName, statusText } from './diagnosis-text';

const STATUS_ICONS: Record<CheckStatus, string> = {
  pass: 'check_circle',
  fail: 'cancel',
  unknown: 'help',
  unavailable: 'block',
  skipped: 'radio_button_unchecked',
};

/** A diagnosis: the verdict with its evidence and fix line, then every check in order. */
@Component({
  selector: 'kpc-verdict-panel',
  imports: [MatIconModule],
  template: `
    @let d = diagnosis();
    <section class="kpc-verdict" [class.kpc-ok]="ok()" aria-labelledby="kpc-verdict-title">
      <h2 id="kpc-verdict-title">
        <mat-icon aria-hidden="true">{{ ok() ? 'check_circle' : 'error' }}</mat-icon>
        <span>{{ d.title }}</span>
      </h2>
      <p>
        <code class="kpc-code">{{ d.code }}</code>
        {{ d.evidence }}
      </p>
      <p class="kpc-fix">
        <strong i18n="Lead of the fix line of a verdict@@kpc.diagnose.fixLead">What to do:</strong>
        {{ d.fix }}
      </p>
    </section>
    <h3
      id="kpc-checks-heading"
      i18n="Heading of the list of diagnosis checks@@kpc.diagnose.checksHeading"
    >
      Checks, in order
    </h3>
    <ol class="kpc-checks" aria-labelledby="kpc-checks-heading">
      @for (check of d.checks; track check.id) {
        <li [class]="'kpc-' + check.status">
          <mat-icon aria-hidden="true">{{ icon(check.status) }}</mat-icon>
          <span class="kpc-name">{{ name(check.id) }}</span>
          <span class="kpc-status">{{ status(check.status) }}</span>
          @if (check.evidence) {
            <span class="kpc-evidence">{{ check.evidence }}</span>
          }
        </li>
      }
    </ol>
  `,
  styles: `
    :host {
      display: block;
    }
    .kpc-verdict {
      border-left: 4px solid var(--mat-sys-error);
      padding: 4px 16px;
      margin-bottom: 16px;
    }
    .kpc-verdict.kpc-ok {
      border-left-color: var(--mat-sys-primary);
    }
    h2 {
      display: flex;
      align-items: center;
      gap: 8px;
      margin: 8px 0;
    }
    .kpc-code {
      font-family: var(--kpc-mono, monospace);
      margin-right: 8px;
    }
    .kpc-checks {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .kpc-checks li {
      display: grid;
      grid-template-columns: 24px 16em 10em 1fr;
      gap: 8px;
      align-items: start;
      padding: 6px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .kpc-fail mat-icon {
      color: var(--mat-sys-error);
    }
    .kpc-pass mat-icon {
      color: var(--mat-sys-primary);
    }
    .kpc-skipped,
    .kpc-unavailable {
      color: var(--mat-sys-on-surface-variant);
    }
    @media (max-width: 720px) {
      .kpc-checks li {
        grid-template-columns: 24px 1fr;
      }
      .kpc-status,
      .kpc-evidence {
        grid-column: 2;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VerdictPanel {
  readonly diagnosis = input.required<Diagnosis>();

  protected ok(): boolean {
    const verdict = this.diagnosis().verdict;
    return verdict === 'DELIVERED' || verdict === 'NO_PROBLEM_FOUND';
  }

  protected icon(status: CheckStatus): string {
    return STATUS_ICONS[status];
  }

  protected readonly name = checkName;
  protected readonly status = statusText;
}
