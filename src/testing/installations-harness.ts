import { ContentContainerComponentHarness, HarnessLoader } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import { MatSortHarness } from '@angular/material/sort/testing';
import { MatTableHarness } from '@angular/material/table/testing';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The text input of the form field labelled `label` below `loader`. */
export async function inputLabelled(
  loader: HarnessLoader,
  label: string | RegExp,
): Promise<MatInputHarness> {
  const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const input = await field.getControl(MatInputHarness);
  if (!input) throw new Error(`No input labelled ${label}`);
  return input;
}

/** Clicks the button whose text or accessible name matches `name`. */
export async function clickButton(loader: HarnessLoader, name: string | RegExp): Promise<void> {
  const byText = await loader.getAllHarnesses(MatButtonHarness.with({ text: name }));
  if (byText.length) return byText[0].click();
  const label = typeof name === 'string' ? `[aria-label="${name}"]` : '[aria-label]';
  const candidates = await loader.getAllHarnesses(MatButtonHarness.with({ selector: label }));
  for (const candidate of candidates) {
    const host = await candidate.host();
    const aria = (await host.getAttribute('aria-label')) ?? '';
    if (typeof name === 'string' ? aria === name : name.test(aria)) return candidate.click();
  }
  throw new Error(`No button ${name}`);
}

/** The text of the open dialog, squashed. */
export async function dialogText(dialog: MatDialogHarness): Promise<string> {
  return squash(await (await dialog.host()).text());
}

/**
 * The Installations page as an operator sees it: the mode note, the look-up field, the
 * table (through Material's harnesses) and its filter.
 */
export class InstallationsPageHarness extends ContentContainerComponentHarness {
  static hostSelector = 'kpc-installations-page';

  private readonly modeNote = this.locatorForOptional('[role="note"]');
  private readonly alert = this.locatorForOptional('[role="alert"]');
  private readonly loadingStatus = this.locatorForOptional('.kpc-loading');

  table(): Promise<MatTableHarness> {
    return this.locatorFor(MatTableHarness)();
  }

  sort(): Promise<MatSortHarness> {
    return this.locatorFor(MatSortHarness)();
  }

  paginator(): Promise<MatPaginatorHarness> {
    return this.locatorFor(MatPaginatorHarness)();
  }

  async modeText(): Promise<string> {
    const note = await this.modeNote();
    return note ? squash(await note.text()) : '';
  }

  async errorText(): Promise<string> {
    const alert = await this.alert();
    return alert ? squash(await alert.text()) : '';
  }

  async loadingText(): Promise<string> {
    const status = await this.loadingStatus();
    return status ? squash(await status.text()) : '';
  }

  /** Column texts of the rows shown (this page of the paginator). */
  async column(name: string): Promise<string[]> {
    const rows = await (await this.table()).getCellTextByColumnName();
    return rows[name]?.text ?? [];
  }

  async filter(text: string): Promise<void> {
    await (await inputLabelled(this, 'Filter')).setValue(text);
  }

  async lookup(text: string): Promise<void> {
    await (await inputLabelled(this, /Installation ID or/)).setValue(text);
    await clickButton(this, 'Look up');
  }

  async select(installationID: string): Promise<void> {
    const box = await this.locatorFor(
      MatCheckboxHarness.with({ label: `Select installation ${installationID}` }),
    )();
    await box.check();
  }

  async click(name: string | RegExp): Promise<void> {
    await clickButton(this, name);
  }

  async hasButton(name: string | RegExp): Promise<boolean> {
    return (await this.locatorForAll(MatButtonHarness.with({ text: name }))()).length > 0;
  }
}
