import { ComponentHarness } from '@angular/cdk/testing';
import { MatTableHarness } from '@angular/material/table/testing';

/** The stream's columns, as the table names them. */
export type StreamColumn = 'time' | 'monitor' | 'topic' | 'sender' | 'scope' | 'size' | 'payload';

/**
 * Reads and drives the message stream (kpc-message-stream) through Material's table harness.
 * Only the rows in the virtual window exist; `rows()` lists those, newest first.
 */
export class MessageStreamHarness extends ComponentHarness {
  static hostSelector = 'kpc-message-stream';

  private readonly table = this.locatorFor(MatTableHarness);
  private readonly emptyRow = this.locatorForOptional('.kpc-empty');

  /** The rendered rows, newest first, as column → text. */
  async rows(): Promise<Record<StreamColumn, string>[]> {
    const rows = await (await this.table()).getRows();
    return Promise.all(
      rows.map((row) => row.getCellTextByColumnName() as Promise<Record<StreamColumn, string>>),
    );
  }

  /** One column of the rendered rows. */
  async column(name: StreamColumn): Promise<string[]> {
    return (await this.rows()).map((row) => row[name]);
  }

  /** Clicks the n-th rendered row (0 = newest). */
  async select(index: number): Promise<void> {
    const rows = await (await this.table()).getRows();
    await (await rows[index].host()).click();
  }

  /** Index of the row marked as selected, or -1. */
  async selectedIndex(): Promise<number> {
    const rows = await (await this.table()).getRows();
    for (let i = 0; i < rows.length; i++) {
      if ((await (await rows[i].host()).getAttribute('aria-current')) === 'true') return i;
    }
    return -1;
  }

  /** The table's total row count for assistive technology (header included). */
  async ariaRowCount(): Promise<number> {
    return Number(await (await (await this.table()).host()).getAttribute('aria-rowcount'));
  }

  /** The "no messages" text, or null when rows are shown. */
  async emptyText(): Promise<string | null> {
    const empty = await this.emptyRow();
    return empty ? (await empty.text()).trim() : null;
  }
}
