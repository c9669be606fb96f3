import { FormArray, FormControl, FormGroup, NonNullableFormBuilder } from '@angular/forms';

import { DataDraft, DataRow, RowType } from './push-message';

/** One key/value row's controls. */
export type DataRowForm = FormGroup<{
  key: FormControl<string>;
  value: FormControl<string>;
  type: FormControl<RowType>;
}>;

/** The controls of a `DataDraft`. */
export type DataForm = FormGroup<{
  mode: FormControl<DataDraft['mode']>;
  rows: FormArray<DataRowForm>;
  json: FormControl<string>;
}>;

export function dataRowForm(fb: NonNullableFormBuilder, row: DataRow): DataRowForm {
  return fb.group({
    key: fb.control(row.key),
    value: fb.control(row.value),
    type: fb.control<RowType>(row.type),
  });
}

export function dataForm(fb: NonNullableFormBuilder, draft: DataDraft): DataForm {
  return fb.group({
    mode: fb.control<DataDraft['mode']>(draft.mode),
    rows: fb.array(draft.rows.map((row) => dataRowForm(fb, row))),
    json: fb.control(draft.json),
  });
}

/** Replaces the rows (after converting JSON to rows) without rebuilding the group. */
export function setRows(
  fb: NonNullableFormBuilder,
  form: DataForm,
  rows: readonly DataRow[],
): void {
  form.controls.rows.clear({ emitEvent: false });
  for (const row of rows) form.controls.rows.push(dataRowForm(fb, row), { emitEvent: false });
  form.controls.rows.updateValueAndValidity();
}
