import { DatePipe, DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  untracked,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';

import { OutcomeRow } from '../core/kii/push-trace';
import { LoadError } from '../shared/load-error';
import { sentToLabel } from '../compose/recent-sends';
import { outcomeFix } from './diagnosis-text';
import { PushReportStore } from './push-report-store';

/**
 * One push's report: targeted, written, skipped by reason with each reason's fix line, time
 * from the send to the writes, and the kept rows, each linked to its diagnosis. Routed as
 * `pushes/:pushMessageID`.
 */
@Component({
  selector: 'kpc-push-report-page',
  imports: [
    DatePipe,
    DecimalPipe,
    LoadError,
    RouterLink,
    MatButtonModule,
    MatProgressBarModule,
    MatTableModule,
  ],
  providers: [PushReportStore],
  templateUrl: './push-report-page.html',
  styleUrl: './push-report-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class PushReportPage {
  protected readonly store = inject(PushReportStore);
  private readonly injector = inject(Injector);
  private readonly rowCount = viewChild<ElementRef<HTMLElement>>('rowCount');
  private readonly moreButton = viewChild('moreButton', { read: ElementRef });

  /** From the route. */
  readonly pushMessageID = input.required<string>();

  protected readonly reasonColumns = ['outcome', 'count', 'fix'];
  protected readonly rowColumns = ['installation', 'owner', 'outcome', 'written', 'diagnose'];
  /** Every outcome but DELIVERED, largest first. */
  protected readonly skipped = computed(() => {
    const summary = this.store.report()?.summary;
    if (!summary) return [];
    return Object.entries(summary.outcomes)
      .filter(([outcome, count]) => outcome !== 'DELIVERED' && count)
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, count]) => ({
        outcome,
        count,
        fix: outcomeFix(outcome, summary.sendToDevelopment),
      }));
  });

  /** What both modes know: the ledger's summary, or this tab's record of the send. */
  protected readonly basics = computed(() => {
    const summary = this.store.report()?.summary;
    if (summary) {
      return {
        target: summary.target,
        sentAt: summary.sentAt,
        development: summary.sendToDevelopment,
        production: summary.sendToProduction,
        bytes: summary.payloadBytes,
      };
    }
    const sent = this.store.traced() === false ? this.store.sent() : null;
    return sent ? { ...sent, target: sentToLabel(sent.target) } : null;
  });

  constructor() {
    effect(() => {
      const id = this.pushMessageID();
      const traced = this.store.traced();
      if (traced === null) return;
      untracked(() => this.store.open(id, traced));
    });
    // The last page removes "Show more": focus would fall to the page's start, so a keyboard
    // user who pressed it lands on the count of rows instead, right below the table.
    effect(() => {
      const report = this.store.report();
      if (!report || report.nextKey) return;
      const button = untracked(this.moreButton)?.nativeElement as HTMLElement | undefined;
      if (!button || button !== document.activeElement) return;
      afterNextRender(() => this.rowCount()?.nativeElement.focus(), { injector: this.injector });
    });
  }

  protected owner(row: OutcomeRow): string {
    return row.owner ? `${row.owner.kind} ${row.owner.id}` : '';
  }

  protected diagnoseLabel(row: OutcomeRow): string {
    return $localize`:Accessible name of the link that diagnoses one recipient@@kpc.diagnose.diagnoseRow:Diagnose installation ${row.installationID}:ID:`;
  }
}
