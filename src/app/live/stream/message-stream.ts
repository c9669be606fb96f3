import { DatePipe, DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  afterRenderEffect,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { MatTableModule } from '@angular/material/table';

import { LiveFrames } from '../live-frames';
import { LiveMessage } from '../feed/live-message';
import { scopeLabel } from './message-text';

/** Height of one row (and of the header); the window arithmetic relies on it being fixed. */
export const STREAM_ROW_HEIGHT = 32;
/** Rows rendered above and below the visible ones, so a quick scroll shows no gap. */
const OVERSCAN = 3;

/** Where the operator scrolled to: the message at the top, or null to follow the newest. */
interface Pin {
  readonly seq: number;
  /** Pixels of that row scrolled out of view. */
  readonly offset: number;
}

/**
 * The received messages, newest first, virtually scrolled: only the rows in view (plus a few)
 * exist in the DOM, so 10,000 buffered messages cost no more to render than 40. At the top
 * the view follows the newest message; scrolled down, it stays on the messages being read
 * while new ones arrive above. Scrolling is handled in the live area's frame loop, so the
 * page still renders at most once per frame (the CDK viewport adds a pass of its own on every
 * data change). Every value is bound as text.
 */
@Component({
  selector: 'kpc-message-stream',
  imports: [DatePipe, DecimalPipe, MatTableModule],
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

  private readonly frames = inject(LiveFrames);
  private readonly injector = inject(Injector);
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  private readonly pin = signal<Pin | null>(null);
  private readonly viewportHeight = signal(STREAM_ROW_HEIGHT * 20);
  private readonly scrollKey = {};
  private readonly resizeKey = {};
  /** The scroll position as of the last frame (what the operator did since is not in it). */
  private knownScrollTop = 0;

  protected readonly columns = ['time', 'monitor', 'topic', 'sender', 'scope', 'size', 'payload'];
  protected readonly rowHeight = STREAM_ROW_HEIGHT;

  /** Index of the message at the top of the view. */
  private readonly topIndex = computed(() => {
    const pin = this.pin();
    return pin ? indexOfSeq(this.rows(), pin.seq) : 0;
  });
  protected readonly window = computed(() => {
    const rows = this.rows();
    const count = Math.ceil(this.viewportHeight() / STREAM_ROW_HEIGHT) + 2 * OVERSCAN;
    const start = Math.max(0, Math.min(this.topIndex() - OVERSCAN, rows.length - count));
    const shown = rows.slice(start, start + count);
    return {
      start,
      rows: shown,
      padTop: start * STREAM_ROW_HEIGHT,
      padBottom: (rows.length - start - shown.length) * STREAM_ROW_HEIGHT,
    };
  });

  // Rows are tracked by position, not by message: when new messages push the list down, each
  // row view stays and only its text changes. Tracking by message would destroy and create
  // every visible row on every frame at high rates.
  protected readonly trackByPosition = (index: number) => index;
  protected readonly scopeOf = (message: LiveMessage) => scopeLabel(message.summary);

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const element = this.scroller().nativeElement;
      const scrolled = () =>
        this.frames.request(this.scrollKey, () => this.scrolledTo(element.scrollTop));
      element.addEventListener('scroll', scrolled, { passive: true });
      const resized = new ResizeObserver(() =>
        this.frames.request(this.resizeKey, () => this.viewportHeight.set(element.clientHeight)),
      );
      resized.observe(element);
      destroyRef.onDestroy(() => {
        element.removeEventListener('scroll', scrolled);
        resized.disconnect();
        this.frames.cancelJob(this.scrollKey);
        this.frames.cancelJob(this.resizeKey);
      });
    });
    // Keeps the pinned message in place while newer ones arrive above it.
    afterRenderEffect({
      write: () => {
        const pin = this.pin();
        const wanted = pin ? this.topIndex() * STREAM_ROW_HEIGHT + pin.offset : 0;
        const element = this.scroller().nativeElement;
        // The operator scrolled since the last frame: their scroll wins, and the next frame
        // pins what they scrolled to.
        if (Math.abs(element.scrollTop - this.knownScrollTop) >= 1) return;
        if (Math.abs(element.scrollTop - wanted) >= 1) element.scrollTop = wanted;
        this.knownScrollTop = element.scrollTop;
      },
    });
  }

  /** Whether keyboard focus is in the list. */
  hasFocus(): boolean {
    const element = this.scroller().nativeElement;
    return element.contains(element.ownerDocument.activeElement);
  }

  /**
   * Scrolls `message` into view if it is not, and focuses its row: keyboard navigation
   * (J / K, arrows) and returning from the details land on the message itself.
   */
  reveal(message: LiveMessage): void {
    const rows = this.rows();
    const index = rows.indexOf(message);
    if (index < 0) return;
    // The sticky header takes one row of the viewport.
    const visible = Math.max(1, Math.floor(this.viewportHeight() / STREAM_ROW_HEIGHT) - 1);
    const top = this.pin() ? this.topIndex() : 0;
    let newTop: number | null = null;
    if (index < top) newTop = index;
    else if (index >= top + visible) newTop = index - visible + 1;
    if (newTop !== null) this.pin.set(newTop === 0 ? null : { seq: rows[newTop].seq, offset: 0 });
    afterNextRender(
      () =>
        this.scroller()
          .nativeElement.querySelector<HTMLElement>(`[aria-rowindex="${index + 2}"]`)
          ?.focus({ preventScroll: true }),
      { injector: this.injector },
    );
  }

  private scrolledTo(scrollTop: number): void {
    this.knownScrollTop = scrollTop;
    const rows = this.rows();
    const index = Math.min(Math.floor(scrollTop / STREAM_ROW_HEIGHT), rows.length - 1);
    // Near the top the view follows the newest message.
    if (scrollTop < STREAM_ROW_HEIGHT / 2 || index < 0) {
      this.pin.set(null);
      return;
    }
    this.pin.set({ seq: rows[index].seq, offset: scrollTop - index * STREAM_ROW_HEIGHT });
  }
}

/** Position of `seq` in rows sorted newest first, or of the next older one still there. */
export function indexOfSeq(rows: readonly LiveMessage[], seq: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (rows[middle].seq > seq) low = middle + 1;
    else high = middle;
  }
  return Math.min(low, Math.max(0, rows.length - 1));
}
