import { ComponentHarness } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { MatTabGroupHarness } from '@angular/material/tabs/testing';

import { MessageStreamHarness } from './message-stream-harness';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
// A button's text starts with its icon's ligature ("pausePause"): match the label at the end.
const endsWith = (label: string) =>
  new RegExp(`(^|[\\s_a-z])${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** One monitor card (kpc-monitor-card): state, counters, errors and controls. */
export class MonitorCardHarness extends ComponentHarness {
  static hostSelector = 'kpc-monitor-card';

  private readonly status = this.locatorFor('[role="status"]');
  private readonly alert = this.locatorForOptional('[role="alert"]');
  private readonly counterGroup = this.locatorFor('[role="group"]');
  private readonly notes = this.locatorForAll('.kpc-note');
  private readonly timelineItems = this.locatorForAll('.kpc-timeline li');

  async label(): Promise<string | null> {
    return (await this.host()).getAttribute('aria-label');
  }

  /** "Connected", "Reconnecting next attempt at 10:15:02", ... (icons left out). */
  async state(): Promise<string> {
    return squash(await (await this.status()).text({ exclude: 'mat-icon' }));
  }

  async error(): Promise<string> {
    const alert = await this.alert();
    return alert ? squash(await alert.text()) : '';
  }

  async noteTexts(): Promise<string[]> {
    return Promise.all((await this.notes()).map(async (note) => squash(await note.text())));
  }

  /** The counters' values by name, as numbers. */
  async counters(): Promise<Record<'Received' | 'Shown' | 'Dropped' | 'Buffered', number>> {
    const text = squash(await (await this.counterGroup()).text());
    const read = (name: string) =>
      Number(new RegExp(`${name} ([\\d,]+)`).exec(text)?.[1].replace(/,/g, ''));
    return {
      Received: read('Received'),
      Shown: read('Shown'),
      Dropped: read('Dropped'),
      Buffered: read('Buffered'),
    };
  }

  /** The button whose text ends with `label` (its icon's ligature comes first). */
  async button(label: string): Promise<MatButtonHarness> {
    return this.locatorFor(MatButtonHarness.with({ text: endsWith(label) }))();
  }

  async hasButton(label: string): Promise<boolean> {
    return (
      (await this.locatorForAll(MatButtonHarness.with({ text: endsWith(label) }))()).length > 0
    );
  }

  async click(label: string): Promise<void> {
    await (await this.button(label)).click();
  }

  /** Opens the filter fields (if closed) and types into the one labelled `label`. */
  async filter(label: 'Text' | 'Topic' | 'Payload key=value', value: string): Promise<void> {
    if (
      (await this.locatorForAll(MatFormFieldHarness.with({ floatingLabelText: label }))())
        .length === 0
    ) {
      await this.click('Filter');
    }
    const field = await this.locatorFor(MatFormFieldHarness.with({ floatingLabelText: label }))();
    const input = (await field.getControl(MatInputHarness))!;
    await input.setValue(value);
    // The card waits for typing to settle before filtering.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  /** The hint or error under a filter field. */
  async filterHint(label: string): Promise<string> {
    const field = await this.locatorFor(MatFormFieldHarness.with({ floatingLabelText: label }))();
    return (await field.getTextHints()).join(' ');
  }

  /** Exports through the menu: "NDJSON" or "CSV". */
  async export(format: 'NDJSON' | 'CSV'): Promise<void> {
    await this.click('Export');
    const menu = await this.documentRootLocatorFactory().locatorFor(MatMenuHarness)();
    await menu.clickItem({ text: new RegExp(format) });
  }

  /** The timeline's lines, newest first (opens it). */
  async timeline(): Promise<string[]> {
    if ((await this.timelineItems()).length === 0) await this.click('Timeline');
    return Promise.all((await this.timelineItems()).map(async (item) => squash(await item.text())));
  }
}

/** The selected message's details (kpc-message-detail). */
export class MessageDetailHarness extends ComponentHarness {
  static hostSelector = 'kpc-message-detail';

  private readonly tabs = this.locatorFor(MatTabGroupHarness);
  private readonly metaTerms = this.locatorForAll('.kpc-meta dt');
  private readonly metaValues = this.locatorForAll('.kpc-meta dd');
  private readonly text = this.locatorForOptional('.kpc-payload-text');
  private readonly hex = this.locatorForOptional('.kpc-payload-hex');
  private readonly tree = this.locatorForOptional('kpc-json-tree');
  private readonly notes = this.locatorForAll('.kpc-note');

  async selectedTab(): Promise<string> {
    return (await (await this.tabs()).getSelectedTab()).getLabel();
  }

  async selectTab(label: 'JSON' | 'Text' | 'Hex'): Promise<void> {
    await (await this.tabs()).selectTab({ label });
  }

  async isTabDisabled(label: 'JSON' | 'Text' | 'Hex'): Promise<boolean> {
    const [tab] = await (await this.tabs()).getTabs({ label });
    return tab.isDisabled();
  }

  /** Label → value of the details list. */
  async meta(): Promise<Record<string, string>> {
    const terms = await Promise.all((await this.metaTerms()).map((t) => t.text()));
    const values = await Promise.all((await this.metaValues()).map((v) => v.text()));
    return Object.fromEntries(terms.map((term, i) => [squash(term), squash(values[i])]));
  }

  /** The raw text view's content (select the Text tab first). */
  async rawText(): Promise<string> {
    return (await (await this.text())?.text()) ?? '';
  }

  /** The hex view's lines (select the Hex tab first). */
  async hexLines(): Promise<string[]> {
    const hex = await this.hex();
    return hex ? (await hex.text()).split('\n') : [];
  }

  /** The JSON tree, one line per key (JSON tab): `key: value`, `key: { 2 entries`. */
  async treeLines(): Promise<string[]> {
    const lines = await this.locatorForAll('kpc-json-tree summary, kpc-json-tree .kpc-json-line')();
    return Promise.all(lines.map(async (line) => squash(await line.text())));
  }

  /** The JSON tree's text (JSON tab). */
  async treeText(): Promise<string> {
    const tree = await this.tree();
    return tree ? squash(await tree.text()) : '';
  }

  async noteTexts(): Promise<string[]> {
    return Promise.all((await this.notes()).map(async (n) => squash(await n.text())));
  }

  async close(): Promise<void> {
    await (
      await this.locatorFor(
        MatButtonHarness.with({ selector: '[aria-label="Close the message"]' }),
      )()
    ).click();
  }
}

/** The Live traffic page (kpc-live-page): its monitors, the stream and the details. */
export class LivePageHarness extends ComponentHarness {
  static hostSelector = 'kpc-live-page';

  readonly cards = this.locatorForAll(MonitorCardHarness);
  readonly detail = this.locatorForOptional(MessageDetailHarness);
  private readonly empty = this.locatorForOptional('.kpc-empty');

  async card(label: string): Promise<MonitorCardHarness> {
    for (const card of await this.cards()) if ((await card.label()) === label) return card;
    throw new Error(`No monitor card ${label}`);
  }

  async stream(): Promise<MessageStreamHarness> {
    return this.locatorFor(MessageStreamHarness)();
  }

  async newMonitor(): Promise<void> {
    await (
      await this.locatorFor(MatButtonHarness.with({ text: endsWith('New monitor') }))()
    ).click();
  }

  async emptyText(): Promise<string> {
    const empty = await this.empty();
    return empty ? squash(await empty.text()) : '';
  }
}
