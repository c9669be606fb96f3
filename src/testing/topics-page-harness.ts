import { ComponentHarness } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatCardHarness } from '@angular/material/card/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Drives the Topics page by labels and button texts through Material's harnesses. Our own
 * markup (the inline alert, the subscription status line) is read by its ARIA role.
 */
export class TopicsPageHarness extends ComponentHarness {
  static hostSelector = 'kpc-topics-page';

  private readonly alert = this.locatorForOptional('[role="alert"]');
  private readonly status = this.locatorForOptional('[role="status"]');

  /** Lets the fake SDK's promises and the HTTP answers settle, then re-renders. */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    await this.forceStabilize();
  }

  /** The topic names in the table, in order. */
  async topicNames(): Promise<string[]> {
    const table = await this.locatorFor(MatTableHarness)();
    const rows = await table.getRows();
    return Promise.all(rows.map(async (row) => (await row.getCellTextByColumnName())['name']));
  }

  /** The card titles ("Scope", "Topics of App scope", "Subscriptions of news"). */
  async cardTitles(): Promise<string[]> {
    const cards = await this.locatorForAll(MatCardHarness)();
    return Promise.all(cards.map(async (card) => squash(await card.getTitleText())));
  }

  /** The text input labelled `label` (within `ancestor` when given). */
  async field(label: string | RegExp, ancestor?: string): Promise<MatInputHarness> {
    const formField = await this.locatorFor(
      MatFormFieldHarness.with({ floatingLabelText: label, ...(ancestor ? { ancestor } : {}) }),
    )();
    const input = await formField.getControl(MatInputHarness);
    if (!input) throw new Error(`No input labelled ${label}`);
    return input;
  }

  async fieldErrors(label: string | RegExp): Promise<string[]> {
    const formField = await this.locatorFor(
      MatFormFieldHarness.with({ floatingLabelText: label }),
    )();
    return formField.getTextErrors();
  }

  async button(text: string | RegExp, ancestor?: string): Promise<MatButtonHarness> {
    return this.locatorFor(MatButtonHarness.with({ text, ...(ancestor ? { ancestor } : {}) }))();
  }

  /** Clicks the button by its text or accessible name, and lets the answers settle. */
  async click(text: string | RegExp, ancestor?: string): Promise<void> {
    await (await this.button(text, ancestor)).click();
    await this.settle();
  }

  async clickLabelled(ariaLabel: string): Promise<void> {
    const button = MatButtonHarness.with({ selector: `[aria-label="${ariaLabel}"]` });
    await (await this.locatorFor(button)()).click();
    await this.settle();
  }

  /** Checks the toggle with this text (within `ancestor`, e.g. a card). */
  async toggle(text: string, ancestor?: string): Promise<void> {
    const toggle = MatButtonToggleHarness.with({ text, ...(ancestor ? { ancestor } : {}) });
    await (await this.locatorFor(toggle)()).check();
  }

  /** Clicks a button in the row of `topic` ("Subscriptions"). */
  async clickInRow(topic: string, text: string): Promise<void> {
    const table = await this.locatorFor(MatTableHarness)();
    for (const row of await table.getRows()) {
      const [name, actions] = await row.getCells();
      if ((await name.getText()) !== topic) continue;
      await (await actions.getHarness(MatButtonHarness.with({ text }))).click();
      await this.settle();
      return;
    }
    throw new Error(`No row for topic ${topic}`);
  }

  async createTopic(name: string): Promise<void> {
    await (await this.field('New topic name')).setValue(name);
    await this.click('Create topic');
  }

  /** The inline alert's text, or '' when none is shown. */
  async alertText(): Promise<string> {
    const alert = await this.alert();
    return alert ? squash(await alert.text()) : '';
  }

  /** The subscription panel's result line, or '' when none. */
  async statusText(): Promise<string> {
    const status = await this.status();
    return status ? squash(await status.text()) : '';
  }

  async isLoading(): Promise<boolean> {
    return (await this.locatorForAll(MatProgressBarHarness)()).length > 0;
  }
}
