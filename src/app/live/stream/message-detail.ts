import { ClipboardModule } from '@angular/cdk/clipboard';
import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink } from '@angular/router';

import { JsonTree } from '../../shared/json-tree';
import { HEX_DUMP_LIMIT, hexDump, payloadBytes } from './hex-dump';
import { LiveMessage } from '../feed/live-message';
import { scopeLabel } from './message-text';

/**
 * One message in full: where it came from, and its payload as a JSON tree, as raw text and as
 * a hex dump with offsets. The payload is untrusted and only ever bound as text.
 */
@Component({
  selector: 'kpc-message-detail',
  imports: [
    ClipboardModule,
    DatePipe,
    DecimalPipe,
    JsonTree,
    MatButtonModule,
    MatIconModule,
    MatTabsModule,
    RouterLink,
  ],
  templateUrl: './message-detail.html',
  styleUrl: './message-detail.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { role: 'region', 'aria-labelledby': 'kpc-message-detail-title' },
})
export class MessageDetail {
  readonly message = input.required<LiveMessage>();
  readonly closed = output<void>();

  protected readonly summary = computed(() => this.message().summary);
  protected readonly parsed = computed(() => this.message().parse());
  protected readonly scope = computed(() => scopeLabel(this.summary()));
  protected readonly pushMessageId = computed(() => {
    const id = this.parsed().routing?.['pushMessageID'];
    return typeof id === 'string' ? id : '';
  });
  protected readonly bytes = computed(() => payloadBytes(this.message()));
  protected readonly hex = computed(() => hexDump(this.bytes()).join('\n'));
  protected readonly hexCut = computed(() => this.bytes().length > HEX_DUMP_LIMIT);
  // Open where the payload reads best: the tree for JSON, hex for bytes, else the text.
  protected readonly firstTab = computed(() =>
    this.message().binary ? 2 : this.parsed().isJson ? 0 : 1,
  );
}
