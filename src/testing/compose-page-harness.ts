import { ComponentHarness } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The data editors by their accessible names. */
export type EditorName = 'Data' | 'MQTT data';
const editor = (name: EditorName) => `[role="group"][aria-label="${name}"]`;

/**
 * Drives the Compose page by labels and texts through Material's harnesses; our own markup
 * (alerts, the progress line, the size line) is read by role or by its one class.
 */
export class ComposePageHarness extends ComponentHarness {
  static hostSelector = 'kpc-compose-page';

  private readonly alerts = this.locatorForAll('[role="alert"]');
  private readonly sizeLine = this.locatorFor('kpc-payload-meter');

  /** Lets the fake SDK's promises and HTTP answers settle, then re-renders. */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    await this.forceStabilize();
  }

  async input(label: string, ancestor?: string): Promise<MatInputHarness> {
    const field = await this.locatorFor(
      MatFormFieldHarness.with({ floatingLabelText: label, ...(ancestor ? { ancestor } : {}) }),
    )();
    const control = await field.getControl(MatInputHarness);
    if (!control) throw new Error(`No input labelled ${label}`);
    return control;
  }

  /** Types into the field labelled `label` (in a data editor when `editorName` is given). */
  async fill(label: string, value: string, editorName?: EditorName): Promise<void> {
    await (await this.input(label, editorName && editor(editorName))).setValue(value);
  }

  /** Types into the n-th (0-based) key and value of a data editor. */
  async fillRow(
    n: number,
    key: string,
    value: string,
    editorName: EditorName = 'Data',
  ): Promise<void> {
    const keys = await this.locatorForAll(
      MatFormFieldHarness.with({ floatingLabelText: 'Key', ancestor: editor(editorName) }),
    )();
    const values = await this.locatorForAll(
      MatFormFieldHarness.with({ floatingLabelText: 'Value', ancestor: editor(editorName) }),
    )();
    await ((await keys[n].getControl(MatInputHarness)) as MatInputHarness).setValue(key);
    await ((await values[n].getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  }

  async chooseTarget(kind: string): Promise<void> {
    const select = await this.locatorFor(
      MatSelectHarness.with({ ancestor: 'kpc-target-fields' }),
    )();
    await select.open();
    const texts = await Promise.all((await select.getOptions()).map((o) => o.getText()));
    if (!texts.includes(kind)) throw new Error(`No target kind ${kind} in ${texts.join(', ')}`);
    await select.clickOptions({ text: kind });
  }

  async toggle(text: string, ancestor?: string): Promise<void> {
    await (
      await this.locatorFor(
        MatButtonToggleHarness.with({ text, ...(ancestor ? { ancestor } : {}) }),
      )()
    ).check();
  }

  async switchFormat(
    format: 'Key/value rows' | 'JSON',
    editorName: EditorName = 'Data',
  ): Promise<void> {
    await this.toggle(format, editor(editorName));
  }

  async checkbox(label: string | RegExp): Promise<MatCheckboxHarness> {
    return this.locatorFor(MatCheckboxHarness.with({ label }))();
  }

  async click(text: string | RegExp): Promise<void> {
    await (await this.locatorFor(MatButtonHarness.with({ text }))()).click();
    await this.settle();
  }

  async isSendDisabled(): Promise<boolean> {
    return (await this.locatorFor(MatButtonHarness.with({ text: 'Send' }))()).isDisabled();
  }

  async isSending(): Promise<boolean> {
    const bars = await this.locatorForAll(
      MatProgressBarHarness.with({ selector: '[aria-label="Sending"]' }),
    )();
    return bars.length > 0;
  }

  /** Texts of the shown alerts (problems, send failure). */
  async alertTexts(): Promise<string[]> {
    return Promise.all((await this.alerts()).map(async (alert) => squash(await alert.text())));
  }

  /** The payload size line. */
  async sizeText(): Promise<string> {
    return squash(await (await this.sizeLine()).text());
  }

  /** Recent sends as `To | Message ID` per row, newest first. */
  async recentSends(): Promise<string[]> {
    const table = await this.locatorFor(
      MatTableHarness.with({ selector: '[aria-label="Recent sends"]' }),
    )();
    const rows = await table.getRows();
    return Promise.all(
      rows.map(async (row) => {
        const cells = await row.getCellTextByColumnName();
        return `${cells['target']} | ${squash(cells['pushMessageID'].replace(/content_copy|summarize/g, ''))}`;
      }),
    );
  }
}
