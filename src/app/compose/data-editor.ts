import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { startWith, switchMap } from 'rxjs';

import { DataForm, dataRowForm, setRows } from './data-form';
import { DataDraft, dataFromJson, dataFromRows, jsonFromData, rowsFromData } from './push-message';

/**
 * Push data as key/value rows or as JSON. Switching converts what is there; JSON that is not
 * flat Kii data stays JSON until it is fixed. The parent owns the form group and shows the
 * problems of the whole draft.
 */
@Component({
  selector: 'kpc-data-editor',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
  ],
  host: { role: 'group', '[attr.aria-label]': 'label()' },
  templateUrl: './data-editor.html',
  styleUrl: './data-editor.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DataEditor {
  /** Accessible name of the editor ("Data", "MQTT data"). */
  readonly label = input.required<string>();
  readonly form = input.required<DataForm>();

  private readonly fb = inject(NonNullableFormBuilder);
  // The parent may change the form (Start over): follow its values, not only our events.
  private readonly value = toSignal(
    toObservable(this.form).pipe(switchMap((form) => form.valueChanges.pipe(startWith(null)))),
  );
  protected readonly mode = computed(() => {
    this.value();
    return this.form().controls.mode.value;
  });
  /** The row groups, as a new array whenever a value changes, so the list re-renders. */
  protected readonly rows = computed(() => {
    this.value();
    return [...this.form().controls.rows.controls];
  });
  /** Why the last switch to rows did not happen. */
  protected readonly switchRefused = signal(false);

  /** The toggle already set the mode: convert the data, or go back to JSON if it is not flat. */
  protected switched(mode: DataDraft['mode']): void {
    const form = this.form();
    this.switchRefused.set(false);
    if (mode === 'json') {
      const rows = form.getRawValue().rows;
      // Rows with problems go over as typed (as text), so nothing is lost.
      const typed = rows.filter((row) => row.key.trim()).map((row) => [row.key.trim(), row.value]);
      const data = dataFromRows(rows).data ?? Object.fromEntries(typed);
      form.controls.json.setValue(Object.keys(data).length ? jsonFromData(data) : '');
      return;
    }
    const reading = dataFromJson(form.controls.json.value);
    if (!reading.data) {
      this.switchRefused.set(true);
      form.controls.mode.setValue('json');
      return;
    }
    const rows = rowsFromData(reading.data);
    setRows(this.fb, form, rows.length ? rows : [{ key: '', value: '', type: 'string' }]);
  }

  protected addRow(): void {
    this.form().controls.rows.push(dataRowForm(this.fb, { key: '', value: '', type: 'string' }));
  }

  protected removeRow(index: number): void {
    const rows = this.form().controls.rows;
    rows.removeAt(index);
    if (rows.length === 0) this.addRow();
  }

  protected removeLabel(index: number): string {
    return $localize`:Accessible name of the button that removes a data row; N is its number@@kpc.compose.removeRow:Remove row ${index + 1}:N:`;
  }
}
