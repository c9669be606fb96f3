import { ScrollingModule } from '@angular/cdk/scrolling';
import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatTableModule } from '@angular/material/table';

import { LiveMessage } from './live-message';
import { scopeLabel } from './message-text';

/** Height of one row; the virtual scroll viewport relies on it being fixed. */
export const STREAM_ROW_HEIGHT = 32;

/**
 * The received messages, newest first, in a virtually scrolled table: only the rows in view
 * exist in the DOM, so 10,000 buffered messages cost no more to render than 30. Columns come
 * from each message's lazily computed summary; every value is bound as text.
 */
@Component({
  selector: 'kpc-message-stream',
  imports: [DatePipe, DecimalPipe, MatTableModule, ScrollingModule],
  templateUrl: './message-stream.html',
  styleUrl: './message-stream.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageStream {
  /** Messages to list, newest first. */
  readonly rows = input.required<readonly LiveMessage[]>();
  readonly selected = input<LiveMessage | null>(null);
  /** The operator picked a row (click or Enter). */
  readonly selectMessage = output<LiveMessage>();

  protected readonly columns = ['time', 'monitor', 'topic', 'sender', 'scope', 'size', 'payload'];
  protected readonly rowHeight = STREAM_ROW_HEIGHT;
  protected readonly trackBySeq = (_: number, message: LiveMessage) => message.seq;
  protected readonly scopeOf = (message: LiveMessage) => scopeLabel(message.summary);
}
